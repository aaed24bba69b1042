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


"""errors: findings, the exception tree, its messages and exit codes."""

from __future__ import annotations

from openstack_requirements import errors
from openstack_requirements.tests import base


class TestExitCodes(base.TestCase):
    def test_values(self) -> None:
        # The style guide, section 5; argparse already exits 2 on misuse.
        self.assertEqual(
            (0, 1, 2, 3, 130, 141),
            (errors.EXIT_OK, errors.EXIT_FINDINGS, errors.EXIT_USAGE,
             errors.EXIT_TOOL, errors.EXIT_INTERRUPTED,
             errors.EXIT_BROKEN_PIPE))

    def test_each_class(self) -> None:
        self.assertEqual(
            [2, 2, 2, 3],
            [errors.RequirementsError("x").exit_code,
             errors.ParseError("f", 1, "", "m").exit_code,
             errors.InputError("m").exit_code,
             errors.ToolError("m").exit_code])
        for cls in (errors.ParseError, errors.InputError, errors.ToolError):
            self.assertTrue(issubclass(cls, errors.RequirementsError))


class TestFinding(base.TestCase):
    def test_str_with_line(self) -> None:
        self.assertEqual(
            "global-requirements.txt:41: six has a lower bound",
            str(errors.Finding("global-requirements.txt", 41,
                               "six has a lower bound", "lower-bound")))

    def test_str_without_line(self) -> None:
        self.assertEqual("setup.cfg: no [metadata]",
                         str(errors.Finding("setup.cfg", None,
                                            "no [metadata]")))
        self.assertEqual("setup.cfg: no [metadata]",
                         str(errors.Finding("setup.cfg", 0, "no [metadata]")))

    def test_as_dict(self) -> None:
        self.assertEqual(
            {"source": "p.txt", "line": 2, "code": "sorted",
             "message": "m"},
            errors.Finding("p.txt", 2, "m", "sorted").as_dict())

    def test_frozen_and_comparable(self) -> None:
        one = errors.Finding("a", 1, "m")
        self.assertEqual(errors.Finding("a", 1, "m"), one)
        self.assertRaises(AttributeError, setattr, one, "message", "x")


class TestParseError(base.TestCase):
    def test_error_message_shows_the_line(self) -> None:
        exc = errors.ParseError("requirements.txt", 3, "six=>1\r\n",
                                "invalid version specifier")
        self.assertEqual("requirements.txt:3: invalid version specifier\n"
                         "    six=>1", str(exc))
        self.assertEqual(("requirements.txt", 3, "six=>1"),
                         (exc.source, exc.lineno, exc.line))

    def test_error_message_without_a_line(self) -> None:
        self.assertEqual(
            "setup.cfg:1: unclosed section",
            str(errors.ParseError("setup.cfg", 1, "  \n",
                                  "unclosed section")))


class TestInputError(base.TestCase):
    def test_error_message_with_source(self) -> None:
        self.assertEqual(
            "a.txt: no such file; check the path",
            str(errors.InputError("no such file; check the path", "a.txt")))

    def test_error_message_without_source(self) -> None:
        self.assertEqual("--jobs must be at least 1",
                         str(errors.InputError("--jobs must be at least 1")))


class TestToolError(base.TestCase):
    def test_error_message_alone(self) -> None:
        self.assertEqual("uv failed", str(errors.ToolError("uv failed")))

    def test_error_message_names_the_command(self) -> None:
        exc = errors.ToolError("pip failed", ("pip", "install", "six"),
                               "\nERROR: no\n\n")
        self.assertEqual("pip failed\n    command: pip install six\n"
                         "    ERROR: no", str(exc))

    def test_error_message_keeps_the_tail_of_the_output(self) -> None:
        output = "".join(f"line {n}\n" for n in range(1, 31))
        text = str(errors.ToolError("build failed", (), output))
        self.assertEqual(
            "build failed\n" + "\n".join(f"    line {n}"
                                         for n in range(11, 31)), text)
