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

"""The Debian look-up: apt-cache through a fake runner, and for real."""

from __future__ import annotations

import os
import shutil
import subprocess

import fixtures

from openstack_requirements import distro
from openstack_requirements.tests import base  # noqa: H306

APT_POLICY = """python3:
  Installed: 3.11.2-1+b1
  Candidate: 3.11.2-1+b1
  Version table:
 *** 3.11.2-1+b1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
python3-mysql.connector:
  Installed: (none)
  Candidate: (none)
  Version table:
python3-yaml:
  Installed: (none)
  Candidate: 6.0-3+b2
  Version table:
     6.0-3+b2 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
"""


class FakeRun:
    """Records the command; answers with canned apt-cache output."""

    def __init__(self, stdout: str, returncode: int = 0) -> None:
        self.stdout = stdout
        self.returncode = returncode
        self.commands: list[list[str]] = []
        self.envs: list[object] = []

    def __call__(self, command: list[str], **kwargs: object
                 ) -> subprocess.CompletedProcess[str]:
        self.commands.append(command)
        self.envs.append(kwargs.get("env"))
        return subprocess.CompletedProcess(command, self.returncode,
                                           self.stdout, "E: broken\n")


class TestDebian(base.TestCase):
    def test_names(self) -> None:
        self.assertEqual(["python3-pyyaml", "python3-yaml"],
                         distro.debian_names("PyYAML"))
        self.assertEqual(["python3-oslo.config", "python3-oslo-config"],
                         distro.debian_names("oslo.config"))
        self.assertEqual(["python3-python-ldap", "python3-python.ldap",
                          "python3-ldap"],
                         distro.debian_names("python-ldap"))

    def test_parse_policy(self) -> None:
        self.assertEqual(
            {"python3": "3.11.2-1+b1", "python3-yaml": "6.0-3+b2"},
            distro.parse_apt_policy(APT_POLICY))

    def test_packaged(self) -> None:
        run = FakeRun(APT_POLICY)
        info = distro.debian_lookup("PyYAML", "/usr/bin/apt-cache", run)
        self.assertEqual(("packaged", "python3-yaml", "6.0-3+b2"),
                         (info.status, info.package, info.version))
        self.assertEqual([["/usr/bin/apt-cache", "policy", "python3",
                           "python3-pyyaml", "python3-yaml"]], run.commands)

    def test_not_packaged(self) -> None:
        info = distro.debian_lookup(
            "mysql-connector", "apt-cache", FakeRun(APT_POLICY))
        self.assertEqual("not packaged", info.status)
        self.assertEqual("looked for python3-mysql-connector, "
                         "python3-mysql.connector", info.detail)

    def test_unknown_without_apt_cache(self) -> None:
        info = distro.debian_lookup(
            "requests", env={"PATH": self.make_dir()})
        self.assertEqual(("unknown", "apt-cache is not available here"),
                         (info.status, info.detail))

    def test_environment_is_passed_in_not_read(self) -> None:
        # The library reads no os.environ: the command passes its own.
        self.useFixture(fixtures_env_path(self.make_dir()))
        self.useFixture(fixtures.EnvironmentVariable("FROM_OS", "1"))
        run = FakeRun(APT_POLICY)
        info = distro.debian_lookup(
            "PyYAML", "apt-cache", run, env={"HTTP_PROXY": "http://p"})
        self.assertEqual("packaged", info.status)
        self.assertEqual([{"HTTP_PROXY": "http://p", "LC_ALL": "C"}],
                         run.envs)
        # A PATH in the passed environment is where apt-cache is sought.
        bindir = self.make_dir()
        apt = os.path.join(bindir, "apt-cache")
        with open(apt, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(apt, 0o755)
        run = FakeRun(APT_POLICY)
        distro.debian_lookup("PyYAML", run=run, env={"PATH": bindir})
        self.assertEqual(apt, run.commands[0][0])

    def test_unknown_without_package_lists(self) -> None:
        info = distro.debian_lookup("requests", "apt-cache",
                                    FakeRun(""))
        self.assertEqual(("unknown", "apt-cache has no package lists; run "
                          "apt-get update"), (info.status, info.detail))

    def test_unknown_when_apt_cache_fails(self) -> None:
        info = distro.debian_lookup("requests", "apt-cache",
                                    FakeRun("", returncode=100))
        self.assertEqual(("unknown", "apt-cache failed: E: broken"),
                         (info.status, info.detail))

    def test_real_apt_cache(self) -> None:
        if not shutil.which("apt-cache"):
            self.skipTest("apt-cache is not installed here")
        info = distro.debian_lookup("no-such-project-xyzzy",
                                    env=os.environ)
        self.assertIn(info.status, ("not packaged", "unknown"))
        info = distro.debian_lookup("requests", env=os.environ)
        if info.status != "unknown":  # lists present: Debian has it
            self.assertEqual("python3-requests", info.package)


def fixtures_env_path(directory: str):  # noqa: ANN201
    import fixtures

    return fixtures.EnvironmentVariable("PATH", directory)
