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

"""check.py: one passing and one failing case per rule."""

from __future__ import annotations

import os
import textwrap

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from openstack_requirements import check
from openstack_requirements import errors
from openstack_requirements import lists as lists_mod
from openstack_requirements import project as project_mod
from openstack_requirements import reqfile
from openstack_requirements.tests import base

REQS = os.path.join(base.FILES_DIR, "check", "reqs")
GLOBAL = os.path.join(REQS, "global-requirements.txt")


def lists() -> lists_mod.Lists:
    def doc(name: str) -> reqfile.RequirementsFile:
        path = os.path.join(REQS, name)
        return reqfile.parse(base.read(path), path)

    pins = {"six": ("1.17.0",)}
    return lists_mod.Lists(doc("global-requirements.txt"),
                           frozenset(doc("blacklist.txt").by_name()),
                           frozenset(doc("backports.txt").by_name()), pins)


def project(**files: str) -> project_mod.Project:
    texts = {name.replace("__", "/").replace("_", "-").replace(
        "-txt", ".txt").replace("-cfg", ".cfg").replace("-toml", ".toml"):
        textwrap.dedent(text) for name, text in files.items()}
    texts.setdefault("pyproject.toml", PBR)
    return project_mod.from_texts(texts)


PBR = '[build-system]\nrequires = ["pbr"]\nbuild-backend = "pbr.build"\n'


class CheckCase(base.TestCase):
    def findings(self, branch: str = "master",
                 **files: str) -> list[errors.Finding]:
        return check.check_project(project(**files), lists(),
                                   check.Options(branch=branch))

    def assertClean(self, **files: str) -> None:
        self.assertEqual([], self.findings(**files))

    def assertOnly(self, expected: str, branch: str = "master",
                   **files: str) -> None:
        found = self.findings(branch=branch, **files)
        self.assertEqual([expected], [str(f) for f in found])


class TestInGlobal(CheckCase):
    def test_known_name_passes(self) -> None:
        self.assertClean(requirements_txt="six>=1.0\n")

    def test_canonical_name_passes(self) -> None:
        self.assertClean(requirements_txt="Oslo_Config>=9.0\n")

    def test_unknown_name_fails(self) -> None:
        self.assertOnly(
            f"requirements.txt:1: nosuch is not in the global list "
            f"({GLOBAL}); propose it there first or remove it",
            requirements_txt="nosuch>=1\n")

    def test_blacklisted_name_is_not_checked(self) -> None:
        self.assertClean(requirements_txt="flake8<3,!=2.1\n")


class TestMarkers(CheckCase):
    def test_same_marker_passes(self) -> None:
        self.assertClean(
            requirements_txt='pyroute2>=0.5;sys_platform != "win32"\n')

    def test_different_marker_fails(self) -> None:
        self.assertOnly(
            "requirements.txt:1: pyroute2: markers differ: global list "
            "has `pyroute2!=0.5.4;sys_platform!='win32'`; you have "
            "`pyroute2>=0.5` (no marker); use the global list's markers",
            requirements_txt="pyroute2>=0.5\n")

    def test_python3_marker_only_in_global_passes(self) -> None:
        self.assertClean(requirements_txt="typing-extensions>=4\n")

    def test_python3_marker_only_in_project_passes(self) -> None:
        self.assertClean(requirements_txt="six>=1;python_version>='3'\n")

    def test_python_version_marker_not_python3_only_fails(self) -> None:
        self.assertOnly(
            "requirements.txt:1: six: markers differ: global list has "
            "`six`; you have `six>=1;python_version>='3.12'` "
            "(`python_version>='3.12'`); use the global list's markers",
            requirements_txt="six>=1;python_version>='3.12'\n")

    def test_backport_marker_passes_for_backports(self) -> None:
        self.assertClean(
            requirements_txt="importlib-metadata>=4;python_version<'3.10'\n")

    def test_backport_marker_fails_for_other_names(self) -> None:
        self.assertOnly(
            "requirements.txt:1: six: markers differ: global list has "
            "`six`; you have `six>=1;python_version<'3.10'` "
            "(`python_version<'3.10'`); use the global list's markers",
            requirements_txt="six>=1;python_version<'3.10'\n")


class TestExclusions(CheckCase):
    def test_subset_passes(self) -> None:
        self.assertClean(requirements_txt="oslo.config>=9,!=4.3\n")

    def test_extra_exclusion_fails(self) -> None:
        self.assertOnly(
            "requirements.txt:1: oslo.config excludes versions the global "
            "list does not (!=9.1): global list has "
            "`oslo.config!=4.3.0,!=4.4.0`; you have "
            "`oslo.config>=9,!=9.1`; drop those exclusions or get them "
            "into the global list first",
            requirements_txt="oslo.config>=9,!=9.1\n")

    def test_cap_fails(self) -> None:
        found = self.findings(requirements_txt="six>=1,<2\n")
        self.assertEqual(["exclusions"], [f.code for f in found])


class TestLowerBound(CheckCase):
    def test_lower_bound_passes(self) -> None:
        self.assertClean(requirements_txt="six>1\nrequests~=2.30\n")

    def test_missing_lower_bound_fails(self) -> None:
        # The pin is no floor: it only bounds the project's choice.
        self.assertOnly(
            "requirements.txt:1: six has no lower bound: you have `six`; "
            "add the oldest version the project supports, `six>=X.Y`; "
            "that floor is the project's choice, at most 1.17.0, the "
            "version the upper constraints pin",
            requirements_txt="six\n")

    def test_hint_never_conflicts_with_the_line(self) -> None:
        # flask: `sphinx<9` next to the pin 9.0.4; `sphinx>=9.0.4` could
        # never be satisfied together with `<9`.
        req = reqfile.parse("sphinx<9\n", "r").lines[0].req
        assert req is not None
        self.assertEqual(
            "add the oldest version the project supports, `sphinx>=X.Y`; "
            "that floor is the project's choice",
            check.lower_bound_hint(req, ("9.0.4",)))

    def test_hint_takes_the_lowest_admitted_pin(self) -> None:
        req = reqfile.parse("six!=1.5,<2\n", "r").lines[0].req
        assert req is not None
        self.assertTrue(check.lower_bound_hint(
            req, ("2.1", "1.5", "bad!", "1.4")).endswith(
                "at most 1.4, the version the upper constraints pin"))


class TestLocation(CheckCase):
    def test_url_fails(self) -> None:
        self.assertOnly(
            "requirements.txt:1: six is installed from a URL "
            "(git+https://example.com/six#egg=six); global list has `six`;"
            " use the name and a version specifier",
            requirements_txt="-e git+https://example.com/six#egg=six\n")

    def test_unnamed_url_fails(self) -> None:
        found = self.findings(
            requirements_txt="https://example.com/x/archive.tgz\n")
        self.assertEqual(["location"], [f.code for f in found])

    def test_options_pass(self) -> None:
        self.assertClean(requirements_txt="-r other.txt\n-c c.txt\n")

    def test_invalid_line_fails(self) -> None:
        self.assertOnly(
            "requirements.txt:2: invalid version specifier '=>2'; fix the "
            "line", requirements_txt="six>=1\nrequests=>2\n")


class TestCounts(CheckCase):
    def test_all_lines_pass(self) -> None:
        self.assertClean(requirements_txt=(
            "futures>=3;python_version<'3.2'\n"
            "futures>=3;python_version>='3.2'\n"))

    def test_missing_line_fails(self) -> None:
        self.assertOnly(
            "requirements.txt:1: cryptography has 1 line(s) in "
            "requirements.txt but the global list has 2: "
            "`cryptography!=41.0.0;python_version<'3.12'` or "
            "`cryptography;python_version>='3.12'`; use one line per "
            "global line, with the same markers",
            requirements_txt="cryptography>=40;python_version>='3.12'\n")

    def test_both_supported_lines_pass(self) -> None:
        self.assertClean(requirements_txt=(
            "cryptography>=40,!=41.0.0;python_version<'3.12'\n"
            "cryptography>=40;python_version>='3.12'\n"))

    def test_unsupported_python_line_may_be_left_out(self) -> None:
        self.assertClean(requirements_txt="enum34>=1;python_version>='3.9'\n")

    def test_counts_are_per_extra_of_setup_cfg(self) -> None:
        self.assertClean(setup_cfg="""\
            [metadata]
            name = x
            [extras]
            a =
              six>=1  # MIT
            b =
              six>=1.1
            """)


class TestDuplicates(CheckCase):
    def test_unique_passes(self) -> None:
        self.assertClean(requirements_txt="six>=1\n",
                         test_requirements_txt="six>=1\n")

    def test_duplicate_fails(self) -> None:
        found = self.findings(requirements_txt="six>=1\nrequests>=2\nsix>=1\n")
        self.assertIn(
            "requirements.txt:3: six is already listed in requirements.txt "
            "(line 1); remove one of the entries", [str(f) for f in found])
        self.assertEqual(["line-count", "duplicate"],
                         [f.code for f in found])

    def test_duplicate_is_relaxed_on_stable_branches(self) -> None:
        # Identical entries count once there, so the line count holds too.
        found = self.findings(branch="stable/2025.1",
                              requirements_txt="six>=1\nsix>=1\n")
        self.assertEqual([], [f.code for f in found])

    def test_stable_still_counts_different_markers(self) -> None:
        found = self.findings(
            branch="stable/2025.1",
            requirements_txt="six>=1\nsix>=1;python_version>='3.12'\n")
        self.assertEqual(["markers", "line-count"], [f.code for f in found])


GROUPS = """\
    [build-system]
    requires = ["pbr"]
    build-backend = "pbr.build"

    [dependency-groups]
    test = [
        "six>=1",
        {include-group = "lint"},
    ]
    lint = ["requests>=2"]
    """


class TestIncludeGroups(CheckCase):
    def test_include_passes_and_flattens(self) -> None:
        proj = project(pyproject_toml=GROUPS)
        groups, found = check.flatten_groups(proj.sections())
        self.assertEqual([], found)
        self.assertEqual(["six", "requests"],
                         [line.name for _, line in groups["test"]])
        self.assertEqual([], check.check_project(proj, lists()))

    def test_duplicate_through_include_fails(self) -> None:
        text = GROUPS.replace('"requests>=2"', '"six>=1"')
        found = self.findings(pyproject_toml=text)
        self.assertIn(
            "pyproject.toml:10: six is already listed in pyproject.toml "
            "[dependency-groups] test (line 7); remove one of the entries",
            [str(f) for f in found])

    def test_cycle_fails(self) -> None:
        text = GROUPS.replace('["requests>=2"]',
                              '["requests>=2", {include-group = "test"}]')
        self.assertOnly(
            "pyproject.toml:10: dependency group 'lint' includes 'test', "
            "which forms a cycle (test -> lint -> test); remove one "
            "include (PEP 735 forbids cycles)", pyproject_toml=text)

    def test_self_include_fails(self) -> None:
        text = GROUPS.replace('["requests>=2"]',
                              '["requests>=2", {include-group = "Lint"}]')
        found = self.findings(pyproject_toml=text)
        self.assertEqual(["include-cycle"], [f.code for f in found])

    def test_unknown_group_fails(self) -> None:
        text = GROUPS.replace('"lint"}', '"nope"}')
        found = self.findings(pyproject_toml=text)
        self.assertEqual(
            ["pyproject.toml:8: dependency group 'test' includes 'nope', "
             "which is not defined in [dependency-groups]; define it or "
             "remove the include"], [str(f) for f in found])


class TestBuildSystem(CheckCase):
    def test_pbr_backend_passes(self) -> None:
        self.assertClean(requirements_txt="six>=1\n")

    def test_main_is_master(self) -> None:
        self.assertTrue(check.is_main("main"))
        self.assertTrue(check.is_main("master"))
        found = self.findings(branch="main", pyproject_toml="")
        self.assertEqual(["build-system"], [f.code for f in found])

    def test_missing_pyproject_fails(self) -> None:
        proj = project_mod.from_texts({"requirements.txt": "six>=1\n"}, "proj")
        found = check.check_project(proj, lists())
        self.assertEqual(
            ["proj/pyproject.toml: missing; on the master branch a project "
             "needs a pyproject.toml with a [build-system] table using "
             "build-backend = \"pbr.build\""], [str(f) for f in found])

    def test_missing_table_fails(self) -> None:
        self.assertOnly(
            "pyproject.toml: no [build-system] table; add one using "
            "build-backend = \"pbr.build\"",
            pyproject_toml="[project]\nname = 'x'\n")

    def test_other_backend_fails(self) -> None:
        self.assertOnly(
            "pyproject.toml:2: build-backend is \"hatchling.build\"; the "
            "master branch requires build-backend = \"pbr.build\"",
            pyproject_toml="\n[build-system]\nrequires = ['hatchling']\n"
            "build-backend = 'hatchling.build'\n")

    def test_backend_is_a_setting(self) -> None:
        proj = project(pyproject_toml="[build-system]\nrequires = ['h']\n"
                       "build-backend = 'hatchling.build'\n")
        for backend in ("hatchling.build", ""):
            self.assertEqual([], check.check_project(
                proj, lists(), check.Options(build_backend=backend)))

    def test_not_required_on_stable_branches(self) -> None:
        self.assertEqual([], self.findings(branch="stable/2025.1",
                                           pyproject_toml=""))


class TestPyprojectTables(CheckCase):
    def test_dependencies_and_optional_are_checked(self) -> None:
        found = self.findings(pyproject_toml=PBR + textwrap.dedent("""\
            [project]
            name = "x"
            dependencies = ["six>=1", "nosuch>=1"]
            [project.optional-dependencies]
            extra = [
              "requests",
            ]
            """))
        self.assertEqual(
            [("pyproject.toml", 6, "not-in-global"),
             ("pyproject.toml", 9, "lower-bound")],
            [(f.source, f.lineno, f.code) for f in found])


class TestCheckAgainstConstraints(base.TestCase):
    def run_check(self, text: str, check_global: bool = False) -> list[str]:
        ls = lists()
        upper = os.path.join(REQS, "upper-constraints.txt")
        upper_doc = reqfile.parse(base.read(upper), upper)
        proj = project_mod.from_texts({"requirements.txt": text})
        return [f.code for f in check.check_against_constraints(
            proj, ls.global_doc, upper_doc, ls.blacklist, check_global)]

    def test_admitting_specifier_passes(self) -> None:
        self.assertEqual([], self.run_check("six>=1.0,<2\nflake8>=1\n"))

    def test_excluding_the_pin_fails(self) -> None:
        self.assertEqual(["upper"], self.run_check("six<1.17\n"))

    def test_unpinned_fails(self) -> None:
        self.assertEqual(["not-in-global", "not-pinned"],
                         self.run_check("nosuch>=1\n"))

    def run_with_upper(self, text: str, upper: str) -> list[str]:
        ls = lists()
        upper_doc = reqfile.parse(upper, "u.txt")
        proj = project_mod.from_texts({"requirements.txt": text})
        return [str(f) for f in check.check_against_constraints(
            proj, ls.global_doc, upper_doc, ls.blacklist)]

    def test_pin_with_the_same_marker_matches(self) -> None:
        # python_version<"3.8" selects no supported Python; the pin with
        # the same marker still matches it.
        self.assertEqual([], self.run_with_upper(
            'six>=1;python_version<"3.8"\n',
            "six===1.16.0;python_version<'3.8'\n"))
        self.assertEqual(
            ["requirements.txt:1: `six>=1.17;python_version<\"3.8\"` does "
             "not admit the upper constraint six===1.16.0 (u.txt:1); widen "
             "the specifier or lower the pin"],
            self.run_with_upper('six>=1.17;python_version<"3.8"\n',
                                "six===1.16.0;python_version<'3.8'\n"))

    def test_requirement_for_no_supported_python_needs_no_pin(self) -> None:
        self.assertEqual([], self.run_with_upper(
            'six>=1;python_version<"3.8"\n', "six===1.17.0\n"))

    def test_global_specifier_passes(self) -> None:
        self.assertEqual([], self.run_check("oslo.config>=9\n", True))

    def test_global_specifier_fails(self) -> None:
        self.assertEqual(["global-specifier"],
                         self.run_check("oslo.config>=4.3.0\n", True))


def _shipped(name: str) -> reqfile.RequirementsFile:
    path = base.repo_file(name)
    return reqfile.parse(base.read(path), path)


class TestCheckProperties(base.TestCase):
    @settings(deadline=None, max_examples=40)
    @given(st.data())
    def test_global_lines_with_lower_bounds_are_clean(
        self, data: st.DataObject
    ) -> None:
        # Any project that copies global lines (every line of a name,
        # markers and exclusions as they are) and adds a lower bound
        # passes; a line written twice breaks the line count and the
        # duplicate rule, except on stable branches where it is allowed.
        global_doc = _shipped("global-requirements.txt")
        black = frozenset(_shipped("blacklist.txt").by_name())
        index = global_doc.by_name()
        names = sorted(n for n in index if n not in black)
        picked = data.draw(st.lists(st.sampled_from(names), min_size=1,
                                    max_size=12, unique=True))
        lines = []
        for name in picked:
            for gline in index[name]:
                assert gline.req is not None
                spec = ",".join([">=0.1", *gline.req.specifiers])
                lines.append(gline.req.replace(specifier=spec).render())
        order = data.draw(st.permutations(lines))
        text = "".join(line + "\n" for line in order)
        lists = lists_mod.Lists(global_doc, black)
        proj = project_mod.from_texts({
            "requirements.txt": text,
            "pyproject.toml": "[build-system]\nbuild-backend = 'pbr.build'\n"})
        self.assertEqual([], check.check_project(proj, lists))
        extra = data.draw(st.sampled_from(order))
        doubled = project_mod.from_texts(
            {"requirements.txt": text + extra + "\n"})
        codes = {f.code for f in check.check_project(
            doubled, lists, check.Options(branch="stable/x"))}
        # Stable branches allow the duplicate, and it counts once.
        self.assertEqual(set(), codes)
        codes = {f.code for f in check.check_project(doubled, lists)}
        codes.discard("build-system")
        self.assertEqual({"line-count", "duplicate"}, codes)
