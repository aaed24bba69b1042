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

import os
import textwrap

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from openstack_requirements import policy
from openstack_requirements import reqfile
from openstack_requirements.requirement import canonical_name
from openstack_requirements.tests import base
from openstack_requirements.tests import strategies


def _doc(text: str, source: str = "g.txt") -> reqfile.RequirementsFile:
    return reqfile.parse(textwrap.dedent(text), source)


def _messages(findings: list) -> list[str]:
    return [str(f) for f in findings]


class TestCheckGlobal(base.TestCase):
    def test_shipped_list_is_clean(self) -> None:
        doc = reqfile.parse(
            base.read(base.repo_file("global-requirements.txt")),
            "global-requirements.txt")
        self.assertEqual([], policy.check_global(doc))

    def test_error_missing_license(self) -> None:
        self.assertEqual(
            ["g.txt:2: bar has no license comment; add one after two "
             "spaces, e.g. '  # Apache-2.0'"],
            _messages(policy.check_global(_doc("""\
                foo  # MIT
                bar
                """))))

    def test_error_options_and_urls(self) -> None:
        self.assertEqual(
            ["g.txt:1: the global list holds names only; remove this "
             "option line",
             "g.txt:2: the global list holds names only; remove this "
             "url line"],
            _messages(policy.check_global(_doc("""\
                -e git+https://h/x#egg=x
                git+https://h/y#egg=y  # MIT
                """))))

    def test_duplicates_only_with_different_markers(self) -> None:
        self.assertEqual([], policy.check_global(_doc("""\
            foo;python_version<'3.10'  # MIT
            foo;python_version>='3.10'  # MIT
            """)))
        self.assertEqual(
            ["g.txt:2: foo with marker 'python_version < \"3.10\"' is "
             "already listed on line 1; a name may repeat only with "
             "different markers, remove one of them"],
            _messages(policy.check_global(_doc("""\
                foo;python_version<'3.10'  # MIT
                foo;python_version < "3.10"  # MIT
                """))))

    def test_error_spelling_differs_after_canonicalisation(self) -> None:
        self.assertEqual(
            ["g.txt:2: Oslo_Config is spelled oslo.config on line 1; names "
             "must be unique after canonicalisation, use one spelling",
             "g.txt:2: Oslo_Config is already listed on line 1; a name may "
             "repeat only with different markers, remove one of them"],
            _messages(policy.check_global(_doc("""\
                oslo.config  # Apache-2.0
                Oslo_Config  # Apache-2.0
                """))))

    def test_error_invalid_line(self) -> None:
        self.assertEqual(
            ["g.txt:1: invalid version specifier '>>1'"],
            _messages(policy.check_global(_doc("foo>>1  # MIT\n"))))


class TestCheckConstraints(base.TestCase):
    def test_shipped_constraints_are_clean(self) -> None:
        doc = reqfile.parse(
            base.read(base.repo_file("upper-constraints.txt")), "u.txt")
        self.assertEqual([], policy.check_constraints(doc))

    def test_markers_allowed(self) -> None:
        self.assertEqual([], policy.check_constraints(_doc("""\
            foo===1.0;python_version=='3.10'
            foo===2.0;python_version>='3.11'
            """)))

    def test_error_not_a_pin(self) -> None:
        self.assertEqual(
            ["u.txt:1: expected 'name===version[;marker]' for foo, found "
             "'foo>=1.0'",
             "u.txt:2: expected 'name===version[;marker]' for bar, found "
             "'bar==1.0'",
             "u.txt:3: expected 'name===version[;marker]', found a option "
             "line"],
            _messages(policy.check_constraints(_doc("""\
                foo>=1.0
                bar==1.0
                -e .
                """, "u.txt"))))

    def test_error_duplicate_pin(self) -> None:
        self.assertEqual(
            ["u.txt:2: foo is already pinned on line 1; a name may repeat "
             "only with different markers, remove one of them"],
            _messages(policy.check_constraints(_doc("""\
                foo===1.0
                foo===2.0
                """, "u.txt"))))


class TestCompatibilityAndCoverage(base.TestCase):
    def test_compatible_pins(self) -> None:
        glob = _doc("""\
            foo!=1.1  # MIT
            bar<2;python_version<'3.12'  # MIT
            bar;python_version>='3.12'  # MIT
            """)
        upper = _doc("""\
            foo===1.0
            bar===1.9;python_version<'3.12'
            bar===2.5;python_version>='3.12'
            """, "u.txt")
        self.assertEqual([], policy.check_compatibility(
            glob, upper, policy.environments()))

    def test_error_incompatible_pin(self) -> None:
        glob = _doc("""\
            foo!=1.1  # MIT
            bar<2;python_version<'3.12'  # MIT
            """)
        upper = _doc("""\
            foo===1.1
            bar===2.5;python_version=='3.11'
            """, "u.txt")
        self.assertEqual(
            ["u.txt:1: foo===1.1 is not allowed by the global requirement "
             "foo!=1.1 at g.txt:1; pin a version that satisfies it or "
             "change the global specifier",
             "u.txt:2: bar===2.5 is not allowed by the global requirement "
             "bar<2;python_version<'3.12' (for python_version<'3.12') at "
             "g.txt:2; pin a version that satisfies it or change the "
             "global specifier"],
            _messages(policy.check_compatibility(
                glob, upper, policy.environments())))

    def test_coverage(self) -> None:
        glob = _doc("""\
            foo  # MIT
            flake8  # MIT
            missing  # MIT
            pip  # MIT
            """)
        upper = _doc("foo===1.0\nFlake8===7.0\n", "u.txt")
        black = _doc("# linters\nflake8\n", "b.txt")
        self.assertEqual(
            ["g.txt:3: missing is neither in u.txt nor in b.txt; add a pin "
             "'missing===VERSION' or blacklist it",
             "u.txt:2: flake8 is blacklisted in b.txt:2 but pinned here; "
             "remove the pin or the blacklist entry"],
            _messages(policy.check_coverage(glob, upper, black)))


class TestCoverageByMarkers(base.TestCase):
    """Real-shaped lists: what a Linux generation can and cannot pin."""

    GLOBAL = """\
        foo  # MIT
        PyMI;sys_platform=='win32'  # Apache-2.0
        wmi;sys_platform=='win32'  # MIT
        pywin32;sys_platform=='win32'  # PSF
        argparse  # PSF
        wsgiref  # PSF
        futures;python_version=='2.7'  # BSD
        xattr;sys_platform!='win32'  # MIT
        """

    def coverage(self, upper: str, envs: list) -> list[str]:
        return _messages(policy.check_coverage(
            _doc(self.GLOBAL), _doc(upper, "u.txt"), _doc("", "b.txt"),
            envs=envs))

    def test_linux_cannot_pin_windows_or_old_python_entries(self) -> None:
        linux = policy.environments(("3.10", "3.12"), ("linux",))
        self.assertEqual([], self.coverage("foo===1\nxattr===1\n", linux))

    def test_entry_that_applies_on_linux_still_demanded(self) -> None:
        linux = policy.environments(("3.12",), ("linux",))
        self.assertEqual(
            ["g.txt:8: xattr is neither in u.txt nor in b.txt; add a pin "
             "'xattr===VERSION' or blacklist it"],
            self.coverage("foo===1\n", linux))

    def test_covered_windows_demands_windows_entries(self) -> None:
        both = policy.environments(("3.12",), ("linux", "win32"))
        self.assertEqual(
            ["g.txt:2: PyMI is neither in u.txt nor in b.txt; add a pin "
             "'PyMI===VERSION' or blacklist it",
             "g.txt:3: wmi is neither in u.txt nor in b.txt; add a pin "
             "'wmi===VERSION' or blacklist it",
             "g.txt:4: pywin32 is neither in u.txt nor in b.txt; add a "
             "pin 'pywin32===VERSION' or blacklist it"],
            self.coverage("foo===1\nxattr===1\n", both))

    def test_covered_python_demands_its_entries(self) -> None:
        py27 = policy.environments(("2.7",), ("linux",))
        self.assertEqual(
            ["g.txt:7: futures is neither in u.txt nor in b.txt; add a "
             "pin 'futures===VERSION' or blacklist it"],
            self.coverage("foo===1\nxattr===1\n", py27))


class TestCheckLowerBounds(base.TestCase):
    def test_floors_reported_exclusions_and_caps_not(self) -> None:
        self.assertEqual(
            ["g.txt:1: six has a lower bound (>=1.10); the global list "
             "carries exclusions only, each project keeps its own floor: "
             "remove it",
             "g.txt:3: pbr has a lower bound (~=5.0); the global list "
             "carries exclusions only, each project keeps its own floor: "
             "remove it"],
            _messages(policy.check_lower_bounds(_doc("""\
                six>=1.10,!=1.11  # MIT
                foo!=2,<3  # MIT
                pbr~=5.0  # Apache-2.0
                """))))
        self.assertEqual(
            ["lower-bound"],
            [f.code for f in policy.check_lower_bounds(_doc("a>1  # M\n"))])


class TestCheckFormatting(base.TestCase):
    def test_unsorted_and_one_space_reported(self) -> None:
        findings = policy.check_formatting(_doc("""\
            cliff!=2.17.0,!=2.9.0  # Apache-2.0
            six # MIT
            xattr;sys_platform!='win32'  # MIT
            """))
        self.assertEqual(
            ["g.txt:1: not uniformly formatted; write it as "
             "'cliff!=2.9.0,!=2.17.0  # Apache-2.0' "
             "(normalize-requirements g.txt --save)",
             "g.txt:2: not uniformly formatted; write it as "
             "'six  # MIT' (normalize-requirements g.txt --save)"],
            _messages(findings))
        self.assertEqual({"formatting"}, {f.code for f in findings})

    def test_shipped_and_reference_lists_are_uniform(self) -> None:
        paths = [base.repo_file("global-requirements.txt")]
        if os.path.isdir(base.REFERENCE_DIR):
            paths.append(os.path.join(base.REFERENCE_DIR,
                                      "global-requirements.txt"))
        for path in paths:
            doc = reqfile.parse(base.read(path), path)
            self.assertEqual([], policy.check_formatting(doc), path)
            self.assertEqual([], policy.check_lower_bounds(doc), path)


class TestCheckNames(base.TestCase):
    def test_error_specifier_and_duplicate(self) -> None:
        self.assertEqual(
            ["b.txt:2: expected a bare name, found 'bar>=1'",
             "b.txt:3: Foo is already listed on line 1; remove one"],
            _messages(policy.check_names(_doc("foo\nbar>=1\nFoo\n",
                                              "b.txt"))))


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


class TestProjectsProperties(base.TestCase):
    @settings(deadline=None, max_examples=150)
    @given(st.lists(st.tuples(strategies.names, strategies.names),
                    max_size=15))
    def test_sorted_unique_lists_pass(
        self, pairs: list[tuple[str, str]]
    ) -> None:
        def key(pair: tuple[str, str]) -> str:
            return canonical_name(pair[0]) + "/" + canonical_name(pair[1])

        unique = {key(p): p for p in pairs}
        lines = [f"{a}/{b}" for a, b in sorted(unique.values(), key=key)]
        text = "".join(line + "\n" for line in lines)
        self.assertEqual([], policy.parse_projects(text, "p")[1])
        if len(lines) > 1:
            # Unique keys sort strictly, so the reverse is out of order.
            backwards = "".join(ln + "\n" for ln in reversed(lines))
            found = policy.parse_projects(backwards, "p")[1]
            self.assertEqual({"sorted"}, {f.code for f in found})
