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

import json
import os
import shutil

from openstack_requirements.cmds import validate
from openstack_requirements.tests import base

HEADERS = [
    "Checking {g} format",
    "Checking {u} format",
    "Checking {b} format",
    "Checking {g} sets no lower bounds",
    "Checking {g} is uniformly formatted",
    "Checking pins are compatible with the global specifiers",
    "Checking every global requirement is pinned or blacklisted "
    "(Python 3.9, 3.10, 3.11, 3.12, 3.13, 3.14; linux)",
]


class TestValidateConstraints(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.g = self.write(self.dir, "global-requirements.txt",
                            "foo!=1.1  # MIT\nflake8  # MIT\n")
        self.u = self.write(self.dir, "upper-constraints.txt",
                            "foo===1.0\nbar===2.0\n")
        self.b = self.write(self.dir, "blacklist.txt", "flake8\n")

    def headers(self, g: str, u: str, b: str) -> str:
        return "".join(h.format(g=g, u=u, b=b) + "\n" for h in HEADERS)

    def test_shipped_lists_pass_with_headers_only(self) -> None:
        g, u, b = (base.repo_file(n) for n in (
            "global-requirements.txt", "upper-constraints.txt",
            "blacklist.txt"))
        code, out, err = self.run_main(validate.main, [g, u, b])
        self.assertEqual((0, self.headers(g, u, b), ""), (code, out, err))

    def test_clean(self) -> None:
        code, out, err = self.run_main(validate.main, [self.g, self.u,
                                                       self.b])
        self.assertEqual(0, code)
        self.assertEqual(self.headers(self.g, self.u, self.b), out)

    def test_findings_exit_one(self) -> None:
        self.write(self.dir, "upper-constraints.txt",
                   "foo===1.1\nflake8===7.0\n")
        code, out, err = self.run_main(validate.main, [self.g, self.u,
                                                       self.b])
        self.assertEqual(1, code)
        self.assertIn(
            f"{self.u}:1: foo===1.1 is not allowed by the global "
            f"requirement foo!=1.1 at {self.g}:1", out)
        self.assertIn(f"{self.u}:2: flake8 is blacklisted in {self.b}:1 "
                      "but pinned here", out)
        self.assertTrue(out.endswith("2 problem(s) found\n"))

    def test_error_malformed_line(self) -> None:
        self.write(self.dir, "upper-constraints.txt", "foo===1.0\nbar=>2\n")
        code, out, err = self.run_main(validate.main, [self.g, self.u,
                                                       self.b])
        self.assertEqual(2, code)  # unparseable input, not a finding
        self.assertIn(f"{self.u}:2: invalid version specifier '=>2'", out)
        self.assertNotIn("Traceback", out + err)

    def test_error_not_utf8(self) -> None:
        with open(self.g, "ab") as f:
            f.write(b"baz  # \xff\n")
        code, out, err = self.run_main(validate.main, [self.g, self.u,
                                                       self.b])
        self.assertEqual(2, code)
        self.assertEqual(
            f"{self.g}:3: byte 0xff at column 8 is not UTF-8; save the file "
            "as UTF-8\n    baz  # \\xff\n", err)
        self.assertEqual("", out)

    def test_error_missing_file(self) -> None:
        missing = os.path.join(self.dir, "nope.txt")
        code, out, err = self.run_main(validate.main, [self.g, self.u,
                                                       missing])
        self.assertEqual(2, code)
        self.assertEqual(f"{missing}: no such file; check the path\n", err)

    def test_error_directory(self) -> None:
        code, out, err = self.run_main(validate.main, [self.g, self.dir,
                                                       self.b])
        self.assertEqual(2, code)
        self.assertEqual(
            f"{self.dir}: is a directory; expected a regular file\n", err)


class TestValidateDirectory(base.TestCase):
    """A directory (blacklist.txt or denylist.txt) or the shipped lists."""

    def copy_shipped(self, blacklist_name: str) -> str:
        directory = self.make_dir()
        for name in ("global-requirements.txt", "upper-constraints.txt"):
            shutil.copy(base.repo_file(name), directory)
        shutil.copy(base.repo_file("blacklist.txt"),
                    os.path.join(directory, blacklist_name))
        return directory

    def test_directory_with_denylist(self) -> None:
        directory = self.copy_shipped("denylist.txt")
        code, out, err = self.run_main(validate.main, [directory])
        self.assertEqual((0, ""), (code, err))
        self.assertIn(
            f"Checking {os.path.join(directory, 'denylist.txt')} format\n",
            out)

    def test_directory_with_blacklist(self) -> None:
        directory = self.copy_shipped("blacklist.txt")
        code, out, err = self.run_main(validate.main, [directory])
        self.assertEqual((0, ""), (code, err))

    def test_no_argument_checks_the_shipped_lists(self) -> None:
        code, out, err = self.run_main(validate.main, [])
        self.assertEqual((0, ""), (code, err))
        self.assertIn(
            f"Checking {base.repo_file('blacklist.txt')} format\n", out)

    def test_error_no_blacklist(self) -> None:
        directory = self.copy_shipped("other.txt")
        code, out, err = self.run_main(validate.main, [directory])
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(
            f"{directory}: no blacklist.txt or denylist.txt here; add one "
            "(it may be empty) or name the three files\n", err)

    def test_error_two_arguments(self) -> None:
        code, out, err = self.run_main(validate.main, ["a", "b"])
        self.assertEqual(2, code)
        self.assertIn("expected a directory or three files, got 2 "
                      "arguments", err)

    def test_error_file_instead_of_directory(self) -> None:
        path = base.repo_file("global-requirements.txt")
        code, out, err = self.run_main(validate.main, [path])
        self.assertEqual(2, code)
        self.assertIn(f"{path}: is not a directory", err)


class TestValidateRealShapedLists(base.TestCase):
    """The shipped lists plus entries a Linux generation cannot pin."""

    EXTRA = (
        "PyMI;sys_platform=='win32'  # Apache-2.0\n"
        "wmi;sys_platform=='win32'  # MIT\n"
        "pywin32;sys_platform=='win32'  # PSF\n"
        "argparse  # PSF\n"
        "futures;python_version=='2.7'  # BSD\n"
    )

    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        for name in ("upper-constraints.txt", "blacklist.txt"):
            shutil.copy(base.repo_file(name), self.dir)
        self.g = self.write(
            self.dir, "global-requirements.txt",
            base.read(base.repo_file("global-requirements.txt"))
            + self.EXTRA)
        self.u = os.path.join(self.dir, "upper-constraints.txt")

    def test_windows_only_and_unfreezable_entries_pass(self) -> None:
        code, out, err = self.run_main(validate.main, [self.dir])
        self.assertEqual((0, ""), (code, err), out)

    def test_linux_entry_missing_fails(self) -> None:
        with open(self.g, "a", encoding="utf-8") as f:
            f.write("brand-new-lib  # MIT\n")
        code, out, err = self.run_main(validate.main, [self.dir])
        self.assertEqual(1, code)
        lineno = base.read(self.g).count("\n")
        self.assertIn(
            f"{self.g}:{lineno}: brand-new-lib is neither in {self.u} nor "
            f"in {os.path.join(self.dir, 'blacklist.txt')}", out)

    def test_platform_option_demands_windows_entries(self) -> None:
        code, out, err = self.run_main(
            validate.main, [self.dir, "--platform", "linux",
                            "--platform", "win32", "--json"])
        self.assertEqual(1, code)
        found = json.loads(out)["findings"]
        self.assertEqual(
            [("coverage", "PyMI"), ("coverage", "wmi"),
             ("coverage", "pywin32")],
            [(f["code"], f["message"].split()[0]) for f in found])

    def test_python_option_demands_old_python_entries(self) -> None:
        code, out, err = self.run_main(
            validate.main, [self.dir, "--python", "2.7", "--json"])
        self.assertEqual(1, code)
        self.assertEqual(
            ["futures"], [f["message"].split()[0]
                          for f in json.loads(out)["findings"]])

    def test_header_naming_win32_demands_windows_entries(self) -> None:
        text = base.read(self.u)
        self.write(self.dir, "upper-constraints.txt",
                   "# python 3.12: Python 3.12.3, win32 AMD64, uv\n"
                   "# python 3.12: Python 3.12.3, linux x86_64, uv\n"
                   + text)
        code, out, err = self.run_main(validate.main, [self.dir])
        self.assertEqual(1, code)
        self.assertIn("(Python 3.12; linux, win32)", out)
        self.assertIn("pywin32 is neither in", out)


class TestValidatePolicyChecks(base.TestCase):
    """lower-bound and formatting: on by default, each with an option."""

    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.write(self.dir, "global-requirements.txt",
                   "foo>=1.0,!=1.2  # MIT\nbar!=2.10,!=2.9  # MIT\n")
        self.write(self.dir, "upper-constraints.txt",
                   "foo===1.3\nbar===3\n")
        self.write(self.dir, "denylist.txt", "")

    def codes(self, *options: str) -> tuple[int, list[str]]:
        code, out, err = self.run_main(
            validate.main, [self.dir, "--json", *options])
        return code, [f["code"] for f in json.loads(out)["findings"]]

    def test_both_reported_with_codes(self) -> None:
        self.assertEqual((1, ["lower-bound", "formatting"]), self.codes())

    def test_each_can_be_turned_off(self) -> None:
        self.assertEqual((1, ["formatting"]),
                         self.codes("--no-lower-bound-check"))
        self.assertEqual((1, ["lower-bound"]),
                         self.codes("--no-formatting-check"))
        self.assertEqual((0, []), self.codes("--no-lower-bound-check",
                                             "--no-formatting-check"))
