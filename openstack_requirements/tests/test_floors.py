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

"""Floors: the declared lower bounds, what to resolve, which cannot hold
and why, the organisation's conflicts, raising floors (pure)."""

from __future__ import annotations

from openstack_requirements import buildlog
from openstack_requirements import constraints
from openstack_requirements import floors
from openstack_requirements import project
from openstack_requirements import reqfile
from openstack_requirements import requirement
from openstack_requirements.tests import base

REQUIREMENTS = ("oslo.config>=6.0,!=6.5  # Apache-2.0\n"
                "six  # MIT\n"
                "# a comment\n"
                "\n"
                'foo>=1;python_version<"3.9"\n'
                "bar @ https://example.org/bar-1.0.whl\n")


def entries(**texts: str) -> list[project.Entry]:
    """The installed entries of a project made of *texts*."""
    proj = project.from_texts(
        {name.replace("_", "-") + ".txt": text
         for name, text in texts.items()}, root="proj")
    return floors.installed_entries(proj)


def floor(text: str, lineno: int = 1) -> floors.Floor:
    req = requirement.parse(text)
    return floors.Floor(req.name, floors.floor_of(req), text,
                        "proj/requirements.txt", lineno)


class TestFloorOf(base.TestCase):
    def test_each_lower_bound_operator(self) -> None:
        cases = {
            "a>=1.0": "1.0", "a>1.0": "1.0", "a~=1.4": "1.4",
            "a==1.2": "1.2", "a===1.3": "1.3", "a==1.*": "1",
            "a>=1,<3,!=2": "1",
        }
        for text, expected in cases.items():
            self.assertEqual(expected,
                             floors.floor_of(requirement.parse(text)), text)

    def test_no_floor(self) -> None:
        for text in ("a", "a<3", "a<=3,!=2", "a!=1.0"):
            self.assertEqual("", floors.floor_of(requirement.parse(text)),
                             text)

    def test_the_highest_of_several_bounds(self) -> None:
        # By version, not by text: 10.0 is above 9.0.
        self.assertEqual("10.0", floors.floor_of(
            requirement.parse("a>=9.0,>=10.0,>2")))


class TestFloors(base.TestCase):
    def test_installed_files_only(self) -> None:
        proj = project.from_texts({
            "requirements.txt": "a>=1\n",
            "test-requirements.txt": "b>=2\n",
            "doc/requirements.txt": "sphinx>=3\n",
        })
        self.assertEqual(
            [("requirements.txt", "a"), ("test-requirements.txt", "b")],
            [(e.file, e.req.name if e.req else "")
             for e in floors.installed_entries(proj)])

    def test_pyproject_dependencies_but_not_extras(self) -> None:
        proj = project.from_texts({"pyproject.toml": (
            '[project]\nname = "p"\ndependencies = ["a>=1"]\n'
            '[project.optional-dependencies]\nx = ["b>=2"]\n')})
        self.assertEqual(["a>=1"], [
            f.text for f in floors.floors(floors.installed_entries(proj))])

    def test_every_floor_with_where_it_stands(self) -> None:
        found = floors.floors(entries(
            requirements=REQUIREMENTS, test_requirements="stestr>=2.0\n"),
            root="proj/")
        self.assertEqual([
            floors.Floor("oslo.config", "6.0", "oslo.config>=6.0,!=6.5",
                         "proj/requirements.txt", 1),
            floors.Floor("foo", "1", 'foo>=1;python_version<"3.9"',
                         "proj/requirements.txt", 5),
            floors.Floor("stestr", "2.0", "stestr>=2.0",
                         "proj/test-requirements.txt", 1),
        ], found)
        self.assertEqual("oslo-config", found[0].canonical)

    def test_relative_sources_without_a_root(self) -> None:
        found, = floors.floors(entries(requirements="a>=1\n"))
        self.assertEqual(("requirements.txt", 1),
                         (found.source, found.lineno))


class TestTexts(base.TestCase):
    def test_requirements_text_adds_the_global_exclusions(self) -> None:
        global_doc = reqfile.parse(
            "oslo.config!=9.5,!=6.5  # Apache-2.0\nsix<3  # MIT\n"
            "unused!=1\n")
        self.assertEqual(
            "oslo.config>=6.0,!=6.5,!=9.5\n"
            "six<3\n"
            'foo>=1;python_version<"3.9"\n',
            floors.requirements_text(entries(requirements=REQUIREMENTS),
                                     global_doc))

    def test_requirements_text_without_a_global_list(self) -> None:
        self.assertEqual(
            'oslo.config>=6.0,!=6.5\nsix\nfoo>=1;python_version<"3.9"\n',
            floors.requirements_text(entries(requirements=REQUIREMENTS)))

    def test_pinned_text_holds_one_floor(self) -> None:
        found = entries(requirements=REQUIREMENTS)
        held = floors.floors(found)[0]
        self.assertEqual(
            "oslo.config==6.0\nsix==1.16.0\n",
            floors.pinned_text(found, {"oslo-config": "9.0",
                                       "six": "1.16.0"}, held))


class TestRaised(base.TestCase):
    def test_only_the_floors_the_resolution_raised(self) -> None:
        found = [floor("a>=1.0"), floor("b>=2.0"), floor("c>=9.0"),
                 floor("d>=1.0")]
        self.assertEqual(
            [(found[0], "1.10")],
            floors.raised(found, {"a": "1.10", "b": "2.0", "c": "8.0"}))

    def test_by_version_not_text(self) -> None:
        found = [floor("a>=9.0")]
        self.assertEqual([(found[0], "10.0")],
                         floors.raised(found, {"a": "10.0"}))


class TestReason(base.TestCase):
    def test_no_failure_means_the_other_floors(self) -> None:
        self.assertEqual(
            "the other floors' dependencies need a newer oslo.config",
            floors.reason(None, floor("oslo.config>=6.0")))

    def test_another_floor_needs_more(self) -> None:
        failure = buildlog.Failure(
            "3.12", "uv", "oslo-config==6.0", "no solution",
            chain=("oslo-utils<=4.0", "oslo-config>=9.0"))
        self.assertEqual(
            "the floor of oslo-utils<=4.0 needs oslo-config>=9.0",
            floors.reason(failure, floor("oslo.config>=6.0")))

    def test_the_floor_is_not_on_the_index(self) -> None:
        failure = buildlog.Failure(
            "3.12", "uv", "six==0.5", "unsatisfiable",
            chain=("six==0.5",),
            error_lines=("Because there is no version of six==0.5 and you "
                         "require six==0.5, we can conclude...",))
        self.assertEqual("six 0.5 is not on the index",
                         floors.reason(failure, floor("six>=0.5")))

    def test_otherwise_the_failure_says(self) -> None:
        failure = buildlog.Failure("3.12", "uv", "six==1.0",
                                   "needs a compiler")
        self.assertEqual("needs a compiler",
                         floors.reason(failure, floor("six>=1.0")))

    def test_problem_finding(self) -> None:
        problem = floors.Problem(floor("six>=1.0", 3), "2.0", "why")
        self.assertEqual(
            "proj/requirements.txt:3: six>=1.0 cannot hold on Python "
            "3.12: why; the smallest floor that works is >=2.0",
            str(problem.finding("3.12")))


class TestConflicts(base.TestCase):
    def test_names_the_floors_it_conflicts_with(self) -> None:
        projects = {
            "alpha": [floor("oslo.config>=6.0"), floor("six>=1.0", 2)],
            "beta": [floor("oslo.config>=7.0"), floor("six>=2.0", 2)],
            "gamma": [floor("six>=2.0", 2)],
        }
        found = floors.conflicts(projects, {"oslo-config": "9.0",
                                            "six": "2.0"}, "3.12")
        self.assertEqual([
            "proj/requirements.txt:1: alpha: oslo.config>=6.0 conflicts on "
            "Python 3.12 with the dependencies of the other floors: the "
            "lowest co-installable oslo.config is 9.0",
            "proj/requirements.txt:2: alpha: six>=1.0 conflicts on Python "
            "3.12 with the floor of beta (six>=2.0), gamma (six>=2.0): "
            "the lowest co-installable six is 2.0",
            "proj/requirements.txt:1: beta: oslo.config>=7.0 conflicts on "
            "Python 3.12 with the dependencies of the other floors: the "
            "lowest co-installable oslo.config is 9.0",
        ], [str(f) for f in found])
        self.assertEqual({"floor-conflict"}, {f.code for f in found})

    def test_a_project_does_not_conflict_with_itself(self) -> None:
        found, = floors.conflicts(
            {"alpha": [floor("six>=1.0"), floor("six>=2.0", 2)]},
            {"six": "2.0"}, "3.12")
        self.assertIn("alpha: six>=1.0 conflicts on Python 3.12 with the "
                      "dependencies of the other floors", str(found))

    def test_floors_that_hold_together(self) -> None:
        self.assertEqual([], floors.conflicts(
            {"alpha": [floor("six>=2.0")], "beta": [floor("six>=2.0")]},
            {"six": "2.0"}, "3.12"))


class TestRaiseFloors(base.TestCase):
    def plan(self, texts: dict[str, str],
             working: dict[str, str]) -> dict[str, str]:
        proj = project.from_texts(texts, root="proj")
        return {f.file: f.new
                for f in floors.raise_floors(proj, working).files}

    def test_raises_keeping_the_rest_of_the_line(self) -> None:
        self.assertEqual(
            {"requirements.txt":
                "oslo.config>=9.0,!=9.5  # Apache-2.0\n"
                "six>=2.0  # MIT\n"
                "# kept\n"
                "pbr\n"
                'foo>=3,<4;python_version<"3.9"\n'},
            self.plan({"requirements.txt":
                       "oslo.config>=6.0,!=9.5  # Apache-2.0\n"
                       "six>1.0  # MIT\n"
                       "# kept\n"
                       "pbr\n"
                       'foo>=1,<4;python_version<"3.9"\n'},
                      {"oslo-config": "9.0", "six": "2.0", "pbr": "5.0",
                       "foo": "3"}))

    def test_never_lowers_a_floor(self) -> None:
        text = "six>=3.0  # MIT\nabc>=2.0\nnew>=1.0\n"
        proj = project.from_texts({"requirements.txt": text})
        plan = floors.raise_floors(
            proj, {"six": "2.0", "abc": "2.0", "new": "1.0"})
        self.assertEqual([], plan.changed)
        self.assertEqual(text, plan.files[0].new)

    def test_the_changes_say_what_moved(self) -> None:
        proj = project.from_texts(
            {"requirements.txt": "six>=1.0  # MIT\nabc>=2.0\n"}, "proj")
        plan = floors.raise_floors(proj, {"six": "1.10", "abc": "2.0"})
        changed, = plan.changed
        self.assertEqual([("six", ("six>=1.0  # MIT",),
                           ("six>=1.10  # MIT",))],
                         [(c.name, c.old, c.new) for c in changed.changes])
        self.assertEqual(("proj/requirements.txt", "requirements.txt"),
                         (changed.path, changed.file))

    def test_setup_cfg_extras_keep_their_indent(self) -> None:
        self.assertEqual(
            {"setup.cfg": "[extras]\ndb =\n  six>=2.0  # MIT\n"},
            self.plan({"setup.cfg": "[extras]\ndb =\n  six>=1.0  # MIT\n"},
                      {"six": "2.0"}))

    def test_pyproject_dependencies(self) -> None:
        text = '[project]\nname = "p"\ndependencies = ["six>=1.0"]\n'
        self.assertEqual(
            {"pyproject.toml": text.replace("1.0", "2.0")},
            self.plan({"pyproject.toml": text}, {"six": "2.0"}))


class TestWorkingSet(base.TestCase):
    def test_the_lowest_version_of_a_name(self) -> None:
        pins = constraints.pins(reqfile.parse(
            'Oslo.Config===10.0;python_version=="3.12"\n'
            'oslo.config===9.0;python_version=="3.9"\n'
            'six===2.0;python_version=="3.9"\n'
            'six===10.0;python_version=="3.12"\n'))
        self.assertEqual({"oslo-config": "9.0", "six": "2.0"},
                         floors.working_set(pins))
