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

"""policy.check_projects: the projects.txt dialect."""

from __future__ import annotations

from openstack_requirements import policy
from openstack_requirements.tests import base


def check(text: str) -> list[str]:
    return [str(f) for f in policy.check_projects(text, "p.txt")]


class TestCheckProjects(base.TestCase):
    def test_sorted_passes(self) -> None:
        self.assertEqual([], check(
            "openstack/glance\nopenstack/glance_store\n"
            "openstack/glance-tempest-plugin\nx/Zed\n"))

    def test_shipped_projects_pass(self) -> None:
        self.assertEqual([], check(base.read(base.repo_file(
            "projects.txt"))))

    def test_unsorted_fails(self) -> None:
        self.assertEqual(
            ["p.txt:2: openstack/aa is out of order: it sorts before "
             "openstack/bb (line 1); keep the file sorted"],
            check("openstack/bb\nopenstack/aa\n"))

    def test_duplicate_fails(self) -> None:
        self.assertEqual(
            ["p.txt:2: openstack/glance_store is already listed on line 1; "
             "remove this line"],
            check("openstack/glance-store\nopenstack/glance_store\n"))

    def test_blank_line_fails(self) -> None:
        self.assertEqual(["p.txt:2: blank line; remove it"],
                         check("a/b\n\na/c\n"))

    def test_odd_lines_fail(self) -> None:
        self.assertEqual(
            ["p.txt:1: expected 'namespace/name', found '# c'; one project "
             "per line, no spaces or comments",
             "p.txt:2: expected 'namespace/name', found 'nova'; one project "
             "per line, no spaces or comments",
             "p.txt:3: expected 'namespace/name', found 'a/b '; one project "
             "per line, no spaces or comments"],
            check("# c\nnova\na/b \n"))

    def test_no_final_newline_fails(self) -> None:
        self.assertEqual(
            ["p.txt:1: the file does not end with a newline; add one"],
            check("a/b"))

    def test_crlf_fails(self) -> None:
        self.assertEqual(["p.txt:1: CRLF line ending; use '\\n'"],
                         check("a/b\r\n"))
