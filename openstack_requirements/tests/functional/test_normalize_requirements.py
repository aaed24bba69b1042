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

import os
import stat

from openstack_requirements.cmds import normalize
from openstack_requirements.tests import base

TEXT = "# c\nsix >= 1 , < 2 # MIT\nfoo;python_version>='3.10'\n"
NORMAL = '# c\nsix>=1,<2  # MIT\nfoo;python_version >= "3.10"\n'


class TestNormalizeRequirements(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.path = self.write(self.dir, "requirements.txt", TEXT)

    def run_norm(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(normalize.main, argv)

    def test_print(self) -> None:
        self.assertEqual((0, NORMAL, ""), self.run_norm(self.path))
        self.assertEqual(TEXT, base.read(self.path))

    def test_save_keeps_mode_then_unchanged_keeps_mtime(self) -> None:
        os.chmod(self.path, 0o600)
        self.assertEqual((0, f"{self.path}: normalised\n", ""),
                         self.run_norm("--save", self.path))
        self.assertEqual(NORMAL, base.read(self.path))
        self.assertEqual(0o600, stat.S_IMODE(os.stat(self.path).st_mode))
        os.utime(self.path, (1_000_000, 1_000_000))
        self.assertEqual((0, f"{self.path}: already normal\n", ""),
                         self.run_norm("-s", self.path))
        self.assertEqual(1_000_000, os.stat(self.path).st_mtime)

    def test_check_prints_a_diff_writes_nothing_exits_one(self) -> None:
        normal = self.write(self.dir, "normal.txt", NORMAL)
        before = os.stat(self.path).st_mtime_ns
        code, out, err = self.run_norm("--check", normal, self.path)
        self.assertEqual((1, ""), (code, err))
        self.assertEqual(
            f"--- a/{self.path}\n+++ b/{self.path}\n"
            "@@ -1,3 +1,3 @@\n # c\n"
            "-six >= 1 , < 2 # MIT\n-foo;python_version>='3.10'\n"
            + "".join("+" + line + "\n"
                      for line in NORMAL.split("\n")[1:3]), out)
        self.assertEqual(TEXT, base.read(self.path))
        self.assertEqual(before, os.stat(self.path).st_mtime_ns)
        self.assertEqual((0, "", ""), self.run_norm("--check", normal))

    def test_check_and_save_together_is_a_usage_error(self) -> None:
        self.assertEqual(2, self.run_norm("--check", "-s", self.path)[0])
        self.assertEqual(TEXT, base.read(self.path))

    def test_several_files_need_save_or_check(self) -> None:
        code, out, err = self.run_norm(self.path, self.path)
        self.assertEqual((2, ""), (code, out))
        self.assertIn("several FILEs need --save or --check", err)

    def test_shipped_constraints_are_normal(self) -> None:
        for name in ("global-requirements.txt", "upper-constraints.txt",
                     "blacklist.txt", "backports.txt"):
            code, out, err = self.run_norm("--check", base.repo_file(name))
            self.assertEqual((0, "", ""), (code, out, err), name)

    def test_shipped_global_list(self) -> None:
        code, out, err = self.run_norm(
            base.repo_file("global-requirements.txt"))
        self.assertEqual((0, ""), (code, err))
        self.assertIn("oslo.config!=4.3.0,!=4.4.0  # Apache-2.0\n", out)

    def test_error_malformed_leaves_file(self) -> None:
        self.write(self.dir, "requirements.txt", TEXT + "x=>1\n")
        code, out, err = self.run_norm("--save", self.path)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(f"{self.path}:4: invalid version specifier '=>1'\n"
                         "    x=>1\n", err)
        self.assertEqual(TEXT + "x=>1\n", base.read(self.path))

    def test_error_missing_directory_non_utf8(self) -> None:
        self.assertEqual(2, self.run_norm(os.path.join(self.dir, "n"))[0])
        self.assertEqual(2, self.run_norm(self.dir)[0])
        with open(self.path, "wb") as f:
            f.write(b"six\xff\n")
        code, _, err = self.run_norm("-s", self.path)
        self.assertEqual(2, code)
        self.assertIn("is not UTF-8", err)
