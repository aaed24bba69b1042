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

"""check-requirements end to end: temp projects, exit codes 0/1/2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from openstack_requirements.cmds import check_requirements
from openstack_requirements.tests import base

REQS = os.path.join(base.FILES_DIR, "check", "reqs")
SAMPLE = os.path.join(base.REPO_DIR, "examples", "sample-project")
PBR = '[build-system]\nrequires = ["pbr"]\nbuild-backend = "pbr.build"\n'


class TestCheckRequirements(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = self.make_dir()
        self.src = os.path.join(self.root, "proj")
        os.mkdir(self.src)
        self.write(self.src, "pyproject.toml", PBR)

    def run_check(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(check_requirements.main, argv)

    def test_sample_project_passes_on_shipped_lists(self) -> None:
        code, out, err = self.run_check(SAMPLE)
        self.assertEqual((0, ""), (code, err))
        self.assertTrue(out.startswith(
            f"OK: 14 requirement(s) in 5 file(s) of {SAMPLE} (files on "
            "disk, branch master) match "), out)

    def test_main_branch_is_master(self) -> None:
        os.remove(os.path.join(self.src, "pyproject.toml"))
        self.write(self.src, "requirements.txt", "six>=1\n")
        for branch in ([], ["master"], ["main"]):
            code, out, _ = self.run_check("--reqs", REQS, self.src, *branch)
            self.assertEqual(1, code, branch)
            self.assertIn("pyproject.toml: missing;", out)
        code, out, _ = self.run_check("--reqs", REQS, self.src,
                                      "stable/2025.1")
        self.assertEqual(0, code, out)

    def test_findings_exit_one_with_fix(self) -> None:
        self.write(self.src, "requirements.txt",
                   "six>=1\noslo.config>=5,!=5.1  # Apache-2.0\n")
        code, out, err = self.run_check("--reqs", REQS, self.src)
        self.assertEqual((1, ""), (code, err))
        req = os.path.join(self.src, "requirements.txt")
        self.assertEqual(
            f"{req}:2: oslo.config excludes versions the global list does "
            "not (!=5.1): global list has `oslo.config!=4.3.0,!=4.4.0`; "
            "you have `oslo.config>=5,!=5.1`; drop those exclusions or get "
            "them into the global list first\n"
            f"FAILED: 1 problem(s) in {self.src} (files on disk, branch "
            f"master) against {REQS}\n", out)

    def test_json_report(self) -> None:
        self.write(self.src, "test-requirements.txt", "nosuch>=1\n")
        code, out, _ = self.run_check("--json", "--reqs", REQS, self.src)
        self.assertEqual(1, code)
        report = json.loads(out)
        self.assertFalse(report["ok"])
        self.assertEqual(
            [{"source": os.path.join(self.src, "test-requirements.txt"),
              "line": 1, "code": "not-in-global",
              "message": "nosuch is not in the global list ("
              f"{REQS}/global-requirements.txt); propose it there first "
              "or remove it"}], report["findings"])
        self.assertEqual("master", report["branch"])

    def test_json_ok(self) -> None:
        code, out, _ = self.run_check("--json", SAMPLE)
        self.assertEqual(0, code)
        self.assertEqual((True, []), (json.loads(out)["ok"],
                                      json.loads(out)["findings"]))

    def test_denylist_name_and_no_backports(self) -> None:
        reqs = os.path.join(self.root, "reqs")
        shutil.copytree(REQS, reqs)
        os.rename(os.path.join(reqs, "blacklist.txt"),
                  os.path.join(reqs, "denylist.txt"))
        os.remove(os.path.join(reqs, "backports.txt"))
        self.write(self.src, "requirements.txt",
                   "flake8\nimportlib-metadata>=1;python_version<'3.10'\n")
        code, out, _ = self.run_check("--reqs", reqs, self.src)
        self.assertEqual(1, code)
        self.assertEqual(["markers"], [
            f["code"] for f in json.loads(self.run_check(
                "--json", "--reqs", reqs, self.src)[1])["findings"]])

    def test_build_backend_setting(self) -> None:
        self.write(self.src, "pyproject.toml",
                   "[build-system]\nbuild-backend = 'flit_core.buildapi'\n")
        self.assertEqual(1, self.run_check("--reqs", REQS, self.src)[0])
        self.assertEqual(0, self.run_check(
            "--reqs", REQS, "--build-backend", "flit_core.buildapi",
            self.src)[0])

    def test_malformed_project_line_is_bad_input(self) -> None:
        # Reported with the other findings, but unparseable input is 2.
        self.write(self.src, "requirements.txt", "six>=1\nsix=>2\n")
        code, out, err = self.run_check("--reqs", REQS, self.src)
        self.assertEqual(2, code)
        self.assertIn(f"{self.src}/requirements.txt:2: invalid version "
                      "specifier '=>2'; fix the line\n", out)
        self.assertNotIn("Traceback", out + err)

    def test_error_malformed_global_list(self) -> None:
        reqs = os.path.join(self.root, "reqs")
        shutil.copytree(REQS, reqs)
        with open(os.path.join(reqs, "global-requirements.txt"), "a",
                  encoding="utf-8") as f:
            f.write("bad=>1  # MIT\n")
        code, out, err = self.run_check("--reqs", reqs, self.src)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(
            f"{reqs}/global-requirements.txt:15: invalid version specifier "
            "'=>1'\n    bad=>1  # MIT\n", err)

    def test_symlink_outside_is_not_followed(self) -> None:
        outside = self.write(self.root, "elsewhere.txt", "nosuch>=1\n")
        self.write(self.src, "requirements.txt", "six>=1\n")
        link = os.path.join(self.src, "test-requirements.txt")
        os.symlink(outside, link)
        code, out, _ = self.run_check("--reqs", REQS, self.src)
        self.assertEqual(0, code, out)
        self.assertTrue(out.startswith(
            f"warning: {link}: leads to {os.path.realpath(outside)}, "
            "outside the project; not followed\nOK: 1 requirement(s)"), out)
        report = json.loads(self.run_check("--json", "--reqs", REQS,
                                           self.src)[1])
        self.assertEqual(["symlink-outside"],
                         [f["code"] for f in report["skipped"]])

    def test_error_bad_toml(self) -> None:
        self.write(self.src, "pyproject.toml", "[build-system\n")
        code, out, err = self.run_check("--reqs", REQS, self.src)
        self.assertEqual(2, code)
        self.assertTrue(err.startswith(
            f"{self.src}/pyproject.toml:1: invalid TOML: "), err)

    def test_error_missing_project(self) -> None:
        missing = os.path.join(self.root, "nope")
        code, out, err = self.run_check("--reqs", REQS, missing)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(f"{missing}: no such directory; give the "
                         "project's top directory\n", err)

    def test_error_directory_instead_of_file(self) -> None:
        os.mkdir(os.path.join(self.src, "test-requirements.txt"))
        code, out, err = self.run_check("--reqs", REQS, self.src)
        self.assertEqual(2, code)
        self.assertEqual(f"{self.src}/test-requirements.txt: is a "
                         "directory; expected a regular file\n", err)

    def test_error_not_utf8(self) -> None:
        with open(os.path.join(self.src, "requirements.txt"), "wb") as f:
            f.write(b"six>=1  # \xff\n")
        code, out, err = self.run_check("--reqs", REQS, self.src)
        self.assertEqual(2, code)
        self.assertIn(f"{self.src}/requirements.txt:1: byte 0xff at "
                      "column 11 is not UTF-8", err)

    def test_error_reqs_not_a_directory(self) -> None:
        path = self.write(self.root, "file.txt", "")
        code, out, err = self.run_check("--reqs", path, self.src)
        self.assertEqual(2, code)
        self.assertEqual(f"{path}: is not a directory; --reqs takes the "
                         "central requirements repo\n", err)

    def test_working_tree_by_default_and_commit_on_request(self) -> None:
        if shutil.which("git") is None:
            self.skipTest("git is not installed")
        env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=self.root,
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                   GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@example.com")
        self.write(self.src, "requirements.txt", "six>=1\n")
        for args in (["init", "-q"], ["add", "-A"],
                     ["commit", "-q", "-m", "c"]):
            subprocess.run(["git", "-C", self.src, *args], check=True,
                           env=env, capture_output=True)
        self.write(self.src, "requirements.txt", "nosuch>=1\n")
        # Edit, then check: the uncommitted change is what is checked,
        # as every sibling command reads the working tree.
        for local in ([], ["--local"]):  # --local: a no-op alias now
            code, out, _ = self.run_check(*local, "--reqs", REQS, self.src)
            self.assertEqual(1, code, out)
            self.assertIn("nosuch is not in the global list", out)
            self.assertIn("(files on disk, branch master)", out)
        code, out, _ = self.run_check("--commit", "HEAD", "--reqs", REQS,
                                      self.src)
        self.assertEqual(0, code, out)
        self.assertIn("(committed HEAD, branch master)", out)
        code, out, err = self.run_check("--commit", "HEAD", "--local",
                                        "--reqs", REQS, self.src)
        self.assertEqual(2, code)
        self.assertIn("--local (the working tree) and --commit", err)
