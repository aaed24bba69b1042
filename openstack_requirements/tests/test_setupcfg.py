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
from openstack_requirements import reqfile
from openstack_requirements import setupcfg
from openstack_requirements.tests import base

TEXT = textwrap.dedent("""\
    [metadata]
    name = demo
    [extras]
    ; a comment
    mysql =
      PyMySQL>=1.0.0  # MIT License

      oslo.db[mysql]:python_version>='3.8'
    inline = six>=1.0
      # an indented comment
    colon: pbr

    [entry_points]
    x =
        y = z
    """)


class TestParse(base.TestCase):
    def test_round_trip(self) -> None:
        for text in (TEXT, TEXT.replace("\n", "\r\n"), TEXT.rstrip("\n"),
                     "", "[metadata]\nname = x\n", "[extras]",
                     "[extras]\na =\n  b"):
            self.assertEqual(text, setupcfg.parse(text).render())

    def test_extras_and_line_numbers(self) -> None:
        cfg = setupcfg.parse(TEXT)
        self.assertTrue(cfg.has_extras)
        found = {
            extra.name: [(line.lineno, line.kind.name, line.name)
                         for line in extra.body.lines]
            for extra in cfg.extras()
        }
        self.assertEqual({
            "mysql": [(5, "BLANK", None), (6, "REQUIREMENT", "pymysql"),
                      (7, "BLANK", None), (8, "REQUIREMENT", "oslo-db")],
            "inline": [(9, "REQUIREMENT", "six"), (10, "COMMENT", None)],
            "colon": [(11, "REQUIREMENT", "pbr")],
        }, found)
        extra = next(cfg.extras())
        self.assertEqual(("mysql =", "  "), (extra.head, extra.indent))
        oslo = extra.body.lines[-1]
        self.assertEqual((":", "python_version>='3.8'", ("mysql",)),
                         (oslo.marker_sep, oslo.req.marker, oslo.req.extras))

    def test_no_extras_section(self) -> None:
        cfg = setupcfg.parse("[metadata]\nname = demo\n")
        self.assertEqual((False, []), (cfg.has_extras, list(cfg.extras())))

    def test_with_bodies_edits_one_extra(self) -> None:
        cfg = setupcfg.parse(TEXT)
        extra = next(cfg.extras())
        lines = [line if line.req is None or line.name != "pymysql"
                 else reqfile.make_line(line.req.replace(specifier=">=2"),
                                        "  # MIT", "\n")
                 for line in extra.body.lines]
        new = cfg.with_bodies({"mysql": lines}).render()
        self.assertEqual(TEXT.replace("  PyMySQL>=1.0.0  # MIT License",
                                      "PyMySQL>=2  # MIT"), new)

    def test_error_unindented_value(self) -> None:
        text = "[metadata]\nname = x\n[extras]\nmysql =\nPyMySQL\n[x]\n"
        exc = self.assertRaises(errors.ParseError, setupcfg.parse, text,
                                "proj/setup.cfg")
        self.assertEqual(
            "proj/setup.cfg:5: cannot parse the [extras] section: expected "
            "'name =' at the start of a line followed by requirements on "
            "lines indented by two spaces\n    PyMySQL", str(exc))

    def test_error_value_before_any_key(self) -> None:
        exc = self.assertRaises(errors.ParseError, setupcfg.parse,
                                "[extras]\n  six\n", "setup.cfg")
        self.assertEqual(2, exc.lineno)

    def test_error_two_extras_sections(self) -> None:
        exc = self.assertRaises(errors.ParseError, setupcfg.parse,
                                "[extras]\na = b\n[extras]\n", "setup.cfg")
        self.assertEqual(
            "setup.cfg:3: a second [extras] section; merge the two\n"
            "    [extras]", str(exc))

    def test_comments_before_the_first_header(self) -> None:
        text = "# generated\n\n; note\n[extras]\na = b\n"
        self.assertEqual(["a"], [e.name for e in setupcfg.parse(text)
                                 .extras()])

    def test_errors_configparser_would_raise(self) -> None:
        # Text before the first header; an extra defined twice (pbr reads
        # keys case-insensitively, as configparser does).
        for text, expected in (
            ("# c\nname = x\n[extras]\n",
             "setup.cfg:2: expected a [section] header first; this is not "
             "an INI file\n    name = x"),
            ("[extras]\nDB = six\n\ndb =\n  six\n",
             "setup.cfg:4: extra 'db' is already defined on line 2; remove "
             "one\n    db ="),
        ):
            self.assertEqual(expected, str(self.assertRaises(
                errors.ParseError, setupcfg.parse, text, "setup.cfg")))
