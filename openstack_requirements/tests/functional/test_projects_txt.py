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


"""One projects.txt grammar: validate-projects and update-requirements
--all accept and reject the same lines (issue #12)."""

from __future__ import annotations

import json
import os

from openstack_requirements.cmds import update
from openstack_requirements.cmds import validate_projects
from openstack_requirements.tests import base

#: (line, accepted).  Upstream projects.txt lines are 'namespace/name'.
LINES = (
    ("openstack/nova", True),
    ("x/glance_store", True),
    ("openstack/Oslo.Config", True),
    ("openstack/nova-", True),
    ("nova", False),  # a bare name: sync.py once took it, policy.py not
    ("# a comment", False),
    ("openstack/nova  # comment", False),
    (" openstack/nova", False),
    ("openstack/nova ", False),
    ("", False),
    ("../x", False),
    ("/abs", False),
    ("a/b/c", False),
    ("openstack/..", False),
    ("./a", False),
    ("openstack/", False),
)


class TestOneGrammar(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.source = self.make_dir()
        self.write(self.source, "global-requirements.txt", "six\n")
        self.root = self.make_dir()  # no project is there: all "missing"

    def validate_accepts(self, text: str) -> bool:
        path = self.write(self.source, "projects.txt", text)
        code, out, err = self.run_main(validate_projects.main, [path])
        self.assertIn(code, (0, 1), err)
        return code == 0

    def update_accepts(self, text: str) -> bool:
        self.write(self.source, "projects.txt", text)
        code, out, err = self.run_main(
            update.main, ["--source", self.source, "--all", self.root])
        self.assertEqual("", err)
        accepted = out.endswith(", 1 missing\n")
        rejected = out.endswith(", 0 missing, 1 skipped\n")
        self.assertNotEqual(accepted, rejected, out)
        self.assertEqual(0 if accepted else 1, code, out)
        return accepted

    def test_each_line_through_both_commands(self) -> None:
        for line, accepted in LINES:
            text = line + "\n"
            self.assertEqual(
                (accepted, accepted),
                (self.validate_accepts(text), self.update_accepts(text)),
                f"line {line!r}")

    def test_order_is_validate_projects_business(self) -> None:
        # An unsorted file fails validate-projects, but every line of it
        # is a project: --all syncs them all and skips none.
        text = "openstack/nova\nopenstack/glance\n"
        self.assertFalse(self.validate_accepts(text))
        self.write(self.source, "projects.txt", text)
        code, out, err = self.run_main(
            update.main, ["--source", self.source, "--all", self.root])
        self.assertEqual((0, ""), (code, err))
        self.assertEqual(
            f"missing under {self.root}: openstack/nova, openstack/glance\n"
            "0 project(s): 0 changed, 0 up to date, 0 failed, 2 missing\n",
            out)

    def test_every_line_of_the_shipped_and_reference_lists(self) -> None:
        paths = [base.repo_file("projects.txt")]
        reference = os.path.join(base.REFERENCE_DIR, "projects.txt")
        if os.path.exists(reference):
            paths.append(reference)
        for path in paths:
            code, out, err = self.run_main(validate_projects.main,
                                           ["--json", path])
            # The reference list has one line out of order, no bad line.
            self.assertEqual(
                set(), {f["code"] for f in json.loads(out)["findings"]}
                - {"sorted"}, path)
            text = base.read(path)
            self.write(self.source, "projects.txt", text)
            code, out, err = self.run_main(
                update.main, ["--source", self.source, "--all", self.root])
            self.assertEqual((0, ""), (code, err), path)
            self.assertNotIn("warning:", out, path)
            self.assertTrue(out.endswith(
                f" {text.count(chr(10))} missing\n"), out[-200:])

    def test_shipped_list_passes_validate_projects(self) -> None:
        self.assertEqual((0, "", ""), self.run_main(
            validate_projects.main, [base.repo_file("projects.txt")]))
