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

import os
import stat
import threading

from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements.tests import base


class TestReadText(base.TestCase):
    def test_keeps_crlf(self) -> None:
        path = self.write(self.make_dir(), "r.txt", "a\r\nb")
        self.assertEqual("a\r\nb", fileio.read_text(path))

    def test_error_not_utf8_names_line(self) -> None:
        path = os.path.join(self.make_dir(), "r.txt")
        with open(path, "wb") as f:
            f.write(b"foo\n# caf\xe9 comment\nbar\n")
        exc = self.assertRaises(errors.ParseError, fileio.read_text, path)
        self.assertEqual(
            f"{path}:2: byte 0xe9 at column 6 is not UTF-8; save the file "
            "as UTF-8\n    # caf\\xe9 comment",
            str(exc))

    def test_error_missing(self) -> None:
        path = os.path.join(self.make_dir(), "nope.txt")
        exc = self.assertRaises(errors.InputError, fileio.read_text, path)
        self.assertEqual(f"{path}: no such file; check the path", str(exc))

    def test_error_directory(self) -> None:
        path = self.make_dir()
        exc = self.assertRaises(errors.InputError, fileio.read_text, path)
        self.assertEqual(f"{path}: is a directory; expected a regular file",
                         str(exc))

    def test_error_fifo_is_refused_without_waiting(self) -> None:
        path = os.path.join(self.make_dir(), "fifo")
        os.mkfifo(path)
        result: list[BaseException] = []

        def read() -> None:
            try:
                fileio.read_text(path)
            except errors.InputError as exc:
                result.append(exc)

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        thread.join(10)  # a blocking open would hang here for ever
        self.assertFalse(thread.is_alive(), "read_text waited on a FIFO")
        self.assertEqual(f"{path}: is a FIFO; expected a regular file",
                         str(result[0]))

    def test_error_device(self) -> None:
        exc = self.assertRaises(errors.InputError, fileio.read_text,
                                "/dev/null")
        self.assertEqual("/dev/null: is a device; expected a regular file",
                         str(exc))


class TestAtomicWrite(base.TestCase):
    def test_keeps_mode_and_leaves_no_temp(self) -> None:
        d = self.make_dir()
        path = self.write(d, "r.txt", "old\n")
        os.chmod(path, 0o640)
        self.assertTrue(fileio.atomic_write(path, "new\r\n"))
        self.assertEqual("new\r\n", base.read(path))
        self.assertEqual(0o640, stat.S_IMODE(os.stat(path).st_mode))
        self.assertEqual(["r.txt"], os.listdir(d))

    def test_unchanged_file_is_not_rewritten(self) -> None:
        path = self.write(self.make_dir(), "r.txt", "same\n")
        os.utime(path, (1000, 1000))
        self.assertFalse(fileio.atomic_write(path, "same\n"))
        self.assertEqual(1000, os.stat(path).st_mtime)

    def test_new_file_gets_umask_mode(self) -> None:
        path = os.path.join(self.make_dir(), "n.txt")
        old = os.umask(0o022)
        try:
            fileio.atomic_write(path, "x")
        finally:
            os.umask(old)
        self.assertEqual(0o644, stat.S_IMODE(os.stat(path).st_mode))

    def test_symlink_is_kept(self) -> None:
        d = self.make_dir()
        target = self.write(d, "real.txt", "a\n")
        link = os.path.join(d, "link.txt")
        os.symlink("real.txt", link)
        fileio.atomic_write(link, "b\n")
        self.assertTrue(os.path.islink(link))
        self.assertEqual("b\n", base.read(target))

    def test_error_unwritable_directory_leaves_file(self) -> None:
        if os.geteuid() == 0:
            self.skipTest("root ignores directory permissions")
        d = self.make_dir()
        path = self.write(d, "r.txt", "old\n")
        os.chmod(d, 0o500)
        self.addCleanup(os.chmod, d, 0o700)
        self.assertRaises(errors.InputError, fileio.atomic_write, path, "x")
        self.assertEqual("old\n", base.read(path))

    def null_device(self) -> str:
        """A character device that discards what is written to it.

        Root gets one of its own in a temp dir, so that a regression
        cannot replace the machine's /dev/null; others use /dev/null,
        whose directory they cannot write to.
        """
        if os.geteuid() != 0:
            return "/dev/null"
        path = os.path.join(self.make_dir(), "null")
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        return path

    def test_character_device_is_written_into_not_replaced(self) -> None:
        # "-o /dev/null" once put a regular file in place of /dev/null.
        device = self.null_device()
        before = os.stat(device)
        self.assertTrue(fileio.atomic_write(device, "a===1\n"))
        after = os.stat(device)
        self.assertTrue(stat.S_ISCHR(after.st_mode))
        self.assertEqual((before.st_ino, before.st_rdev),
                         (after.st_ino, after.st_rdev))
        self.assertEqual(
            [os.path.basename(device)],
            [n for n in os.listdir(os.path.dirname(device))
             if n.startswith((".null", "null"))])

    def test_fifo_is_written_into(self) -> None:
        fifo = os.path.join(self.make_dir(), "pipe")
        os.mkfifo(fifo)
        got: list[bytes] = []

        def read() -> None:
            with open(fifo, "rb") as f:
                got.append(f.read())

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        fileio.atomic_write(fifo, "a===1\n")
        thread.join(10)
        self.assertEqual([b"a===1\n"], got)
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))

    def test_error_directory(self) -> None:
        d = self.make_dir()
        exc = self.assertRaises(errors.InputError, fileio.atomic_write,
                                d, "x")
        self.assertEqual(f"{d}: is a directory; give the path of a "
                         "regular file to write", str(exc))
        self.assertEqual([], os.listdir(d))


class TestRequireParentDir(base.TestCase):
    def test_existing_directory_or_nothing_to_write(self) -> None:
        fileio.require_parent_dir(os.path.join(self.make_dir(), "new.txt"))
        fileio.require_parent_dir(None)
        fileio.require_parent_dir("")

    def test_error_missing_directory(self) -> None:
        path = os.path.join(self.make_dir(), "missing", "new.txt")
        exc = self.assertRaises(errors.InputError,
                                fileio.require_parent_dir, path)
        self.assertEqual(
            f"{path}: the directory to write into does not exist", str(exc))


class TestLocked(base.TestCase):
    def test_no_lock_file_left(self) -> None:
        d = self.make_dir()
        path = self.write(d, "u.txt", "a===1\n")
        with fileio.locked(path):
            fileio.atomic_write(path, "a===2\n")
        self.assertEqual(["u.txt"], os.listdir(d))

    def test_error_missing(self) -> None:
        path = os.path.join(self.make_dir(), "none.txt")
        self.assertRaises(errors.InputError,
                          fileio.locked(path).__enter__)


class TestWriteAll(base.TestCase):
    def test_writes_every_file_and_keeps_modes(self) -> None:
        d = self.make_dir()
        a = self.write(d, "a.txt", "old a\n")
        os.chmod(a, 0o640)
        b = os.path.join(d, "b.txt")
        self.assertEqual([a, b], fileio.write_all([(a, "new a\n"),
                                                   (b, "new b\n")]))
        self.assertEqual(("new a\n", "new b\n"), (base.read(a), base.read(b)))
        self.assertEqual(0o640, stat.S_IMODE(os.stat(a).st_mode))
        self.assertEqual(["a.txt", "b.txt"], sorted(os.listdir(d)))

    def test_error_second_rename_fails_first_file_rolled_back(self) -> None:
        # The second target is a directory: staging succeeds (the temp
        # file sits beside it), the first rename succeeds, the second
        # fails; the first file must get its old inode, text, mode and
        # mtime back, a file that did not exist must go again, and no
        # temp file or backup link may be left.
        d = self.make_dir()
        first = self.write(d, "first.txt", "old\n")
        os.chmod(first, 0o640)
        os.utime(first, ns=(1_000_000_000, 1_000_000_000))
        before = os.stat(first)
        created = os.path.join(d, "created.txt")
        blocker = os.path.join(d, "blocker")
        os.mkdir(blocker)
        exc = self.assertRaises(
            errors.InputError, fileio.write_all,
            [(first, "new\n"), (created, "brand new\n"), (blocker, "x\n")])
        self.assertEqual(f"{blocker}: cannot write: Is a directory; no file "
                         "was changed", str(exc))
        after = os.stat(first)
        self.assertEqual("old\n", base.read(first))
        self.assertEqual(
            (before.st_ino, before.st_mode, before.st_mtime_ns),
            (after.st_ino, after.st_mode, after.st_mtime_ns))
        self.assertFalse(os.path.exists(created))
        self.assertEqual(["blocker", "first.txt"], sorted(os.listdir(d)))
        self.assertEqual([], os.listdir(blocker))

    def test_error_fifo_target_changes_nothing(self) -> None:
        d = self.make_dir()
        first = self.write(d, "first.txt", "old\n")
        fifo = os.path.join(d, "pipe")
        os.mkfifo(fifo)
        exc = self.assertRaises(errors.InputError, fileio.write_all,
                                [(first, "new\n"), (fifo, "x\n")])
        self.assertEqual(f"{fifo}: is a FIFO; expected a regular file; "
                         "no file was changed", str(exc))
        self.assertEqual("old\n", base.read(first))
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
        self.assertEqual(["first.txt", "pipe"], sorted(os.listdir(d)))

    def test_unchanged_file_is_not_rewritten(self) -> None:
        d = self.make_dir()
        path = self.write(d, "a.txt", "same\n")
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
        self.assertEqual([], fileio.write_all([(path, "same\n")]))
        self.assertEqual(1_000_000_000, os.stat(path).st_mtime_ns)
