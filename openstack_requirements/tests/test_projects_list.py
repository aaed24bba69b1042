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

"""policy.parse_projects: the one projects.txt grammar."""

from __future__ import annotations

from openstack_requirements import policy
from openstack_requirements.tests import base


def check(text: str) -> list[str]:
    return [str(f) for f in policy.parse_projects(text, "p.txt")[1]]


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

    def test_entries_and_rejected_lines(self) -> None:
        # Moved from sync.project_entries, which also took a bare name
        # ("swift") and passed comments and blank lines over; there is one
        # grammar now, validate-projects': 'namespace/name' lines only.
        text = ("# projects\nopenstack/nova\nswift  # comment\n\n"
                "../../x\n/abs\na/b/c\nopenstack/..\n./a\n")
        entries, findings = policy.parse_projects(text, "projects.txt")
        self.assertEqual([("openstack/nova", 2)],
                         [(e.name, e.lineno) for e in entries])
        hint = "one project per line, no spaces or comments"
        self.assertEqual([
            f"projects.txt:1: expected 'namespace/name', found "
            f"'# projects'; {hint}",
            f"projects.txt:3: expected 'namespace/name', found "
            f"'swift  # comment'; {hint}",
            "projects.txt:4: blank line; remove it",
            f"projects.txt:5: expected 'namespace/name', found '../../x'; "
            f"{hint}",
            f"projects.txt:6: expected 'namespace/name', found '/abs'; "
            f"{hint}",
            f"projects.txt:7: expected 'namespace/name', found 'a/b/c'; "
            f"{hint}",
            f"projects.txt:8: expected 'namespace/name', found "
            f"'openstack/..'; {hint}",
            f"projects.txt:9: expected 'namespace/name', found './a'; "
            f"{hint}",
        ], [str(f) for f in findings])

    def test_duplicate_is_not_an_entry(self) -> None:
        entries, findings = policy.parse_projects(
            "a/b_c\na/b-c\n", "p.txt")
        self.assertEqual([("a/b_c", 1)],
                         [(e.name, e.lineno) for e in entries])
        self.assertEqual(["duplicate"], [f.code for f in findings])

    def test_out_of_order_line_stays_an_entry(self) -> None:
        entries, findings = policy.parse_projects("a/c\na/b\n", "p.txt")
        self.assertEqual(["a/c", "a/b"], [e.name for e in entries])
        self.assertEqual(["sorted"], [f.code for f in findings])

    def test_candidates(self) -> None:
        self.assertEqual(
            ["src/openstack/nova", "src/nova"],
            policy.ProjectEntry("openstack/nova", 1).candidates("src"))
        self.assertEqual(["src/nova"],
                         policy.ProjectEntry("nova", 1).candidates("src"))
