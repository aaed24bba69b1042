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

"""project: reading a project's requirement files."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap

from openstack_requirements import errors
from openstack_requirements import project
from openstack_requirements import reqfile
from openstack_requirements.tests import base

TREE = os.path.join(base.FILES_DIR, "update", "tree", "in")
SKIPPED = (reqfile.Kind.BLANK, reqfile.Kind.COMMENT)


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
            f"{path}: is not a directory; give the project's top directory",
            str(exc))


SETUP_CFG = """\
[metadata]
name = sample

[extras]
# a comment
mysql = PyMySQL>=1.0  # MIT
db =
  oslo.db>=12.0.0  # Apache-2.0

  SQLAlchemy>=2.0:python_version>='3.10'
[files]
packages = sample
"""

PYPROJECT = """\
[build-system]
requires = ["pbr>=6.0.0"]
build-backend = "pbr.build"

[project]
name = "sample"
dependencies = [
    "six>=1.0",
    'requests>=2.0',
]

[project.optional-dependencies]
test = ["fixtures>=4.0"]

[dependency-groups]
docs = ["sphinx>=5"]
all = [
    {include-group = "docs"},
    "reno>=4",
]
"""


def summary(proj: project.Project) -> list[tuple[str, ...]]:
    return [(s.title,) + tuple(f"{ln.lineno}:{ln.name}"
                               for ln in s.lines.lines
                               if ln.kind not in SKIPPED)
            for s in proj.sections()]


class TestFromTexts(base.TestCase):
    def parse_error(self, rel: str, text: str) -> errors.ParseError:
        exc: errors.ParseError = self.assertRaises(
            errors.ParseError, project.from_texts, {rel: text})
        return exc

    def test_requirement_files_in_order(self) -> None:
        proj = project.from_texts({
            "tools/test-requires": "a>=1\n",
            "requirements.txt": "# c\n\nb>=1\n-r x.txt\n",
            "driver-requirements.txt": "c\n",
        })
        self.assertEqual(
            [("requirements.txt", "3:b", "4:None"),
             ("driver-requirements.txt", "1:c"),
             ("tools/test-requires", "1:a")], summary(proj))

    def test_setup_cfg_extras_with_line_numbers(self) -> None:
        proj = project.from_texts({"setup.cfg": SETUP_CFG}, "p")
        self.assertEqual(
            [("p/setup.cfg [extras] mysql", "6:pymysql"),
             ("p/setup.cfg [extras] db", "8:oslo-db", "10:sqlalchemy")],
            summary(proj))
        legacy = list(proj.sections()[1].lines.requirements())[1].req
        assert legacy is not None
        self.assertEqual("python_version>='3.10'", legacy.marker)

    def test_setup_cfg_without_extras(self) -> None:
        proj = project.from_texts({"setup.cfg": "[metadata]\nname = x\n"})
        self.assertEqual([], summary(proj))

    def test_pyproject_tables_with_line_numbers(self) -> None:
        proj = project.from_texts({"pyproject.toml": PYPROJECT})
        self.assertEqual(
            [("pyproject.toml [project] dependencies", "8:six",
              "9:requests"),
             ("pyproject.toml [project.optional-dependencies] test",
              "13:fixtures"),
             ("pyproject.toml [dependency-groups] docs", "16:sphinx"),
             ("pyproject.toml [dependency-groups] all", "19:reno")],
            summary(proj))
        self.assertEqual((("docs", 18),), proj.sections()[3].includes)
        self.assertEqual(project.BuildSystem(1, "pbr.build",
                                             ("pbr>=6.0.0",)),
                         proj.build_system)

    def test_pyproject_without_build_system(self) -> None:
        proj = project.from_texts({"pyproject.toml": "[tool.x]\ny = 1\n"})
        self.assertEqual("pyproject.toml", proj.pyproject)
        self.assertIsNone(proj.build_system)

    def test_error_bad_toml(self) -> None:
        exc = self.parse_error("pyproject.toml",
                               "[project]\ndependencies = [\"a\"\n")
        self.assertEqual(
            "pyproject.toml:2: invalid TOML: unexpected end of file; fix "
            "the syntax\n    dependencies = [\"a\"", str(exc))

    def test_error_dependencies_not_a_list(self) -> None:
        exc = self.parse_error("pyproject.toml", "[project]\nname = 'x'\n"
                               "dependencies = 'six'\n")
        self.assertEqual(
            "pyproject.toml:3: [project] dependencies must be an array of "
            "requirement strings", str(exc))

    def test_error_bad_group_entry(self) -> None:
        exc = self.parse_error("pyproject.toml",
                               "[dependency-groups]\nx = [1]\n")
        self.assertEqual(("pyproject.toml", 2), (exc.source, exc.lineno))
        self.assertIn("PEP 735", exc.msg)

    def test_error_setup_cfg_not_ini(self) -> None:
        exc = self.parse_error("setup.cfg", "extras =\n  six\n")
        self.assertEqual(
            "setup.cfg:1: expected a [section] header first; this is not "
            "an INI file\n    extras =", str(exc))

    def test_error_setup_cfg_duplicate_option(self) -> None:
        exc = self.parse_error("setup.cfg", "[extras]\na = six\na = six\n")
        self.assertEqual(("setup.cfg", 3), (exc.source, exc.lineno))


class TestReadFromDisk(base.TestCase):
    def test_reads_files_on_disk(self) -> None:
        root = self.make_dir()
        self.write(root, "doc/requirements.txt", "sphinx>=5\n")
        self.write(root, "pyproject.toml", PYPROJECT)
        proj = project.read(root)
        self.assertEqual(os.path.join(root, "doc/requirements.txt"),
                         proj.sections()[0].source)
        self.assertEqual(5, len(proj.sections()))

    def test_error_missing_root(self) -> None:
        root = os.path.join(self.make_dir(), "nope")
        exc = self.assertRaises(errors.InputError, project.read, root)
        self.assertEqual(
            f"{root}: no such directory; give the project's top directory",
            str(exc))

    def test_error_root_is_a_file(self) -> None:
        path = self.write(self.make_dir(), "f", "")
        exc = self.assertRaises(errors.InputError, project.read, path)
        self.assertIn("is not a directory", str(exc))

    def test_error_directory_instead_of_file(self) -> None:
        root = self.make_dir()
        os.mkdir(os.path.join(root, "requirements.txt"))
        exc = self.assertRaises(errors.InputError, project.read, root)
        self.assertEqual(
            f"{root}/requirements.txt: is a directory; expected a regular "
            "file", str(exc))

    def test_error_not_utf8(self) -> None:
        root = self.make_dir()
        with open(os.path.join(root, "setup.cfg"), "wb") as f:
            f.write(b"[extras]\nx =\n  caf\xe9\n")
        exc = self.assertRaises(errors.ParseError, project.read, root)
        self.assertEqual((f"{root}/setup.cfg", 3),
                         (exc.source, exc.lineno))
        self.assertIn("not UTF-8", exc.msg)


class TestReadGit(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        if shutil.which("git") is None:
            self.skipTest("git is not installed")

    def git(self, root: str, *args: str) -> None:
        env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=root,
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                   GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@example.com")
        subprocess.run(["git", "-C", root, *args], check=True, env=env,
                       capture_output=True)

    def test_committed_files_not_the_working_tree(self) -> None:
        root = self.make_dir()
        self.git(root, "init", "-q")
        self.write(root, "requirements.txt", "six>=1\n")
        self.write(root, "setup.cfg", textwrap.dedent("""\
            [extras]
            a = requests>=2
            """))
        self.git(root, "add", "-A")
        self.git(root, "commit", "-q", "-m", "c")
        self.write(root, "requirements.txt", "changed>=1\n")
        self.write(root, "test-requirements.txt", "untracked>=1\n")
        committed = project.read(root, commit="HEAD")
        self.assertEqual(["six", "requests"],
                         [e.line.name for e in committed.requirements()])
        on_disk = project.read(root)
        self.assertEqual(["changed", "untracked", "requests"],
                         [e.line.name for e in on_disk.requirements()])

    def test_error_not_a_git_checkout(self) -> None:
        root = self.make_dir()
        exc = self.assertRaises(errors.ToolError, project.read, root,
                                commit="HEAD")
        self.assertIn("git failed; drop --commit", str(exc))
