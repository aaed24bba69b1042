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

import textwrap

from openstack_requirements import policy
from openstack_requirements import reqfile
from openstack_requirements.tests import base


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


class TestCheckNames(base.TestCase):
    def test_error_specifier_and_duplicate(self) -> None:
        self.assertEqual(
            ["b.txt:2: expected a bare name, found 'bar>=1'",
             "b.txt:3: Foo is already listed on line 1; remove one"],
            _messages(policy.check_names(_doc("foo\nbar>=1\nFoo\n",
                                              "b.txt"))))
