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

"""Reading failed installs: logs captured from real pip and uv runs."""

from __future__ import annotations

import os

from openstack_requirements import buildlog
from openstack_requirements.tests import base


def log(name: str) -> str:
    return base.read(os.path.join(base.FILES_DIR, "generate", name))


class TestAnalyse(base.TestCase):
    def test_uv_build_failure(self) -> None:
        failure = buildlog.analyse(
            log("uv-build-failure.log"), "uv 0.9", "3.11", "l.log")
        self.assertEqual("broken-ext==1.0", failure.requirement)
        self.assertEqual("build failed", failure.reason)
        self.assertEqual(("needs-ext", "broken-ext"), failure.chain)
        self.assertIn("src/binding.c:3:10: fatal error: krb5.h: No such "
                      "file or directory", failure.error_lines)
        self.assertEqual(("libkrb5-dev",), failure.debian_packages)

    def test_pip_build_failure(self) -> None:
        failure = buildlog.analyse(
            log("pip-build-failure.log"), "pip 24.0", "3.11", "l.log")
        self.assertEqual("Broken_Ext==1.0", failure.requirement)
        self.assertEqual("build failed", failure.reason)
        self.assertEqual(("needs-ext", "Broken_Ext==1.0"), failure.chain)
        self.assertEqual((
            "src/binding.c:3:10: fatal error: krb5.h: No such file or "
            "directory",
            "error: command '/usr/bin/gcc' failed with exit code 1",
        ), failure.error_lines)
        self.assertEqual(("libkrb5-dev",), failure.debian_packages)

    def test_uv_no_solution(self) -> None:
        failure = buildlog.analyse(
            log("uv-no-solution.log"), "uv 0.9", "3.11")
        self.assertEqual("nowhere>=2", failure.requirement)
        self.assertEqual("no solution found when resolving dependencies",
                         failure.reason)
        self.assertEqual(("wants-missing", "nowhere>=2"), failure.chain)
        self.assertEqual((), failure.debian_packages)

    def test_pip_no_matching_distribution(self) -> None:
        failure = buildlog.analyse(
            log("pip-no-solution.log"), "pip 24.0", "3.11")
        self.assertEqual("nowhere>=2", failure.requirement)
        self.assertEqual("no matching distribution found", failure.reason)
        self.assertEqual(("wants-missing", "nowhere>=2"), failure.chain)

    def test_str_names_everything(self) -> None:
        failure = buildlog.analyse(
            log("pip-build-failure.log"), "pip 24.0", "3.11", "l.log")
        self.assertEqual(
            "Python 3.11 (pip 24.0): Broken_Ext==1.0 failed: build failed\n"
            "  pulled in by: needs-ext -> Broken_Ext==1.0\n"
            "  errors:\n"
            "    src/binding.c:3:10: fatal error: krb5.h: No such file or "
            "directory\n"
            "    error: command '/usr/bin/gcc' failed with exit code 1\n"
            "  missing system package? on Debian/Ubuntu: apt-get install "
            "libkrb5-dev\n"
            "  full log: l.log", str(failure))

    def test_as_dict(self) -> None:
        failure = buildlog.analyse(
            log("uv-no-solution.log"), "uv 0.9", "3.11", "l.log")
        data = failure.as_dict()
        self.assertEqual(["wants-missing", "nowhere>=2"], data["chain"])
        self.assertEqual("l.log", data["log"])

    def test_pip_from_versions_is_not_the_chain(self) -> None:
        # Modern pip ends the line with "(from versions: none)": a list of
        # candidates, not who asked; the Collecting line says that.
        text = (
            "Collecting omega (from -r gr.txt (line 1))\n"
            "Collecting nosuchpkg (from omega->-r gr.txt (line 1))\n"
            "ERROR: Could not find a version that satisfies the "
            "requirement nosuchpkg (from versions: none)\n"
            "ERROR: No matching distribution found for nosuchpkg\n"
        )
        failure = buildlog.analyse(text, "pip", "3.12")
        self.assertEqual("nosuchpkg", failure.requirement)
        self.assertEqual(("omega", "nosuchpkg"), failure.chain)

    def test_pip_conflict(self) -> None:
        text = (
            "Collecting a==1 (from -r r.txt (line 1))\n"
            "ERROR: Cannot install a==1 and b==1 because these package "
            "versions have conflicting dependencies.\n"
            "\n"
            "The conflict is caused by:\n"
            "    a 1 depends on c<2\n"
            "    b 1 depends on c>=2\n"
        )
        failure = buildlog.analyse(text, "pip", "3.12")
        self.assertTrue(failure.reason.startswith(
            "conflicting dependencies: Cannot install a==1 and b==1"))
        self.assertIn("a 1 depends on c<2", failure.error_lines)


class TestDebianPackages(base.TestCase):
    def check(self, line: str, expected: tuple[str, ...]) -> None:
        self.assertEqual(expected, buildlog.debian_packages([line]), line)

    def test_headers(self) -> None:
        self.check("x.c:1:10: fatal error: libvirt/libvirt.h: No such file "
                   "or directory", ("libvirt-dev",))
        self.check("fatal error: lber.h: No such file or directory",
                   ("libldap2-dev",))
        self.check("fatal error: sasl/sasl.h: No such file or directory",
                   ("libsasl2-dev",))
        self.check("fatal error: libxml/xmlversion.h: No such file or "
                   "directory", ("libxml2-dev",))
        self.check("fatal error: Python.h: No such file or directory",
                   ("python3-dev",))

    def test_linker(self) -> None:
        self.check("/usr/bin/ld: cannot find -lpq: No such file",
                   ("libpq-dev",))

    def test_pkg_config(self) -> None:
        self.check("Package libsystemd was not found in the pkg-config "
                   "search path.", ("libsystemd-dev",))

    def test_tools(self) -> None:
        self.check("OSError: mysql_config not found", ("libmariadb-dev",))
        self.check("/bin/sh: 1: krb5-config: not found", ("libkrb5-dev",))
        self.check("error: command 'swig' failed: No such file or "
                   "directory", ("swig",))
        self.check("Error: pg_config executable not found.", ("libpq-dev",))

    def test_unknown_is_silent(self) -> None:
        self.check("fatal error: frobnicate.h: No such file or directory",
                   ())
        self.check("error: command '/usr/bin/gcc' failed with exit code 1",
                   ())
