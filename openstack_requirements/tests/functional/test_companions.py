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

"""generate-constraints --companions end to end: real interpreters, real
uv (and pip) installing from each companion file, a loopback index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from openstack_requirements import artifact
from openstack_requirements.cmds import generate
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex
from openstack_requirements.tests.functional import test_generate  # noqa: H306

OLD, NEW = test_generate.OLD, test_generate.NEW
#: What upper-constraints.txt pins for each Python version.
PINS = {OLD: {"other-pkg": "1.1", "tiny-lib": "1.0"},
        NEW: {"other-pkg": "1.1", "tiny-lib": "2.0"}}


def _uv() -> str:
    import uv

    return str(uv.find_uv_bin())


class TestCompanions(test_generate.GenerateTestCase):
    def run_uv(self, *args: str, cwd: str | None = None) -> str:
        env = {k: v for k, v in localindex.pip_env().items()
               if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
        result = subprocess.run(
            [_uv(), *args], capture_output=True, text=True, cwd=cwd,
            env=dict(env, UV_PYTHON_DOWNLOADS="never", NO_COLOR="1",
                     UV_CACHE_DIR=os.path.join(self.dir, "uv-cache")),
            timeout=300, check=False)
        self.assertEqual(0, result.returncode, result.stderr)
        return result.stdout

    def venv(self, python: str, name: str) -> str:
        path = os.path.join(self.dir, name)
        self.run_uv("venv", "--no-config", "--quiet", "--python", python,
                    path)
        return os.path.join(path, "bin", "python")

    def frozen(self, python: str) -> dict[str, str]:
        out = self.run_uv("pip", "freeze", "--no-config", "--python", python)
        return {name.lower().replace("_", "-").replace(".", "-"): version
                for name, _, version in (
                    line.partition("==") for line in out.split())}

    def test_every_companion_installs_the_pins(self) -> None:
        self.populate()
        pythons = {OLD: self.python(OLD), NEW: self.python(NEW)}
        out = os.path.join(self.dir, "upper-constraints.txt")
        companions = os.path.join(self.dir, "companions")
        with localindex.serve(self.index, {}) as url:
            code, stdout, stderr = self.run_main(generate.main, [
                "-r", self.reqs, "-b", self.blacklist, "--index-url", url,
                "--sort", "name", "-p", pythons[OLD], "-p", pythons[NEW],
                "-o", out, "--companions", companions])
            self.assertEqual(0, code, stderr)
            self.assertEqual(test_generate.EXPECTED,
                             test_generate.body(base.read(out)))
            names = os.listdir(companions)
            self.assertIn("upper-constraints.eq.txt", names)
            self.assertEqual([
                "Tiny.Lib==1.0; python_version=='3.11'",
                "Tiny.Lib==2.0; python_version=='3.12'",
                "other_Pkg==1.1"], sorted(test_generate.body(base.read(
                    os.path.join(companions, "upper-constraints.eq.txt")))))
            wanted = self.write(self.dir, "wanted.txt",
                                "other_Pkg\nTiny.Lib\n")
            for version, python in pythons.items():
                lock = [n for n in names if n.startswith(
                    "pylock.py" + version.replace(".", "") + "-")]
                self.assertEqual(1, len(lock), names)
                # uv from the PEP 751 lock alone: no index, no resolve.
                venv = self.venv(python, f"lock-{version}")
                self.run_uv("pip", "install", "--no-config", "--no-index",
                            "--python", venv, "-r",
                            os.path.join(companions, lock[0]))
                self.assertEqual(PINS[version], self.frozen(venv))
                # uv with the '==' file as constraints.
                venv = self.venv(python, f"eq-{version}")
                self.run_uv("pip", "install", "--no-config", "--python",
                            venv, "--index-url", url, "-r", wanted, "-c",
                            os.path.join(companions,
                                         "upper-constraints.eq.txt"))
                self.assertEqual(PINS[version], self.frozen(venv))
                # uv's project interface with the constraint-dependencies
                # fragment.
                project = os.path.join(self.dir, f"project-{version}")
                os.mkdir(project)
                self.write(project, "pyproject.toml", (
                    "[project]\nname = 'consumer'\nversion = '0'\n"
                    f"requires-python = '=={version}.*'\n"
                    "dependencies = ['other_Pkg', 'Tiny.Lib']\n\n"
                    + base.read(os.path.join(companions,
                                             "uv-constraints.toml"))))
                self.run_uv("sync", "--no-config", "--python", python,
                            "--default-index", url, "--no-install-project",
                            cwd=project)
                self.assertEqual(PINS[version], self.frozen(
                    os.path.join(project, ".venv", "bin", "python")))
            # pip: the '==' file (pip reads no pylock.toml yet, see below).
            target = os.path.join(self.dir, "pip-target")
            result = localindex.pip_install(
                url, os.path.join(companions, "upper-constraints.eq.txt"),
                target, "other_Pkg", "Tiny.Lib")
            self.assertEqual(0, result.returncode, result.stderr)
            here = "{}.{}".format(*sys.version_info[:2])
            self.assertIn(f"Tiny_Lib-{PINS[here]['tiny-lib']}.dist-info",
                          os.listdir(target))
        helptext = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--help"],
            capture_output=True, text=True, check=False).stdout
        if "pylock" in helptext:  # pragma: no cover - a newer pip
            self.fail("this pip installs from pylock.toml: test it too")

    def test_freeze_lock_then_combine_companions(self) -> None:
        # The CI fan-out: each job records the files, combine writes the
        # locks without any index.
        self.populate()
        paths = []
        with localindex.serve(self.index, {}) as url:
            for version in (OLD, NEW):
                path = os.path.join(self.dir, f"freeze-{version}.json")
                code, _, stderr = self.run_main(generate.main, [
                    "freeze", "-r", self.reqs, "--index-url", url,
                    "-p", self.python(version), "-o", path, "--lock"])
                self.assertEqual(0, code, stderr)
                paths.append(path)
        data = json.loads(base.read(paths[1]))
        self.assertEqual(["Tiny.Lib>=1.0"], data["requires"]["other_Pkg"])
        self.assertEqual("wheel", data["files"]["Tiny.Lib"][0]["kind"])
        loaded = artifact.load(base.read(paths[1]), paths[1])
        self.assertEqual(1, len({p.files for p in loaded.freeze.pins
                                 if p.name == "Tiny.Lib"}))
        companions = os.path.join(self.dir, "out")
        code, _, stderr = self.run_main(generate.main, [
            "combine", *paths, "-b", self.blacklist, "-o",
            os.path.join(self.dir, "uc.txt"), "--companions", companions])
        self.assertEqual(0, code, stderr)
        locks = sorted(n for n in os.listdir(companions)
                       if n.startswith("pylock."))
        self.assertEqual(2, len(locks), locks)
        self.assertIn('name = "tiny-lib"\nversion = "2.0"',
                      base.read(os.path.join(companions, locks[1])))
