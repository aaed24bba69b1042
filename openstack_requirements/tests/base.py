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

"""Shared test helpers: TestCase, paths to data, temp projects."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
import io
import json
import os
import sys

import fixtures
import testtools

from openstack_requirements import releases

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
FILES_DIR = os.path.join(TESTS_DIR, "files")
PACKAGE_DIR = os.path.dirname(TESTS_DIR)
REPO_DIR = os.path.dirname(PACKAGE_DIR)
# The read-only reference lists beside the checkout, where they exist.
REFERENCE_DIR = os.path.join(os.path.dirname(REPO_DIR), "shared", "reference")


def repo_file(name: str) -> str:
    return os.path.join(REPO_DIR, name)


def read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


class TestCase(testtools.TestCase):
    """testtools TestCase with a temp dir and an in-process CLI runner."""

    def make_dir(self) -> str:
        return self.useFixture(fixtures.TempDir()).path

    def write(self, directory: str, name: str, text: str) -> str:
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def child_env(self, **overrides: str) -> dict[str, str]:
        """The environment for a child Python that runs this checkout.

        It imports this checkout's package and sees its shipped lists, and
        nothing else of the checkout: PYTHONPATH names a directory holding
        only links to the package and to the top-level ``*.txt`` lists, so
        an ``.egg-info`` that ``pip install .`` left at the top of the
        checkout is not installed as far as the child can see.  Run the
        child with ``cwd=self.make_dir()``, never in the checkout: ``-c``
        and ``-m`` put the working directory on ``sys.path``.
        """
        libs = self.make_dir()
        os.symlink(PACKAGE_DIR, os.path.join(libs, "openstack_requirements"))
        for name in os.listdir(REPO_DIR):
            if name.endswith(".txt"):
                os.symlink(os.path.join(REPO_DIR, name),
                           os.path.join(libs, name))
        env = dict(os.environ, PYTHONPATH=libs)
        env.update(overrides)
        return env

    def run_main(
        self,
        main: Callable[..., int],
        argv: Sequence[str],
    ) -> tuple[int, str, str]:
        """Call a console script's main in process: (code, stdout, stderr)."""
        out = io.StringIO()
        err = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch("sys.stderr", err))
        code = main(list(argv), stdout=out)
        return code, out.getvalue(), err.getvalue()


def load_project(name: str) -> releases.Project:
    """A recorded JSON-API document of tests/files/review, parsed."""
    path = os.path.join(FILES_DIR, "review", name + ".json")
    with open(path, encoding="utf-8") as f:
        return releases.parse_project(json.load(f), path)


def inline_project(**info: object) -> releases.Project:
    """A project from an inline JSON document (info fields only)."""
    return releases.parse_project({"info": info, "releases": {}}, "inline")


def skip_unless_reference(case: testtools.TestCase) -> None:
    if not os.path.isdir(REFERENCE_DIR):
        case.skipTest(f"reference lists not found at {REFERENCE_DIR}")


PYTHON = sys.executable
