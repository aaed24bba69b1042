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
