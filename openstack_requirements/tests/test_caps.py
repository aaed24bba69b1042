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

from collections.abc import Mapping
import os
import textwrap

from openstack_requirements import caps
from openstack_requirements import errors
from openstack_requirements import project
from openstack_requirements import reqfile
from openstack_requirements.tests import base
from openstack_requirements.tests import synthetic

PINS = {"oslo-db": "17.1.0", "six": "1.16.0", "foo": "1.5", "bar": "2.0",
        "baz": "3", "low": "0.5"}


def _capped(texts: Mapping[str, str],
            pins: Mapping[str, str] = PINS) -> tuple[dict[str, str],
                                                     list[str]]:
    plan = caps.cap(project.from_texts(texts), pins, "uc.txt")
    return ({f.file: f.new for f in plan.files},
            [str(n) for n in plan.notes])


def _round_trip(case: base.TestCase, texts: Mapping[str, str],
                pins: Mapping[str, str]) -> int:
    """Cap then uncap; assert the original bytes; how many files capped."""
    capped, _ = _capped(texts, pins)
    plan = caps.uncap(project.from_texts(dict(texts, **capped)), pins,
                      "uc.txt")
    case.assertEqual(sorted(capped), sorted(f.file for f in plan.files))
    for f in plan.files:
        case.assertEqual(texts[f.file], f.new, f.file)
    return len(capped)


class TestCap(base.TestCase):
    def test_requirements_file(self) -> None:
        files, notes = _capped({"requirements.txt": textwrap.dedent("""\
            # runtime
            oslo.db>=4.0  # Apache-2.0
            six
            foo<2
            bar (>=1.0)
            baz>=1 ; python_version>='3.8'
            nopin>=1
            low>=1.0
            git+https://x/y#egg=six
            """)})
        self.assertEqual(textwrap.dedent("""\
            # runtime
            oslo.db>=4.0,<=17.1.0  # Apache-2.0
            six<=1.16.0
            foo<2
            bar (>=1.0,<=2.0)
            baz>=1,<=3 ; python_version>='3.8'
            nopin>=1
            low>=1.0
            git+https://x/y#egg=six
            """), files["requirements.txt"])
        self.assertEqual([
            "requirements.txt:4: foo is already bounded above (<2); not "
            "capped",
            "requirements.txt:7: nopin is not pinned in uc.txt; not capped",
            "requirements.txt:8: low>=1.0 excludes its pin 0.5 (uc.txt); "
            "not capped",
            "requirements.txt:9: six: a URL requirement; not capped",
        ], notes)

    def test_setup_cfg_and_pyproject_keep_their_form(self) -> None:
        files, notes = _capped({
            "setup.cfg": "[metadata]\nname = x\n\n[extras]\ndb =\n"
                         "  six>=1.0:python_version>'3'\n  oslo.db\r\n",
            "pyproject.toml": textwrap.dedent("""\
                [project]
                name = "x"
                dependencies = [
                  "six", # the comment stays
                  'bar>=0.5',
                ]
                [dependency-groups]
                test = ["oslo.db>=1", {include-group = "x"}]
                x = []
                """)})
        self.assertEqual(
            "[metadata]\nname = x\n\n[extras]\ndb =\n"
            "  six>=1.0,<=1.16.0:python_version>'3'\n"
            "  oslo.db<=17.1.0\r\n", files["setup.cfg"])
        self.assertEqual(textwrap.dedent("""\
            [project]
            name = "x"
            dependencies = [
              "six<=1.16.0", # the comment stays
              'bar>=0.5,<=2.0',
            ]
            [dependency-groups]
            test = ["oslo.db>=1,<=17.1.0", {include-group = "x"}]
            x = []
            """), files["pyproject.toml"])
        self.assertEqual([], notes)

    def test_continued_line_and_pip_options_left_alone(self) -> None:
        files, notes = _capped({"requirements.txt":
                                "six\\\n>=1\nbar --hash=sha256:00\n"})
        self.assertEqual({}, files)
        self.assertEqual([
            "requirements.txt:1: six: a continued line; cap it by hand; "
            "not capped",
            "requirements.txt:3: bar: it carries pip options; cap it by "
            "hand; not capped"], notes)

    def test_nothing_to_cap_changes_no_file(self) -> None:
        self.assertEqual(
            ({}, ["requirements.txt:1: foo is already bounded above (<2); "
                  "not capped"]),
            _capped({"requirements.txt": "foo<2\n"}))


class TestUncap(base.TestCase):
    def test_removes_only_the_cap_at_the_pin(self) -> None:
        texts = {"requirements.txt":
                 "six<=1.16.0\nfoo>=1,<=1.4\nbar>=1 , <= 2.0  # x\n"}
        plan = caps.uncap(project.from_texts(texts), PINS, "uc.txt")
        self.assertEqual("six\nfoo>=1,<=1.4\nbar>=1  # x\n",
                         plan.files[0].new)

    def test_round_trip_inline(self) -> None:
        self.assertEqual(1, _round_trip(self, {"requirements.txt":
                                               "a>=1\r\nb\nc (>1)\n"},
                                        {"a": "2", "b": "1", "c": "3"}))

    def test_round_trip_shipped_global_list_as_a_project(self) -> None:
        # Every shipped entry, in each kind of file, capped at the shipped
        # pins: cap then uncap gives back the bytes.
        text = base.read(base.repo_file("global-requirements.txt"))
        pins = caps.pinned(reqfile.parse(
            base.read(base.repo_file("upper-constraints.txt"))))
        lines = [line.text for line in reqfile.parse(text).requirements()]
        cfg = "[extras]\nall =\n" + "".join(f"  {t}\n" for t in lines)
        toml = "[project]\nname = 'x'\ndependencies = [\n" + "".join(
            f"  {t.split('  #')[0]!r},\n" for t in lines) + "]\n"
        capped = _round_trip(self, {"requirements.txt": text,
                                    "setup.cfg": cfg,
                                    "pyproject.toml": toml}, pins)
        self.assertEqual(3, capped)

    def test_round_trip_synthetic_projects(self) -> None:
        base_dir = self.make_dir()
        names = synthetic.central_names()
        pins = caps.pinned(reqfile.parse(
            base.read(base.repo_file("upper-constraints.txt"))))
        capped = 0
        for index in range(20):
            root = os.path.join(base_dir, str(index))
            synthetic.write_project(root, index, names)
            texts = {rel: base.read(os.path.join(root, rel))
                     for rel in project.FILES
                     if os.path.exists(os.path.join(root, rel))}
            capped += _round_trip(self, texts, pins)
        # Most of the 100 files get a cap (random lower bounds above a
        # pin leave a few alone).
        self.assertGreater(capped, 90)


class TestPinned(base.TestCase):
    def test_constraints_and_freeze_lines(self) -> None:
        doc = reqfile.parse(
            "a===1.0\nB==2.0\nc===1.0;python_version<'3.10'\n"
            "c===1.2;python_version>='3.10'\nd>=1\ne==1.*\n-e ./x\n")
        self.assertEqual({"a": "1.0", "b": "2.0", "c": "1.2"},
                         caps.pinned(doc))

    def test_error_invalid_line(self) -> None:
        exc = self.assertRaises(errors.ParseError, caps.pinned,
                                reqfile.parse("a===1\nb>>1\n", "uc.txt"))
        self.assertTrue(str(exc).startswith("uc.txt:2: "))
