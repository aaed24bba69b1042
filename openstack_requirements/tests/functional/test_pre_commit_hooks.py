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

"""The shipped .pre-commit-hooks.yaml names real commands that pass."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

from openstack_requirements.tests import base
from openstack_requirements.tests.functional import test_cli


def hooks() -> list[dict[str, str]]:
    # A flat list of maps with scalar values: read without a YAML parser.
    out: list[dict[str, str]] = []
    for line in base.read(base.repo_file(".pre-commit-hooks.yaml")).split(
            "\n"):
        m = re.match(r"^(- |  )(id|entry|language|files): (.*)$", line)
        if m and m.group(1) == "- ":
            out.append({})
        if m:
            out[-1][m.group(2)] = m.group(3)
    return out


class TestPreCommitHooks(base.TestCase):
    def test_hooks_name_console_scripts(self) -> None:
        scripts = test_cli.console_scripts()
        found = hooks()
        self.assertEqual(["check-requirements", "validate-projects",
                          "validate-constraints", "normalize-requirements"],
                         [h["id"] for h in found])
        for hook in found:
            self.assertEqual("python", hook["language"])
            self.assertIn(shlex.split(hook["entry"])[0], scripts)

    def test_entries_pass_where_they_run(self) -> None:
        # pre-commit runs a hook at the top of the repository holding the
        # files: a copy of this one's lists and example project.
        repo = self.make_dir()
        for name in os.listdir(base.REPO_DIR):
            if name.endswith(".txt"):
                shutil.copy(base.repo_file(name), repo)
        shutil.copytree(base.repo_file("examples"),
                        os.path.join(repo, "examples"))
        cwd = {"check-requirements": "examples/sample-project"}
        args = {"validate-projects": ["projects.txt"],
                "normalize-requirements": [
                    "global-requirements.txt", "upper-constraints.txt",
                    "blacklist.txt", "backports.txt"]}
        env = self.child_env()
        env = {"PYTHONPATH": env["PYTHONPATH"], "PATH": "/usr/bin:/bin"}
        for hook in hooks():
            argv = shlex.split(hook["entry"]) + args.get(hook["id"], [])
            module = test_cli.console_scripts()[argv[0]].split(":")[0]
            code = (f"import sys; from {module} import main; "
                    "sys.exit(main(sys.argv[1:]))")
            result = subprocess.run(
                [sys.executable, "-c", code, *argv[1:]],
                capture_output=True, text=True,
                cwd=os.path.join(repo, cwd.get(hook["id"], "")), env=env)
            self.assertEqual(0, result.returncode,
                             hook["id"] + result.stdout + result.stderr)

    def test_validate_constraints_hook_on_a_denylist_repository(
            self) -> None:
        # An upstream-style repository names its blacklist denylist.txt.
        repo = self.make_dir()
        for name in ("global-requirements.txt", "upper-constraints.txt"):
            shutil.copy(base.repo_file(name), repo)
        shutil.copy(base.repo_file("blacklist.txt"),
                    f"{repo}/denylist.txt")
        hook, = (h for h in hooks() if h["id"] == "validate-constraints")
        self.assertRegex("denylist.txt", hook["files"])
        result = subprocess.run(
            [sys.executable, "-c",
             "import sys; from openstack_requirements.cmds.validate "
             "import main; sys.exit(main(sys.argv[1:]))",
             *shlex.split(hook["entry"])[1:]],
            capture_output=True, text=True, cwd=repo,
            env={"PYTHONPATH": self.child_env()["PYTHONPATH"],
                 "PATH": "/usr/bin:/bin"})
        self.assertEqual((0, ""), (result.returncode, result.stderr),
                         result.stdout)
