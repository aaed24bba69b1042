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

"""bisect-constraints with real uv and venvs, on a loopback index of
wheels made here; no internet."""

from __future__ import annotations

import glob
import os

import fixtures

from openstack_requirements.cmds import bisect_constraints
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

#: Fails when the installed pkg-042 is 2.0 (pkg-042 2.0 needs pkg-077
#: 2.0: the planted pair).
TEST = ("import sys, pkg_042_mod as m; "
        "sys.exit(1 if m.__version__ == '2.0' else 0)")


class TestBisect(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.index = os.path.join(self.dir, "index")
        os.mkdir(self.index)
        for key, value in {
            "PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1",
            "UV_CONSTRAINT": os.path.join(self.dir, "nothing.txt"),
            "UV_CACHE_DIR": os.path.join(self.dir, "uv-cache"),
            "TMPDIR": self.make_dir(),
        }.items():
            self.useFixture(fixtures.EnvironmentVariable(key, value))
        self.logs = os.path.join(self.dir, "logs")

    def planted(self, count: int = 100) -> tuple[str, str]:
        old, new = [], []
        for i in range(count):
            name = f"pkg-{i:03d}"
            localindex.make_wheel(self.index, name, "1.0")
            requires = ["pkg-077>=2.0"] if i == 42 else []
            localindex.make_wheel(self.index, name, "2.0",
                                  requires=requires)
            old.append(f"{name}===1.0\n")
            new.append(f"{name}===2.0\n")
        # An unchanged pin: never a suspect.
        localindex.make_wheel(self.index, "steady", "1.0")
        old.append("steady===1.0\n")
        new.append("steady===1.0\n")
        return (self.write(self.dir, "old.txt", "".join(old)),
                self.write(self.dir, "new.txt", "".join(new)))

    def bisect(self, url: str, *args: str) -> tuple[int, str, str]:
        return self.run_main(bisect_constraints.main, [
            "--index-url", url, "--log-dir", self.logs, *args])

    def test_finds_the_planted_pair_in_eight_steps(self) -> None:
        old, new = self.planted()
        with localindex.serve(self.index, {}) as url:
            code, out, err = self.bisect(
                url, old, new, "--propose-hold", "--", "python",
                "-c", TEST)
        self.assertEqual(1, code, out + err)
        self.assertIn("100 changed pins, 99 groups, 8 install+test steps",
                      out)
        culprits = out.split("culprits:\n", 1)[1].split("failing step")[0]
        self.assertEqual(["pkg-042 1.0 -> 2.0", "pkg-077 1.0 -> 2.0"],
                         sorted(c.strip() for c in culprits.splitlines()
                                if c.strip()))
        steps = [line for line in out.splitlines()
                 if line.startswith("  step ")]
        self.assertEqual(8, len(steps))
        self.assertLessEqual(len(steps), 8)
        self.assertNotIn("install failed", out)
        # The failing step's log and constraints are kept.
        failing = out.split("failing step: ", 1)[1].split(" ")[0]
        self.assertTrue(os.path.exists(failing), failing)
        self.assertIn("pkg-042===2.0", localindex_read(
            failing.replace(".log", "-constraints.txt")))
        self.assertIn('pkg-042!=2.0  # reason="bisect-constraints: `',
                      out)
        self.assertRegex(out, r"pkg-077!=2.0  # reason=\"[^\"]+\" link= "
                              r"owner= expires=\d{4}-\d\d-\d\d")
        # The live line, without a terminal: plain lines, no codes.
        self.assertIn("step 1/8: 100 of 100 changed pins: fails", err)
        self.assertNotIn("\x1b", err)
        # Every venv went: only our logs are left.
        self.assertEqual([], glob.glob(os.path.join(
            os.environ["TMPDIR"], "bisect-constraints-*")))

    def test_install_failure_is_not_a_test_failure(self) -> None:
        localindex.make_wheel(self.index, "good", "1.0")
        old = self.write(self.dir, "old.txt", "good===1.0\n")
        new = self.write(self.dir, "new.txt", "good===9.0\n")
        with localindex.serve(self.index, {}) as url:
            code, out, err = self.bisect(url, old, new, "--", "true")
        self.assertEqual(3, code, out + err)
        self.assertIn("step 1: 1 changed pins applied: install failed", out)
        self.assertIn("good", out.split("install failed", 1)[1])
        self.assertNotIn("culprits", out)

    def test_new_passes(self) -> None:
        old, new = self.planted(4)
        with localindex.serve(self.index, {}) as url:
            code, out, err = self.bisect(url, old, new, "--", "true")
        self.assertEqual(0, code, out + err)
        self.assertIn("passes with the new constraints", out)

    def test_error_no_command(self) -> None:
        old, new = self.planted(1)
        code, out, err = self.run_main(bisect_constraints.main, [old, new])
        self.assertEqual(2, code)
        self.assertIn("give the test command after --", err)


def localindex_read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()
