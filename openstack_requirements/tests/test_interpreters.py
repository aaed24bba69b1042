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

"""Interpreters: the clean environment, probing, uv."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys

from packaging import markers
from packaging import tags

from openstack_requirements import errors
from openstack_requirements import interpreters
from openstack_requirements.tests import base


class TestCleanEnv(base.TestCase):
    def test_user_configuration_is_dropped(self) -> None:
        env = interpreters.clean_env({
            "PATH": "/usr/bin", "HOME": "/root",
            "HTTPS_PROXY": "http://proxy:3128",
            "PIP_CONSTRAINT": "/etc/c.txt", "PIP_FIND_LINKS": "/opt/w",
            "PIP_INDEX_URL": "http://mirror", "PIP_CACHE_DIR": "/c/pip",
            "UV_INDEX_URL": "http://mirror", "UV_CONSTRAINT": "/etc/c.txt",
            "UV_CACHE_DIR": "/c/uv", "VIRTUAL_ENV": "/venv",
            "PYTHONPATH": "/lib", "FORCE_COLOR": "1", "CLICOLOR_FORCE": "1",
        })
        self.assertEqual({
            "PATH": "/usr/bin", "HOME": "/root",
            "HTTPS_PROXY": "http://proxy:3128",
            "PIP_CACHE_DIR": "/c/pip", "UV_CACHE_DIR": "/c/uv",
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1",
            "UV_NO_CONFIG": "1", "UV_PYTHON_DOWNLOADS": "never",
            "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
            "NO_COLOR": "1",
        }, env)


class TestProbe(base.TestCase):
    def test_this_interpreter(self) -> None:
        found = interpreters.probe(sys.executable, os.environ)
        self.assertEqual("{}.{}".format(*sys.version_info[:2]),
                         found.python_version)
        self.assertEqual(sys.platform, found.platform.split()[0])

    def test_reports_everything_both_stacks_need(self) -> None:
        # One probe for generate-constraints and the wheel mirror: its
        # versions and platform, marker environment and wheel tags.
        found = interpreters.probe(sys.executable, os.environ)
        self.assertEqual(platform.python_version(), found.python_full)
        self.assertEqual(sys.implementation.name, found.implementation)
        self.assertEqual(f"{sys.platform} {platform.machine()}",
                         found.platform)
        self.assertEqual(
            {key: str(value) for key, value in
             markers.default_environment().items()}, found.env)
        self.assertEqual(tuple(str(t) for t in tags.sys_tags()), found.tags)
        self.assertEqual(shutil.which(sys.executable), found.path)

    def without_packaging(self) -> str:
        # This interpreter, with neither site-packages nor our packaging:
        # as an interpreter too old for our packaging behaves.
        fake = self.write(self.make_dir(), "python3", (
            f"#!/bin/sh\nexec {sys.executable} -S \"$1\" \"$2\" \"$3\" "
            "/nonexistent\n"))
        os.chmod(fake, 0o755)
        return fake

    def test_versions_without_packaging(self) -> None:
        # generate-constraints needs no tags: such an interpreter works.
        found = interpreters.probe(self.without_packaging(), os.environ)
        self.assertEqual("{}.{}".format(*sys.version_info[:2]),
                         found.python_version)
        self.assertEqual(({}, ()), (found.env, found.tags))

    def test_error_tags_needed(self) -> None:
        fake = self.without_packaging()
        exc = self.assertRaises(
            errors.InputError, interpreters.probe, fake, os.environ,
            need_tags=True)
        self.assertEqual(
            f"the interpreter {fake!r} ({fake}) failed to report its tags "
            "(Python 3.9 or newer is needed): ModuleNotFoundError: No "
            "module named 'packaging'", str(exc))

    def test_error_missing_path(self) -> None:
        missing = os.path.join(self.make_dir(), "python9")
        exc = self.assertRaises(
            errors.InputError, interpreters.probe, missing, os.environ)
        self.assertEqual(
            f"cannot run the interpreter {missing!r}: no such executable "
            "file; give a path or a name on PATH (e.g. -p python3.12)",
            str(exc))

    def test_error_no_report(self) -> None:
        # Runs, exits 0, but prints no report: an interpreter too old
        # for the probe, or not Python at all.
        fake = self.write(self.make_dir(), "python3.99",
                          "#!/bin/sh\necho hello\n")
        os.chmod(fake, 0o755)
        exc = self.assertRaises(
            errors.InputError, interpreters.probe, fake, os.environ)
        self.assertEqual(
            f"interpreter {fake!r} ({fake}) is not a working Python 3 "
            "(exit status 0): no output\n"
            "Give -p the path of a Python 3 interpreter: the interpreter "
            f"{fake!r} failed to report its tags (Python 3.9 or newer is "
            "needed)", str(exc))

    def test_error_not_found(self) -> None:
        exc = self.assertRaises(
            errors.InputError, interpreters.probe, "no-such-python",
            os.environ)
        self.assertEqual(
            "interpreter 'no-such-python' not found; give a path or a "
            "name on PATH (e.g. -p python3.12)", str(exc))

    def test_error_not_python(self) -> None:
        exc = self.assertRaises(
            errors.InputError, interpreters.probe, "false", os.environ)
        self.assertIn("is not a working Python 3", str(exc))

    def test_error_pyenv_shim_names_what_it_said_and_the_way_out(self) -> None:
        # What a pyenv shim does for a version pyenv does not select.
        shims = os.path.join(self.make_dir(), ".pyenv", "shims")
        os.makedirs(shims)
        shim = self.write(shims, "python3.99", (
            "#!/bin/sh\ncat >&2 <<'EOF'\n"
            "pyenv: python3.99: command not found\n\n"
            "The `python3.99' command exists in these Python versions:\n"
            "  3.99.1\nEOF\nexit 127\n"))
        os.chmod(shim, 0o755)
        exc = self.assertRaises(errors.InputError, interpreters.probe, shim,
                                os.environ)
        self.assertEqual(
            f"interpreter '{shim}' ({shim}) is not a working Python 3 "
            "(exit status 127):\n"
            "    pyenv: python3.99: command not found\n"
            "    The `python3.99' command exists in these Python versions:\n"
            "      3.99.1\n"
            "That is a pyenv shim, which runs only the versions pyenv "
            "selects: give the interpreter's own path, e.g. -p "
            "\"$(pyenv prefix X.Y.Z)/bin/python3.99\"", str(exc))


class TestUv(base.TestCase):
    def test_version_without_running_uv_matches_uv(self) -> None:
        found = interpreters.find_uv(os.environ)
        out = subprocess.run([found.path, "--version"], check=True,
                             capture_output=True, text=True).stdout
        self.assertEqual(" ".join(out.split()[:2]), found.version)

    def test_connections_shared_by_parallel_processes(self) -> None:
        self.assertEqual({"UV_CONCURRENT_DOWNLOADS": "20"},
                         interpreters.uv_connections(1))
        self.assertEqual({"UV_CONCURRENT_DOWNLOADS": "10"},
                         interpreters.uv_connections(2))
        self.assertEqual({"UV_CONCURRENT_DOWNLOADS": "5"},
                         interpreters.uv_connections(4))
        self.assertEqual({"UV_CONCURRENT_DOWNLOADS": "2"},
                         interpreters.uv_connections(64))
