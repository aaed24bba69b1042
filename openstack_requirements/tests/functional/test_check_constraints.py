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

from openstack_requirements.cmds import check_constraints
from openstack_requirements.tests import base

REQS = os.path.join(base.FILES_DIR, "check", "reqs")
SAMPLE = os.path.join(base.REPO_DIR, "examples", "sample-project")
LISTS = ("-u", os.path.join(REQS, "upper-constraints.txt"),
         "-g", os.path.join(REQS, "global-requirements.txt"),
         "-b", os.path.join(REQS, "blacklist.txt"))


class TestCheckConstraints(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.src = self.make_dir()

    def run_check(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(check_constraints.main, argv)

    def test_sample_project_passes_on_shipped_lists(self) -> None:
        code, out, err = self.run_check(SAMPLE, "-G")
        self.assertEqual((0, ""), (code, err))
        self.assertTrue(out.startswith(
            f"OK: 14 requirement(s) of {SAMPLE} admit the pins in "), out)

    def test_pin_outside_specifier_exits_one(self) -> None:
        self.write(self.src, "requirements.txt", "six>=1,<1.10\nflake8\n")
        code, out, err = self.run_check(self.src, *LISTS)
        self.assertEqual((1, ""), (code, err))
        self.assertEqual(
            f"{self.src}/requirements.txt:1: `six>=1,<1.10` does not admit "
            f"the upper constraint six===1.17.0 ({LISTS[1]}:3); widen the "
            "specifier or lower the pin\n"
            f"FAILED: 1 problem(s) in {self.src} against {LISTS[1]}\n", out)

    def test_check_global_specifiers(self) -> None:
        self.write(self.src, "requirements.txt", "oslo.config>=4.4.0\n")
        self.assertEqual(0, self.run_check(self.src, *LISTS)[0])
        code, out, _ = self.run_check(self.src, "-G", "--json", *LISTS)
        self.assertEqual(1, code)
        self.assertIn('"code": "global-specifier"', out)

    def test_error_missing_upper(self) -> None:
        missing = os.path.join(self.src, "nope.txt")
        code, out, err = self.run_check(self.src, "-u", missing)
        self.assertEqual((2, f"{missing}: no such file; check the path\n"),
                         (code, err))

    def test_error_malformed_upper(self) -> None:
        upper = self.write(self.src, "u.txt", "six===1\nsix=>1\n")
        code, out, err = self.run_check(self.src, "-u", upper)
        self.assertEqual(2, code)
        self.assertEqual(f"{upper}:2: invalid version specifier '=>1'\n"
                         "    six=>1\n", err)

    def test_error_directory_and_non_utf8(self) -> None:
        os.mkdir(os.path.join(self.src, "requirements.txt"))
        code, _, err = self.run_check(self.src, *LISTS)
        self.assertEqual(2, code)
        self.assertIn("is a directory; expected a regular file", err)
        os.rmdir(os.path.join(self.src, "requirements.txt"))
        with open(os.path.join(self.src, "requirements.txt"), "wb") as f:
            f.write(b"\xff\n")
        code, _, err = self.run_check(self.src, *LISTS)
        self.assertEqual(2, code)
        self.assertIn("is not UTF-8", err)
