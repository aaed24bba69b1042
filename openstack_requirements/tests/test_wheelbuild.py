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

"""The mirror builder with real builds of tiny sdists (no internet).

The source index is a mirror directory made in the test and read
through file://; builds run with this interpreter, the machine's pip
and uv configuration neutralised (``PIP_CONFIG_FILE=/dev/null``).
"""

from __future__ import annotations

import os
import pathlib
import sys

import fixtures

from openstack_requirements import constraints
from openstack_requirements import interpreters
from openstack_requirements import mirror
from openstack_requirements import mirrordir
from openstack_requirements import reqfile
from openstack_requirements import simpleindex
from openstack_requirements import transport
from openstack_requirements import wheelbuild
from openstack_requirements.tests import base  # noqa: H306
from openstack_requirements.tests import localindex


class BuilderTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable(
            "PIP_CONFIG_FILE", os.devnull))
        self.useFixture(fixtures.EnvironmentVariable("PIP_CONSTRAINT"))
        src = self.make_dir()
        source = self.make_dir()
        published = mirrordir.MirrorDir(source)
        with published.locked():
            mirrordir.add_files([
                localindex.make_wheel(src, "alpha", "1.0"),
                localindex.make_sdist(src, "gamma", "3.0"),
                localindex.make_sdist(src, "broken", "1.0",
                                      fail=localindex.MISSING_HEADER),
                localindex.make_wheel(src, "app", "1.0", requires=[
                    "lib>=1", "unpinned-dep; python_version >= '3'",
                    "never; python_version < '3'"]),
                localindex.make_wheel(src, "lib", "2.0"),
            ], published)
            published.regenerate()
        self.url = pathlib.Path(source, "simple").as_uri()
        self.out = os.path.join(self.make_dir(), "mirror")
        self.target = mirrordir.MirrorDir(self.out)
        env = interpreters.clean_env(os.environ)
        self.interpreter = interpreters.probe(
            sys.executable, env, need_tags=True)
        self.builder = wheelbuild.Builder(
            self.target, simpleindex.Client(
                self.url, transport.Transport(retries=0, backoff=0)),
            interpreters.Installer.UV, env)

    def pins(self, text: str) -> list[constraints.Pin]:
        return constraints.pins(reqfile.parse(text, "uc.txt"))

    def run_pins(self, text: str) -> list[wheelbuild.Outcome]:
        pins = self.pins(text)
        with self.target.locked():
            return sorted(
                self.builder.run(mirror.plan(pins, [self.interpreter]), 2),
                key=lambda o: o.pin.lineno)


class TestRun(BuilderTestCase):
    def test_builds_a_tiny_sdist_into_the_mirror(self) -> None:
        [outcome] = self.run_pins("gamma===3.0\n")
        self.assertEqual(
            (wheelbuild.Status.BUILT, "gamma-3.0-py3-none-any.whl"),
            (outcome.status, outcome.filename))
        self.assertEqual(
            ["gamma-3.0-py3-none-any.whl",
             "gamma-3.0-py3-none-any.whl.metadata", "gamma-3.0.tar.gz"],
            sorted(os.listdir(os.path.join(self.out, "packages"))))
        self.assertEqual([], mirrordir.verify_mirror(self.out))

    def test_downloads_a_wheel_then_finds_it_present(self) -> None:
        [outcome] = self.run_pins("alpha===1.0\n")
        self.assertEqual(wheelbuild.Status.DOWNLOADED, outcome.status)
        [outcome] = self.run_pins("alpha===1.0\n")
        self.assertEqual(
            (wheelbuild.Status.PRESENT, "alpha-1.0-py3-none-any.whl"),
            (outcome.status, outcome.filename))

    def test_pin_with_no_file(self) -> None:
        nowhere, other_version = self.run_pins(
            "nowhere===1.0\nalpha===2.0\n")
        self.assertEqual(
            (wheelbuild.Status.MISSING, f"nowhere is not on {self.url}/"),
            (nowhere.status, nowhere.message))
        self.assertEqual(
            (wheelbuild.Status.MISSING, "no file of version 2.0"),
            (other_version.status, other_version.message))
        self.assertEqual([], os.listdir(os.path.join(self.out, "packages")))

    def test_failed_build_keeps_the_sdist_and_its_errors(self) -> None:
        [outcome] = self.run_pins("broken===1.0\n")
        self.assertEqual(wheelbuild.Status.FAILED, outcome.status)
        self.assertTrue(outcome.message.startswith("uv build exited "),
                        outcome.message)
        self.assertIn("fatal error: foo.h: No such file or directory",
                      outcome.lines)
        self.assertEqual(["broken-1.0.tar.gz"],
                         os.listdir(os.path.join(self.out, "packages")))


class TestClosure(BuilderTestCase):
    def test_summary_of_unpinned_dependencies(self) -> None:
        pins = self.pins("app===1.0\nlib===2.0\n")
        roots = [[("app", ()), ("stray", ())]]
        with self.target.locked():
            outcomes, unpinned = self.builder.closure(
                pins, [self.interpreter], roots, 2)
        self.assertEqual(
            [("app", wheelbuild.Status.DOWNLOADED),
             ("lib", wheelbuild.Status.DOWNLOADED)],
            sorted((o.pin.name, o.status) for o in outcomes))
        self.assertEqual(
            [(None, "stray"), ("app===1.0", "unpinned-dep")],
            [(None if u.requirer is None else str(u.requirer), u.name)
             for u in unpinned])
        self.assertEqual([self.interpreter] * 2,
                         [u.interpreter for u in unpinned])


class TestBuildCommand(base.TestCase):
    def test_uv_build_has_no_config(self) -> None:
        command = wheelbuild.build_command(
            interpreters.Installer.UV, "py", "s.tar.gz", "out", "http://i/",
            "/bin/uv")
        self.assertEqual(("/bin/uv", "build"), command[:2])
        self.assertIn("--no-config", command)

    def test_pip_wheel_is_isolated(self) -> None:
        command = wheelbuild.build_command(
            interpreters.Installer.PIP, "py", "s.tar.gz", "out", "http://i/")
        self.assertEqual(("py", "-m", "pip", "wheel", "--no-deps"),
                         command[:5])
        self.assertIn("--isolated", command)
        self.assertEqual(("--index-url", "http://i/"),
                         command[command.index("--index-url"):][:2])
