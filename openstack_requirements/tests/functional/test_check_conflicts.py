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

"""check-conflicts end to end: real .dist-info directories on sys.path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig

import fixtures

# Loaded before sys.path is narrowed to the test's site directory.
import packaging
import packaging.markers  # noqa: F401
import packaging.requirements  # noqa: F401

from openstack_requirements.cmds import check_conflicts
from openstack_requirements.tests import base


class TestCheckConflicts(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.site = os.path.join(self.dir, "site")
        os.mkdir(self.site)
        self.upper = self.write(self.dir, "upper-constraints.txt",
                                "nova===1.0\noslo.config===10.0\n")

    def dist(self, name: str, version: str, *requires: str) -> None:
        meta = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}"]
        meta += [f"Requires-Dist: {r}" for r in requires]
        self.write(self.site, f"{name}-{version}.dist-info/METADATA",
                   "\n".join(meta) + "\n")

    def run_check(self, *argv: str) -> tuple[int, str, str]:
        self.useFixture(fixtures.MonkeyPatch("sys.path", [self.site]))
        return self.run_main(check_conflicts.main, argv)

    def test_consistent_environment_exits_zero(self) -> None:
        self.dist("nova", "1.0", "oslo.config>=9",
                  "mock; extra == 'test'", "six; python_version < '3'")
        self.dist("oslo.config", "10.0")
        # A broken .dist-info without a name is skipped.
        self.write(self.site, "broken-1.dist-info/METADATA",
                   "Metadata-Version: 2.1\nRequires-Dist: x>=1\n")
        code, out, err = self.run_check(self.upper)
        self.assertEqual((0, "OK: no unexpected conflict among 2 installed "
                          "distribution(s) (0 expected)\n", ""),
                         (code, out, err))

    def test_conflict_exits_one(self) -> None:
        self.dist("nova", "1.0", "oslo.config>=11", "missing-lib")
        self.dist("oslo.config", "10.0")
        code, out, err = self.run_check(self.upper)
        self.assertEqual(1, code)
        self.assertEqual(
            "nova 1.0: requires oslo.config>=11, but oslo-config 10.0 is "
            f"installed ({self.upper} pins oslo-config===10.0); fix the "
            "constraints or list it in the xfails file\n"
            "nova 1.0: requires missing-lib, but missing-lib is not "
            "installed; fix the constraints or list it in the xfails file\n"
            "FAILED: 2 conflict(s) among 2 installed distribution(s)\n", out)

    def test_json_has_the_shared_shape(self) -> None:
        import json

        self.dist("nova", "1.0", "oslo.config>=11")
        self.dist("oslo.config", "10.0")
        xfails = self.write(self.dir, "xfails.txt", "glance\n")
        code, out, err = self.run_check(self.upper, xfails, "--json")
        self.assertEqual((1, ""), (code, err))
        report = json.loads(out)
        self.assertEqual(False, report["ok"])
        self.assertEqual([{
            "source": "nova 1.0", "line": None, "code": "conflict",
            "message": report["findings"][0]["message"]}],
            report["findings"])
        self.assertIn("requires oslo.config>=11", report["findings"][0][
            "message"])
        self.assertEqual((["glance"], [], 2), (
            report["unused_xfails"], report["expected"],
            report["distributions"]))

    def test_xfails_do_not_fail(self) -> None:
        self.dist("nova", "1.0", "oslo.config>=11")
        self.dist("oslo.config", "10.0")
        xfails = self.write(self.dir, "xfails.txt", "Nova\nglance\n")
        code, out, err = self.run_check(self.upper, xfails)
        self.assertEqual(0, code)
        self.assertIn("xfail: nova 1.0: requires oslo.config>=11", out)
        self.assertIn(f"note: glance is in {xfails} but has no conflict",
                      out)

    def test_error_bad_xfails(self) -> None:
        xfails = self.write(self.dir, "xfails.txt", "nova=>1\n")
        code, out, err = self.run_check(self.upper, xfails)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(f"{xfails}:1: invalid version specifier '=>1'\n"
                         "    nova=>1\n", err)

    def test_error_malformed_upper(self) -> None:
        self.write(self.dir, "upper-constraints.txt", "nova===1\nx=>1\n")
        code, out, err = self.run_check(self.upper)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(f"{self.upper}:2: invalid version specifier "
                         "'=>1'\n    x=>1\n", err)

    def test_error_missing_directory_and_non_utf8(self) -> None:
        missing = os.path.join(self.dir, "nope")
        self.assertEqual(2, self.run_check(missing)[0])
        self.assertEqual(2, self.run_check(self.dir)[0])
        with open(self.upper, "wb") as f:
            f.write(b"nova===1\xff\n")
        code, _, err = self.run_check(self.upper)
        self.assertEqual(2, code)
        self.assertIn("is not UTF-8", err)

    def test_this_environment_on_shipped_lists(self) -> None:
        # The real console script in the environment running the tests.
        result = subprocess.run(
            [sys.executable, "-c",
             "import sys; from openstack_requirements.cmds.check_conflicts"
             " import main; sys.exit(main(sys.argv[1:]))",
             base.repo_file("upper-constraints.txt")],
            capture_output=True, text=True, env=self.child_env(),
            cwd=self.make_dir())
        self.assertEqual(0, result.returncode, result.stdout)
        self.assertIn("OK: no unexpected conflict", result.stdout)

    def test_another_environment_with_python_m(self) -> None:
        # A real, separate virtualenv holding a conflict; the command runs
        # with that environment's interpreter, as the docs say.
        venv = os.path.join(self.dir, "venv")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip",
                        venv], check=True, capture_output=True)
        python = os.path.join(venv, "bin", "python")
        purelib = subprocess.run(
            [python, "-c", "import sysconfig; "
             "print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True).stdout.strip()
        self.site = purelib
        self.dist("nova", "1.0", "oslo.config>=11")
        self.dist("oslo.config", "10.0")
        # packaging as plain modules, without its .dist-info.
        libs = os.path.join(self.dir, "libs")
        shutil.copytree(os.path.dirname(packaging.__file__),
                        os.path.join(libs, "packaging"))
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": os.pathsep.join(
            [self.child_env()["PYTHONPATH"], libs])}
        result = subprocess.run(
            [python, "-m", "openstack_requirements.cmds.check_conflicts",
             self.upper], capture_output=True, text=True, env=env,
            cwd=self.make_dir())
        self.assertEqual(1, result.returncode, result.stderr)
        self.assertTrue(result.stdout.startswith(
            "nova 1.0: requires oslo.config>=11, but oslo-config 10.0 is "
            "installed"), result.stdout + result.stderr)
        self.assertIn("FAILED: 1 conflict(s) among 2 installed "
                      "distribution(s)", result.stdout)
        self.assertNotEqual(sysconfig.get_paths()["purelib"], purelib)
