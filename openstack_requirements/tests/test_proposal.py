# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

from __future__ import annotations

from openstack_requirements import constraints as c
from openstack_requirements import proposal
from openstack_requirements.tests import base

CHANGES = [
    c.Change("bumped", "a", "1.2.3", "2.0"),
    c.Change("bumped", "b", "1.2.3", "1.3.0"),
    c.Change("bumped", "c", "1.2.3", "1.2.4"),
    c.Change("downgraded", "d", "2", "1"),
    c.Change("changed", "e", "1", "1;python_version=='3.12', 2;"
             "python_version>='3.13'"),
    c.Change("added", "f", new="1"),
    c.Change("removed", "g", old="1"),
]


class TestProposal(base.TestCase):
    def test_groups(self) -> None:
        self.assertEqual(
            ["major", "minor", "patch", "downgraded", "changed", "new",
             "removed"], [proposal.group(ch) for ch in CHANGES])

    def test_message_with_markers_and_holds(self) -> None:
        text = proposal.message(CHANGES, total=9, holds=[
            proposal.Hold("E", "!=1.5"), proposal.Hold("z", "<3")])
        self.assertEqual(
            "Update upper-constraints: 3 bumps, 1 new, 1 removed, "
            "1 downgraded, 1 changed\n\n7 of 9 constraints changed", text[
                :text.index(" (9 lines")])
        self.assertIn("Changed (per Python version or platform) (1):\n"
                      "  e 1 -> 1;python_version=='3.12', 2;"
                      "python_version>='3.13'\n", text)
        self.assertIn("Held back by the global list:\n  E!=1.5\n\n", text)
        self.assertNotIn("z<3", text)
        self.assertNotIn("Affected", text)  # not asked
        self.assertEqual(text, proposal.message(CHANGES, total=9, holds=[
            proposal.Hold("E", "!=1.5"), proposal.Hold("z", "<3")]))

    def test_branch_named_after_the_bytes(self) -> None:
        self.assertEqual(proposal.branch("x\n"), proposal.branch("x\n"))
        self.assertNotEqual(proposal.branch("x\n"), proposal.branch("y\n"))
