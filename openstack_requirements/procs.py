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

"""Child processes: running them into a log, stopping them all at once
(Ctrl-C, SIGTERM), log and throwaway directories. Processes.

Children run in sessions of their own, so that stopping one stops
everything it started; SIGTERM (a cancelled CI job) can be made to stop
them as Ctrl-C does; a throwaway directory is removed however the block
that uses it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from typing import TextIO

from openstack_requirements import errors

#: Takes the text of the phase a run is in ("install: resolved 14").
Progress = Callable[[str], None]


class Cancel:
    """Stops every running child process at once (Ctrl-C)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[str]] = set()
        self.cancelled = threading.Event()

    def add(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.add(proc)
            if self.cancelled.is_set():
                stop(proc)

    def discard(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.discard(proc)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled.set()
            for proc in self._procs:
                stop(proc)


def sigterm_interrupts() -> Callable[[], None]:
    """Treat SIGTERM (a cancelled CI job) like Ctrl-C; return the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)

    def undo() -> None:
        signal.signal(signal.SIGTERM, previous)

    return undo


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> None:
    """Signal *proc* and everything it started.

    Children run in sessions of their own (``start_new_session``): a
    ``python -m venv`` runs ensurepip's pip, an install runs builds, and
    signalling only the direct child would leave those writing into a
    venv that is being removed.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


class Session:
    """Runs commands one at a time, all output into one log.

    ``text`` keeps the output of every command run so far (stdout
    collected apart excepted), for the caller to explain a failure.
    """

    def __init__(self, log: TextIO, env: Mapping[str, str],
                 cancel: Cancel, progress: Progress) -> None:
        self.log = log
        self.env = dict(env)
        self.cancel = cancel
        self.progress = progress
        self.text: list[str] = []

    def run(self, cmd: Sequence[str], phase: str,
            watch: Callable[[str], str | None] | None = None,
            stdout: list[str] | None = None,
            cwd: str | None = None) -> int:
        """Run *cmd* (in *cwd*); every line goes to the log.

        *watch* maps a line to a new phase text.  With *stdout*, stdout
        is collected apart from the log.
        """
        if self.cancel.cancelled.is_set():
            raise KeyboardInterrupt
        self.progress(phase)
        self.log.write("$ " + " ".join(cmd) + "\n")
        self.log.flush()
        try:
            proc = subprocess.Popen(
                list(cmd), env=self.env, text=True, errors="replace",
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE if stdout is not None
                else subprocess.STDOUT, start_new_session=True, cwd=cwd)
        except OSError as exc:
            raise errors.ToolError(
                f"cannot run {cmd[0]}: {exc.strerror}", tuple(cmd)
            ) from exc
        self.cancel.add(proc)
        reader = None
        try:
            if stdout is not None:
                assert proc.stdout is not None
                out = proc.stdout
                reader = threading.Thread(
                    target=lambda: stdout.append(out.read()), daemon=True)
                reader.start()
                stream = proc.stderr
            else:
                stream = proc.stdout
            assert stream is not None
            for line in stream:
                self.log.write(line)
                self.text.append(line)
                if watch is not None:
                    update = watch(line)
                    if update:
                        self.progress(update)
            code = proc.wait()
            if reader is not None:
                reader.join()
        finally:
            if proc.poll() is None:
                stop(proc, signal.SIGKILL)
                proc.wait()
            # Grandchildren that outlived their parent go too.
            stop(proc, signal.SIGKILL)
            self.cancel.discard(proc)
        self.log.write(f"[exit status {code}]\n")
        self.log.flush()
        if self.cancel.cancelled.is_set():
            raise KeyboardInterrupt
        return code


# Runs a command tied to this process: in a process group of its own
# that is killed as soon as the process that started it dies, even by
# SIGKILL (the kernel's PR_SET_PDEATHSIG sends this wrapper SIGTERM).
_TIED = """\
import ctypes, os, signal, subprocess, sys
def die(*_):
    os.killpg(0, signal.SIGKILL)
signal.signal(signal.SIGTERM, die)
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    die()
sys.exit(subprocess.call(sys.argv[2:]))
"""


def run_tied(
    cmd: Sequence[str], cwd: str, env: Mapping[str, str], timeout: float,
    cancel: Cancel | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run *cmd* to the end, output captured, tied to this process.

    Unlike :func:`subprocess.run`, nothing it starts outlives it: on a
    timeout, a :class:`Cancel`, or this process dying (SIGKILL
    included, on Linux) its whole process group is killed, so a killed
    ``build-wheel-mirror`` leaves no ``uv build`` behind.

    :raises subprocess.TimeoutExpired: it ran longer than *timeout*.
    :raises OSError: it cannot be started.
    """
    if not os.access(cmd[0], os.X_OK) and shutil.which(
            cmd[0], path=env.get("PATH")) is None:
        raise FileNotFoundError(errno.ENOENT, "no such executable", cmd[0])
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _TIED, str(os.getpid()), *cmd],
        cwd=cwd, env=dict(env), text=True, errors="replace",
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True)
    if cancel is not None:
        cancel.add(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(proc, signal.SIGKILL)
        proc.communicate()
        raise
    finally:
        if proc.poll() is None:
            stop(proc, signal.SIGKILL)
            proc.wait()
        stop(proc, signal.SIGKILL)  # what outlived the command
        if cancel is not None:
            cancel.discard(proc)
    return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)


def remove_tree(path: str) -> None:
    """Remove the directory *path* and everything in it.

    A venv of the whole shipped list holds ~90,000 files in ~14,500
    directories.  ``rm -rf`` in a child process removes it with less CPU
    time than :func:`shutil.rmtree` (1.1 s against 1.4 s here), and two
    of them, one per interpreter, run side by side, where two rmtree
    calls in threads of this process take turns holding the GIL (2.3 s
    of CPU in all against 3.2-3.8 s; see benchmarks/bench_cores.py).
    Whatever ``rm`` leaves (no ``rm`` on PATH, an error) goes through
    rmtree, which raises if it cannot remove it either.

    ``rm`` runs in a session of its own, so a Ctrl-C on the terminal
    does not stop it half way; one that interrupts the wait here waits
    for ``rm`` to finish (a few seconds) and is raised after.
    """
    interrupted: BaseException | None = None
    rm = shutil.which("rm")
    if rm is not None:
        try:
            proc = subprocess.Popen(
                [rm, "-rf", "--", path], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
        except OSError:
            pass
        else:
            while True:
                try:
                    proc.wait()
                    break
                except KeyboardInterrupt as exc:
                    interrupted = exc
    try:
        if os.path.islink(path):
            os.unlink(path)  # never walk or chmod through a link
        elif os.path.lexists(path):
            try:
                shutil.rmtree(path)
            except OSError:
                _make_writable(path)
                shutil.rmtree(path)
    finally:
        if interrupted is not None:
            raise interrupted


def _make_writable(top: str) -> None:
    """Give every directory under *top* write permission for its owner.

    A build may leave a directory without it, which neither ``rm`` nor
    rmtree can empty.  Links are left alone: os.walk does not enter
    them, and chmod would follow them out of the tree.
    """
    os.chmod(top, 0o700)
    for root, dirs, _ in os.walk(top):
        for name in dirs:
            child = os.path.join(root, name)
            if not os.path.islink(child):
                with contextlib.suppress(OSError):
                    os.chmod(child, 0o700)


def log_dir(given: str | None, prefix: str) -> tuple[str, bool]:
    """Where the logs go, and whether it is a new temporary directory.

    *given* (made if missing), or a new temporary directory named
    *prefix*..., for the caller to remove once the logs are not needed.

    :raises InputError: *given* cannot be made.
    """
    if given:
        try:
            os.makedirs(given, exist_ok=True)
        except OSError as exc:
            raise errors.InputError(
                f"cannot use as the log directory: {exc.strerror}",
                source=given) from exc
        return given, False
    return tempfile.mkdtemp(prefix=prefix), True


@contextlib.contextmanager
def throwaway_dir(prefix: str) -> Iterator[str]:
    """A new temporary directory, removed with :func:`remove_tree`.

    Removed however the block ends, Ctrl-C included.
    """
    path = tempfile.mkdtemp(prefix=prefix)
    try:
        yield path
    finally:
        remove_tree(path)
