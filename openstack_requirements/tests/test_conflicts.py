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

from openstack_requirements import conflicts
from openstack_requirements.tests import base

ENV = {"python_version": "3.12", "python_full_version": "3.12.0",
       "sys_platform": "linux", "platform_system": "Linux",
       "os_name": "posix", "implementation_name": "cpython",
       "platform_python_implementation": "CPython",
       "platform_machine": "x86_64"}
D = conflicts.Distribution


class TestFind(base.TestCase):
    def test_satisfied(self) -> None:
        dists = [D("nova", "1.0", ("oslo.config>=9", "six; python_version"
                                   " < '3'", "mock; extra == 'test'")),
                 D("oslo_config", "10.0")]
        self.assertEqual([], conflicts.find(dists, ENV))

    def test_version_conflict(self) -> None:
        nova = D("nova", "1.0", ("oslo.config>=11",))
        found = conflicts.find([nova, D("oslo.config", "10.0")], ENV)
        self.assertEqual(
            [conflicts.Conflict(nova, "oslo.config>=11", "oslo-config",
                                "10.0")], found)
        self.assertEqual(
            "requires oslo.config>=11, but oslo-config 10.0 is installed "
            "(u.txt pins oslo-config===10.0); fix the constraints or list "
            "it in the xfails file",
            found[0].describe({"oslo-config": "10.0"}, "u.txt"))

    def test_missing(self) -> None:
        found = conflicts.find([D("nova", "1.0", ("absent",))], ENV)
        self.assertEqual([None], [c.installed for c in found])

    def test_first_of_duplicates_wins(self) -> None:
        dists = [D("a", "1", ("b>=2",)), D("b", "2"), D("B", "1")]
        self.assertEqual([], conflicts.find(dists, ENV))

    def test_unparsable_metadata(self) -> None:
        found = conflicts.find([D("a", "1", ("b>>2",))], ENV)
        self.assertTrue(found[0].error)


class TestReport(base.TestCase):
    def test_xfails_split(self) -> None:
        found = conflicts.find(
            [D("a", "1", ("x>=2",)), D("b", "1", ("x>=3",)), D("x", "1")],
            ENV)
        result = conflicts.report(found, frozenset({"b", "c"}), {}, "u")
        self.assertEqual(["a 1"], [f.source for f in result.failures])
        self.assertEqual(["b 1"], [f.source for f in result.expected])
        self.assertEqual(["c"], result.unused_xfails)
