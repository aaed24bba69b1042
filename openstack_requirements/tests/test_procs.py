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

"""Child processes: sessions, cancellation, throwaway directories."""

from __future__ import annotations

from collections.abc import Callable
import io
import os
import signal
import subprocess
import sys
import threading
import time

import fixtures

from openstack_requirements import errors
from openstack_requirements import procs
from openstack_requirements.tests import base


class TestSession(base.TestCase):
    """Commands run one after the other into one log."""

    def session(self) -> tuple[procs.Session, io.StringIO, list[str]]:
        log = io.StringIO()
        phases: list[str] = []
        return (procs.Session(log, os.environ, procs.Cancel(),
                              phases.append), log, phases)

    def test_output_goes_to_the_log_and_the_watcher(self) -> None:
        session, log, phases = self.session()
        code = session.run(
            [sys.executable, "-c", "print('a'); print('b'); exit(3)"],
            "step", watch=lambda line: line.strip().upper() or None)
        self.assertEqual(3, code)
        self.assertEqual(["step", "A", "B"], phases)
        self.assertEqual(["a\n", "b\n"], session.text)
        self.assertTrue(log.getvalue().endswith("a\nb\n[exit status 3]\n"))

    def test_stdout_collected_apart(self) -> None:
        session, log, _ = self.session()
        out: list[str] = []
        code = session.run(
            [sys.executable, "-c",
             "import sys; print('pins'); print('said', file=sys.stderr)"],
            "freeze", stdout=out)
        self.assertEqual(0, code)
        self.assertEqual(["pins\n"], out)
        self.assertEqual(["said\n"], session.text)
        self.assertTrue(log.getvalue().endswith(
            "file=sys.stderr)\nsaid\n[exit status 0]\n"))

    def test_cancelled_session_runs_nothing(self) -> None:
        session, log, phases = self.session()
        session.cancel.cancel()
        self.assertRaises(KeyboardInterrupt, session.run,
                          [sys.executable, "-c", "pass"], "step")
        self.assertEqual(("", []), (log.getvalue(), phases))

    def test_error_missing_program(self) -> None:
        session, _, _ = self.session()
        missing = os.path.join(self.make_dir(), "no-such-tool")
        exc = self.assertRaises(errors.ToolError, session.run,
                                [missing, "--version"], "step")
        self.assertEqual(
            f"cannot run {missing}: No such file or directory\n"
            f"    command: {missing} --version", str(exc))


class TestSigtermInterrupts(base.TestCase):
    """SIGTERM (a cancelled CI job) stops the work as Ctrl-C does."""

    def test_sigterm_raises_keyboard_interrupt_until_undone(self) -> None:
        before = signal.getsignal(signal.SIGTERM)
        undo = procs.sigterm_interrupts()
        self.addCleanup(signal.signal, signal.SIGTERM, before)
        self.assertRaises(KeyboardInterrupt, signal.raise_signal,
                          signal.SIGTERM)
        undo()
        self.assertEqual(before, signal.getsignal(signal.SIGTERM))

    def test_nothing_changes_off_the_main_thread(self) -> None:
        before = signal.getsignal(signal.SIGTERM)
        undos: list[Callable[[], None]] = []
        worker = threading.Thread(
            target=lambda: undos.append(procs.sigterm_interrupts()))
        worker.start()
        worker.join()
        self.assertEqual(before, signal.getsignal(signal.SIGTERM))
        undos[0]()
        self.assertEqual(before, signal.getsignal(signal.SIGTERM))


class TestLogDir(base.TestCase):
    def test_given_directory_is_made(self) -> None:
        given = os.path.join(self.make_dir(), "logs", "run1")
        self.assertEqual((given, False), procs.log_dir(given, "x-"))
        self.assertTrue(os.path.isdir(given))

    def test_else_a_new_temporary_one(self) -> None:
        path, temporary = procs.log_dir(None, "generate-logs-")
        self.addCleanup(os.rmdir, path)
        self.assertTrue(temporary)
        self.assertTrue(os.path.basename(path).startswith("generate-logs-"))
        self.assertEqual([], os.listdir(path))

    def test_error_cannot_make_it(self) -> None:
        given = self.write(self.make_dir(), "a-file", "")
        exc = self.assertRaises(errors.InputError, procs.log_dir,
                                os.path.join(given, "logs"), "x-")
        self.assertIn("cannot use as the log directory: Not a directory",
                      str(exc))


class TestThrowawayDir(base.TestCase):
    """Throwaway venv directories go, however the block ends."""

    def fill(self, path: str) -> None:
        for a in range(3):
            for b in range(3):
                deep = os.path.join(path, "lib", f"a{a}", f"b{b}")
                os.makedirs(deep)
                with open(os.path.join(deep, "f.py"), "w") as f:
                    f.write("x = 1\n")
        os.symlink("/", os.path.join(path, "root-link"))  # not followed

    def test_removed_after_the_block(self) -> None:
        with procs.throwaway_dir("test-throwaway-") as path:
            self.fill(path)
        self.assertFalse(os.path.lexists(path))
        self.assertTrue(os.path.isdir("/"))

    def test_removed_when_the_block_raises(self) -> None:
        with self.assertRaises(KeyboardInterrupt):
            with procs.throwaway_dir("test-throwaway-") as path:
                self.fill(path)
                raise KeyboardInterrupt
        self.assertFalse(os.path.lexists(path))

    def test_without_rm_on_path(self) -> None:
        self.useFixture(fixtures.EnvironmentVariable("PATH", "/nonexistent"))
        with procs.throwaway_dir("test-throwaway-") as path:
            self.fill(path)
        self.assertFalse(os.path.lexists(path))

    def read_only_tree(self, path: str) -> None:
        self.fill(path)
        outside = self.make_dir()
        os.chmod(outside, 0o750)
        locked = os.path.join(path, "lib", "a1")
        # Links to directories inside the locked one: neither walked nor
        # chmodded (chmod would follow them out of the tree).
        os.symlink(outside, os.path.join(locked, "out-link"))
        os.symlink("b0", os.path.join(locked, "in-link"))
        os.symlink("lib", os.path.join(path, "lib64"))  # as in a venv
        os.chmod(locked, 0o555)
        os.chmod(os.path.join(path, "lib"), 0o555)
        self.outside = outside

    def test_read_only_directories(self) -> None:
        # A build can leave a directory without write permission: rm
        # cannot empty it, so the fallback makes it writable first.
        if os.geteuid() == 0:
            self.skipTest("root may write to read-only directories; "
                          "run as another user to test this")
        for path_env in (os.environ.get("PATH", ""), "/nonexistent"):
            self.useFixture(fixtures.EnvironmentVariable("PATH", path_env))
            with procs.throwaway_dir("test-throwaway-") as path:
                self.read_only_tree(path)
            self.assertFalse(os.path.lexists(path))
            self.assertTrue(os.path.isdir(self.outside))
            self.assertEqual(0o750, os.stat(self.outside).st_mode & 0o777)

    def test_venv_layout_removed_by_several_rm_and_links_not_followed(
            self) -> None:
        # site-packages entries are shared out among several rm
        # processes; a site-packages reached through a link is not.
        outside = self.make_dir()
        far_site = os.path.join(outside, "lib", "python3.12",
                                "site-packages")
        os.makedirs(os.path.join(far_site, "keep_me"))
        with procs.throwaway_dir("test-throwaway-") as path:
            site = os.path.join(path, "venv", "lib", "python3.12",
                                "site-packages")
            for i in range(12):
                os.makedirs(os.path.join(site, f"pkg{i}", "sub"))
            os.symlink("lib", os.path.join(path, "venv", "lib64"))
            os.symlink(outside, os.path.join(path, "elsewhere"))
            os.symlink(outside, os.path.join(site, "pkg-link"))
        self.assertFalse(os.path.lexists(path))
        self.assertEqual(["keep_me"], os.listdir(far_site))


class TestRunTied(base.TestCase):
    def test_killed_parent_leaves_no_child_behind(self) -> None:
        # What a killed build-wheel-mirror did to its `uv build`: the
        # parent dies by SIGKILL, and the build it started must go too.
        tmp = self.make_dir()
        pid_file = os.path.join(tmp, "pid")
        child = (f"import os, time; open({pid_file!r}, 'w').write("
                 "str(os.getpid())); time.sleep(60)")
        parent = (
            "import sys\n"
            "from openstack_requirements import procs\n"
            f"procs.run_tied([sys.executable, '-c', {child!r}], {tmp!r}, "
            "{'PATH': '/usr/bin:/bin'}, 120)\n")
        proc = subprocess.Popen([sys.executable, "-c", parent],
                                cwd=self.make_dir(), env=self.child_env())
        self.addCleanup(proc.wait)
        deadline = time.time() + 30
        while not os.path.exists(pid_file) or not base.read(pid_file):
            self.assertLess(time.time(), deadline, "the child never ran")
            time.sleep(0.05)
        pid = int(base.read(pid_file))
        proc.kill()
        proc.wait()
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        self.fail("the child outlived its killed parent")

    def test_output_and_exit_status(self) -> None:
        result = procs.run_tied(
            [sys.executable, "-c", "import sys; print('out'); "
             "print('err', file=sys.stderr); sys.exit(3)"],
            self.make_dir(), dict(os.environ), 60)
        self.assertEqual((3, "out\n", "err\n"),
                         (result.returncode, result.stdout, result.stderr))
