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

from __future__ import annotations

import os
import shutil

from openstack_requirements import errors
from openstack_requirements import project
from openstack_requirements.tests import base

TREE = os.path.join(base.FILES_DIR, "update", "tree", "in")


class TestRead(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = os.path.join(self.make_dir(), "alpha")
        shutil.copytree(TREE, self.root)

    def test_every_file_kind(self) -> None:
        proj = project.read(self.root)
        self.assertEqual([
            "requirements.txt", "test-requirements.txt",
            "doc/requirements.txt", "driver-requirements.txt",
            "tools/test-requires", "setup.cfg", "pyproject.toml",
        ], list(proj.files))
        self.assertEqual((), proj.skipped)
        self.assertEqual([
            "requirements.txt", "test-requirements.txt",
            "doc/requirements.txt", "driver-requirements.txt",
            "tools/test-requires", "setup.cfg [extras.mysql]",
            "setup.cfg [extras.db]", "setup.cfg [extras.net]",
            "pyproject.toml [project.dependencies]",
            "pyproject.toml [project.optional-dependencies.mysql]",
            "pyproject.toml [dependency-groups.test]",
            "pyproject.toml [dependency-groups.docs]",
        ], [section.label for section in proj.sections()])

    def test_requirements_with_file_and_line(self) -> None:
        entries = project.read(self.root).requirements()
        found = [(e.file, e.section, e.lineno, e.req.name)
                 for e in entries if e.req is not None]
        self.assertIn(("requirements.txt", "", 7, "oslo.db"), found)
        self.assertIn(("requirements.txt", "", 9, "six"), found)  # -e
        self.assertIn(("setup.cfg", "extras.db", 15, "requests"), found)
        self.assertIn(("setup.cfg", "extras.net", 16, "pyroute2"), found)
        self.assertIn(("pyproject.toml", "project.dependencies", 11,
                       "oslo.config"), found)
        self.assertIn(("pyproject.toml", "dependency-groups.docs", 24,
                       "sphinx"), found)
        self.assertEqual(28, len(found))

    def test_missing_files_are_skipped(self) -> None:
        root = self.make_dir()
        self.write(root, "requirements.txt", "six\n")
        proj = project.read(root)
        self.assertEqual(["requirements.txt"], list(proj.files))

    def test_never_runs_setup_py(self) -> None:
        marker = os.path.join(self.root, "ran")
        self.write(self.root, "setup.py",
                   f"open({marker!r}, 'w').close()\n")
        project.read(self.root)
        self.assertFalse(os.path.exists(marker))

    def test_symlink_outside_is_skipped(self) -> None:
        outside = self.write(self.make_dir(), "r.txt", "six\n")
        path = os.path.join(self.root, "driver-requirements.txt")
        os.unlink(path)
        os.symlink(outside, path)
        proj = project.read(self.root)
        self.assertNotIn("driver-requirements.txt", proj.files)
        self.assertEqual(["symlink-outside"],
                         [f.code for f in proj.skipped])

    def test_error_not_a_directory(self) -> None:
        path = self.write(self.make_dir(), "file", "")
        exc = self.assertRaises(errors.InputError, project.read, path)
        self.assertEqual(
            f"{path}: not a directory; pass the top directory of a project",
            str(exc))
