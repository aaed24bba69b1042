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

"""Advisories and the smallest fixing bump (pure)."""

from __future__ import annotations

from openstack_requirements import advisories
from openstack_requirements import holds
from openstack_requirements import releases
from openstack_requirements.tests import base


def project(*versions: str) -> releases.Project:
    return releases.parse_project({
        "info": {"name": "p"},
        "releases": {v: [{"filename": f"p-{v}.tar.gz",
                          "packagetype": "sdist",
                          "yanked": v.endswith("9")}] for v in versions},
    }, "test")


class TestSmallestFix(base.TestCase):
    def test_two_advisories_need_the_release_that_fixes_both(self) -> None:
        found = advisories.parse({"vulnerabilities": [
            {"id": "A", "fixed_in": ["1.1"]},
            {"id": "B", "fixed_in": ["1.3", "2.0"]},
            {"id": "C", "fixed_in": [], "withdrawn": "2026-01-01"},
        ]}, "test")
        self.assertEqual(["A", "B"], [a.id for a in found])
        self.assertEqual(("1.3", ""), advisories.smallest_fix(
            "p", "1.0", found, project("1.0", "1.1", "1.2", "1.3"), [""],
            holds.Holds()))
        # Yanked releases and pre-releases are not proposed.
        self.assertEqual(("1.4", ""), advisories.smallest_fix(
            "p", "1.0", found, project("1.0", "1.3.9", "1.4rc1", "1.4"),
            [""], holds.Holds()))

    def test_no_fixed_release(self) -> None:
        found = [advisories.Advisory("A")]
        self.assertEqual(("", "an advisory names no fixed release"),
                         advisories.smallest_fix(
                             "p", "1.0", found, project("1.0", "2.0"), [],
                             holds.Holds()))
