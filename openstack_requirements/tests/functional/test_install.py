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

"""The built package carries the central lists and finds them installed."""

import glob
import os
import shutil
import subprocess
import sys

import packaging

from openstack_requirements.tests import base
from openstack_requirements.tests import localindex


class TestInstalledPackage(base.TestCase):
    def test_wheel_ships_lists_and_finds_them(self) -> None:
        tmp = self.make_dir()
        # Build from a copy of the working tree: a build writes an
        # .egg-info into its source directory.  PBR_VERSION spares pbr
        # the git history.
        source = os.path.join(tmp, "src")
        shutil.copytree(base.REPO_DIR, source, ignore=shutil.ignore_patterns(
            ".git", ".venv", ".tox", "*.egg-info", "__pycache__",
            ".hypothesis", ".stestr", "build", "dist"))
        env = dict(os.environ, PIP_CONFIG_FILE="/dev/null",
                   PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
                   PBR_VERSION="1.0.0")
        env.pop("PIP_CONSTRAINT", None)
        # Build with this environment's pbr (no network), install the
        # wheel alone into a fresh venv, run from elsewhere.
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps",
             "--no-build-isolation", "-w", tmp, source],
            check=True, capture_output=True, env=env)
        wheel = glob.glob(os.path.join(tmp, "openstack_requirements-*.whl"))
        self.assertEqual(1, len(wheel))
        venv = os.path.join(tmp, "venv")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv],
                       check=True)
        python = os.path.join(venv, "bin", "python")
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", python, "install",
             "--no-deps", wheel[0]],
            check=True, capture_output=True, env=env)
        # The wheel went in without its dependencies (no index here);
        # reading the lists needs packaging: give it as plain modules.
        libs = os.path.join(tmp, "libs")
        shutil.copytree(os.path.dirname(packaging.__file__),
                        os.path.join(libs, "packaging"))
        code = ("from openstack_requirements.cmds import _cli; "
                "print(_cli.shipped_dir())")
        result = subprocess.run([python, "-c", code], cwd=tmp, check=True,
                                capture_output=True, text=True,
                                env={"PATH": "/usr/bin:/bin",
                                     "PYTHONPATH": libs})
        shipped = result.stdout.strip()
        self.assertEqual(
            os.path.join(venv, "share", "openstack-requirements"), shipped)
        for name in ("global-requirements.txt", "upper-constraints.txt",
                     "blacklist.txt", "projects.txt", "backports.txt"):
            self.assertEqual(base.read(base.repo_file(name)),
                             base.read(os.path.join(shipped, name)))


#: pip installing the bare name, which is upstream's package on PyPI.
BARE_NAME = (r"install\s+(-U\s+|--upgrade\s+)?['\"]?openstack[-_.]requirements"
             r"(?![-_.\w])(?!\s*@)")


def doc_block(path: str, name: str) -> str:
    """The shell code block named *name* (``:name:``) of the page *path*."""
    lines = base.read(path).split("\n")
    start = lines.index(f"   :name: {name}") + 1
    block = []
    for line in lines[start:]:
        if line.strip() and not line.startswith("   "):
            break
        block.append(line[3:])
    return "\n".join(block).strip()


def setup_cfg_version() -> str:
    for line in base.read(base.repo_file("setup.cfg")).split("\n"):
        if line.startswith("version = "):
            return line.removeprefix("version = ").strip()
    raise AssertionError("setup.cfg has no version")


class TestDocumentedInstall(base.TestCase):
    """doc/source/install.rst's command installs this toolkit.

    At its version, from a copy of the repository served over HTTP (no
    index: dependencies come from a wheelhouse of this environment).
    """

    def test_install_command_installs_this_toolkit(self) -> None:
        tmp = self.make_dir()
        version = setup_cfg_version()
        command = doc_block(
            os.path.join(base.REPO_DIR, "doc", "source", "install.rst"),
            "install-command")
        self.assertIn(f"@{version}\"", command)
        # The README shows the same command.
        self.assertIn(f"\n   {command}\n",
                      base.read(base.repo_file("README.rst")))
        self.assertNotRegex(command, BARE_NAME)
        bare = localindex.release_copy(tmp, version)
        server = self.useFixture(localindex.DirectoryServer(
            os.path.dirname(bare)))
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        os.symlink(sys.executable, os.path.join(bindir, "python3"))
        env = {"PATH": bindir + ":/usr/bin:/bin", "HOME": tmp,
               "TOOLKIT_REPO": f"{server.url}/toolkit.git",
               "PIP_CONFIG_FILE": "/dev/null", "PIP_NO_INDEX": "1",
               "PIP_FIND_LINKS": localindex.wheelhouse(tmp),
               "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", command],
                                cwd=tmp, env=env, capture_output=True,
                                text=True, timeout=600)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        venv = os.path.join(tmp, ".venvs", "requirements-toolkit")
        python = os.path.join(venv, "bin", "python")
        code = ("import importlib.metadata as m, openstack_requirements as p;"
                "print(m.version('openstack-requirements'), p.__file__)")
        out = subprocess.run([python, "-c", code], cwd=tmp, env=env,
                             capture_output=True, text=True, check=True)
        installed, module = out.stdout.split()
        self.assertEqual(version, installed)
        self.assertTrue(module.startswith(venv), module)
        # This code, not a look-alike: a module only this toolkit has,
        # byte for byte, and console scripts upstream does not ship.
        self.assertEqual(
            base.read(base.repo_file(
                "openstack_requirements/cmds/what_broke.py")),
            base.read(os.path.join(os.path.dirname(module), "cmds",
                                   "what_broke.py")))
        for script in ("what-broke", "review-requirement",
                       "check-requirements"):
            run = subprocess.run([os.path.join(venv, "bin", script),
                                  "--help"], cwd=tmp, env=env,
                                 capture_output=True, text=True)
            self.assertEqual(0, run.returncode, run.stderr)
            self.assertIn(f"usage: {script}", run.stdout)
        shipped = os.path.join(venv, "share", "openstack-requirements")
        self.assertTrue(os.path.exists(os.path.join(shipped, "bindep.txt")))
