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

from openstack_requirements.cmds import validate
from openstack_requirements.tests import base

HEADERS = [
    "Checking {g} format",
    "Checking {u} format",
    "Checking {b} format",
    "Checking pins are compatible with the global specifiers",
    "Checking every global requirement is pinned or blacklisted",
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
