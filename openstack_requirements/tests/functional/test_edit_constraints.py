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

"""edit-constraints end to end, with concurrent real processes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from openstack_requirements.cmds import edit_constraint
from openstack_requirements.tests import base

UPPER = "# pins\nfoo===1.0\noslo.db===16.0.0\nbar===2.0\n"
RUN = (
    "import sys\n"
    "from openstack_requirements.cmds.edit_constraint import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


class TestEditConstraints(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.path = self.write(self.dir, "upper-constraints.txt", UPPER)

    def run_edit(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(edit_constraint.main, argv)

    def assertUntouched(self) -> None:
        self.assertEqual(UPPER, base.read(self.path))
        self.assertEqual(["upper-constraints.txt"], os.listdir(self.dir))

    def test_replace_with_devstack_line_keeps_mode(self) -> None:
        os.chmod(self.path, 0o640)
        code, out, err = self.run_edit(
            self.path, "oslo_db", "-e file:///opt/stack/oslo.db#egg=oslo.db")
        self.assertEqual((0, f"{self.path}: oslo_db replaced\n", ""),
                         (code, out, err))
        self.assertEqual(
            "# pins\nfoo===1.0\n-e file:///opt/stack/oslo.db#egg=oslo.db\n"
            "bar===2.0\n", base.read(self.path))
        self.assertEqual(0o640, stat.S_IMODE(os.stat(self.path).st_mode))
        self.assertEqual(["upper-constraints.txt"], os.listdir(self.dir))

    def test_add_and_remove(self) -> None:
        self.assertEqual(0, self.run_edit(self.path, "baz", "baz===3")[0])
        self.assertEqual(0, self.run_edit(self.path, "foo")[0])
        self.assertEqual("# pins\noslo.db===16.0.0\nbar===2.0\nbaz===3\n",
                         base.read(self.path))

    def test_unchanged_file_keeps_mtime(self) -> None:
        os.utime(self.path, (1_000_000, 1_000_000))
        code, out, _ = self.run_edit(self.path, "foo", "foo===1.0")
        self.assertEqual((0, f"{self.path}: foo unchanged\n"), (code, out))
        self.assertEqual(1_000_000, os.stat(self.path).st_mtime)

    def test_error_bad_replacement_leaves_file(self) -> None:
        code, out, err = self.run_edit(self.path, "foo", "bar===1")
        self.assertEqual((2, ""), (code, out))
        self.assertEqual("REPLACEMENT:1: the replacement is for bar, not "
                         "foo; edit one name at a time\n    bar===1\n", err)
        self.assertUntouched()

    def test_error_bad_name(self) -> None:
        code, out, err = self.run_edit(self.path, "foo bar", "")
        self.assertEqual(2, code)
        self.assertIn("'foo bar' is not a distribution name", err)
        self.assertUntouched()

    def test_error_malformed_line_leaves_file(self) -> None:
        bad = UPPER + "baz=>1\n"
        self.write(self.dir, "upper-constraints.txt", bad)
        code, out, err = self.run_edit(self.path, "foo", "foo===2")
        self.assertEqual(2, code)
        self.assertEqual(f"{self.path}:5: invalid version specifier '=>1'"
                         "\n    baz=>1\n", err)
        self.assertEqual(bad, base.read(self.path))

    def test_error_not_utf8_leaves_file(self) -> None:
        with open(self.path, "wb") as f:
            f.write(b"foo===1\n\xfe\n")
        code, out, err = self.run_edit(self.path, "foo", "foo===2")
        self.assertEqual(2, code)
        self.assertIn(f"{self.path}:2: byte 0xfe at column 1 is not UTF-8",
                      err)
        with open(self.path, "rb") as f:
            self.assertEqual(b"foo===1\n\xfe\n", f.read())

    def test_error_missing_file(self) -> None:
        missing = os.path.join(self.dir, "nope.txt")
        code, out, err = self.run_edit(missing, "foo", "foo===2")
        self.assertEqual((2, f"{missing}: no such file; check the path\n"),
                         (code, err))
        self.assertFalse(os.path.exists(missing))

    def test_error_directory(self) -> None:
        code, out, err = self.run_edit(self.dir, "foo", "foo===2")
        self.assertEqual(2, code)
        self.assertEqual(f"{self.dir}: is a directory; expected a regular "
                         "file\n", err)

    def test_concurrent_processes_all_take_effect(self) -> None:
        # Real processes started together; without the lock some of the
        # read-modify-write cycles would overwrite each other.
        names = [f"pkg{i}" for i in range(12)]
        env = self.child_env()
        cwd = self.make_dir()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", RUN, self.path, name,
                 f"{name}===1.{i}"],
                env=env, cwd=cwd, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE)
            for i, name in enumerate(names)
        ]
        procs.append(subprocess.Popen(
            [sys.executable, "-c", RUN, self.path, "foo"], env=env, cwd=cwd,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            self.assertEqual(0, proc.returncode, err)
        lines = base.read(self.path).splitlines()
        self.assertEqual(["# pins", "oslo.db===16.0.0", "bar===2.0"],
                         lines[:3])
        self.assertEqual(sorted(f"{n}===1.{i}" for i, n in enumerate(names)),
                         sorted(lines[3:]))
        self.assertEqual(["upper-constraints.txt"], os.listdir(self.dir))

    def test_shipped_constraints_only_the_line_changes(self) -> None:
        shipped = base.read(base.repo_file("upper-constraints.txt"))
        self.write(self.dir, "upper-constraints.txt", shipped)
        code, out, err = self.run_edit(
            self.path, "oslo_config",
            "-e file:///opt/stack/oslo.config#egg=oslo.config")
        self.assertEqual((0, ""), (code, err))
        new = base.read(self.path)
        self.assertEqual(
            shipped.replace("oslo.config===10.7.0\n",
                            "-e file:///opt/stack/oslo.config"
                            "#egg=oslo.config\n"), new)
        self.assertNotEqual(shipped, new)
