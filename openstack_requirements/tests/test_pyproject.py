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

import textwrap

from openstack_requirements import errors
from openstack_requirements import pyproject
from openstack_requirements import reqfile
from openstack_requirements.tests import base

TEXT = textwrap.dedent("""\
    # top comment
    [build-system]
    requires = ["pbr>=6.0.0"]

    [project]
    name = "demo"
    dependencies = [
        "six>=1.0",  # why
        # a comment line
        'oslo.config',
    ]

    [project.optional-dependencies]
    db = ["oslo.db[mysql]", "PyMySQL;python_version>='3.8'"]

    [dependency-groups]
    test = [
      {include-group = "base"},
      "stestr",
    ]
    base = ["six>=1.0"]
    """)


def line(text: str) -> reqfile.Line:
    return reqfile.parse_line(0, text)


class TestParse(base.TestCase):
    def test_lists_and_line_numbers(self) -> None:
        doc = pyproject.parse(TEXT)
        self.assertEqual(TEXT, doc.render())
        self.assertEqual({
            "project.dependencies": [(8, "six>=1.0"), (10, "oslo.config")],
            "project.optional-dependencies.db": [
                (14, "oslo.db[mysql]"),
                (14, "PyMySQL;python_version>='3.8'")],
            "dependency-groups.test": [(19, "stestr")],
            "dependency-groups.base": [(21, "six>=1.0")],
        }, {a.name: [(x.lineno, x.raw) for x in a.lines.lines]
            for a in doc.arrays})
        self.assertEqual((1,), doc.arrays[2].positions)

    def test_no_lists(self) -> None:
        doc = pyproject.parse("[project]\nname = 'x'\ndynamic = "
                              "['dependencies']\n")
        self.assertEqual((), doc.arrays)

    def test_with_items_keeps_formatting(self) -> None:
        doc = pyproject.parse(TEXT)
        deps = doc.arrays[0].lines.lines
        new = doc.with_items({
            "project.dependencies": [
                (deps[0],), (line("oslo.config!=4.3.0"),)],
            "dependency-groups.test": [
                (line("stestr!=2.3.0"), line("fixtures"))],
            "dependency-groups.base": [()],
        })
        self.assertEqual(
            TEXT.replace("'oslo.config'", "'oslo.config!=4.3.0'")
            .replace('  "stestr",\n', '  "stestr!=2.3.0",\n  "fixtures",\n')
            .replace('base = ["six>=1.0"]', "base = []"), new)

    def test_error_not_toml(self) -> None:
        exc = self.assertRaises(errors.ParseError, pyproject.parse,
                                "[project]\ndependencies = [\n  'a'\n  'b'\n]",
                                "demo/pyproject.toml")
        self.assertEqual(4, exc.lineno)
        self.assertTrue(str(exc).startswith(
            "demo/pyproject.toml:4: invalid TOML: "), str(exc))
        self.assertIn("fix the syntax\n    ", str(exc))

    def test_includes_and_build_system(self) -> None:
        doc = pyproject.parse(TEXT)
        self.assertEqual((("base", 18),), doc.arrays[2].includes)
        self.assertEqual(pyproject.BuildSystem(2, None, ("pbr>=6.0.0",)),
                         doc.build_system)
        self.assertIsNone(pyproject.parse("[project]\nname = 'x'\n")
                          .build_system)

    def test_line_numbers_follow_each_table(self) -> None:
        # The same string in two lists, and tables out of order: each
        # string is looked for under its own key, in list order.
        doc = pyproject.parse(textwrap.dedent("""\
            [dependency-groups]
            test = ["six", "six"]
            [project]
            name = "six"
            dependencies = [
              "six",
            ]
            """))
        self.assertEqual({
            "project.dependencies": [6],
            "dependency-groups.test": [2, 2],
        }, {a.name: [x.lineno for x in a.lines.lines] for a in doc.arrays})

    def test_line_numbers_of_strings_with_escapes(self) -> None:
        doc = pyproject.parse(textwrap.dedent("""\
            [project]
            name = "x"
            dependencies = [
              "six>=1",
              "nope5>=1; python_version>\\"3\\"",
              'literal>=1',
            ]
            """))
        lines = doc.arrays[0].lines.lines
        self.assertEqual([4, 5, 6], [x.lineno for x in lines])
        self.assertEqual('python_version>"3"', lines[1].req.marker)

    def test_error_wrong_shapes(self) -> None:
        for text, lineno, msg in (
            ("[project.optional-dependencies]\ndb = 'x'\n", 2,
             "optional-dependencies 'db' must be an array of requirement "
             "strings"),
            ("[project]\noptional-dependencies = ['x']\n", 2,
             "[project.optional-dependencies] must be a table"),
            ("project = 1\n", 1, "[project] must be a table"),
            ("[dependency-groups]\nx = 'y'\n", 2,
             "dependency group 'x' must be an array"),
            ("[build-system]\nrequires = 'pbr'\n", 1,
             "[build-system] requires must be an array of requirement "
             "strings"),
            ("\n[build-system]\nbuild-backend = 1\n", 3,
             "build-backend must be a string"),
        ):
            exc = self.assertRaises(errors.ParseError, pyproject.parse,
                                    text)
            self.assertEqual(("pyproject.toml", lineno, msg),
                             (exc.source, exc.lineno, exc.msg), text)
