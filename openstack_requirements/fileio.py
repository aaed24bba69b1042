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

"""Reading and atomically writing the files users give us. Files.

Every command reads its inputs and writes its outputs here: decoding
with the file and line named, temp file + rename, locks.  Modules that
keep files of their own (venv logs, the mirror directory, downloads)
open them themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
from concurrent import futures
import contextlib
import errno
import fcntl
import os
import re
import stat
import sys
import tempfile

from openstack_requirements import errors


def _describe(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def present(path: str) -> bool:
    """Whether anything (a dangling symlink too) is at *path*.

    Only "no such file" is absence: a directory on the way that cannot
    be searched, a symlink loop on the way or an I/O error is an error,
    so that an optional input is never skipped because it is unreadable.

    :raises InputError: *path* cannot be looked up.
    """
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise errors.InputError(
            f"cannot look it up: {exc.strerror}", source=path) from exc
    return True


def read_bytes(path: str) -> bytes:
    """Bytes of the regular file *path*.

    A directory, FIFO or device is refused at once: the file is opened
    non-blocking and checked before anything is read from it.

    :raises InputError: missing, unreadable or not a regular file.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise errors.InputError(
            "no such file; check the path", source=path
        ) from None
    except IsADirectoryError:
        raise errors.InputError(
            "is a directory; expected a regular file", source=path
        ) from None
    except OSError as exc:
        raise errors.InputError(
            f"cannot open: {exc.strerror}", source=path
        ) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise errors.InputError(
                f"is {_describe(info.st_mode)}; expected a regular file",
                source=path,
            )
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise errors.InputError(
            f"cannot read: {exc.strerror}", source=path
        ) from exc
    finally:
        os.close(fd)


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of *data*; newlines are kept exactly as they are.

    :raises ParseError: naming the line of the first byte that is not UTF-8.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        lineno = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        line = data[start:end if end >= 0 else len(data)]
        column = exc.start - start + 1
        raise errors.ParseError(
            source,
            lineno,
            line.decode("utf-8", "backslashreplace"),
            f"byte 0x{data[exc.start]:02x} at column {column} is not UTF-8;"
            " save the file as UTF-8",
        ) from None


def read_text(path: str) -> str:
    """UTF-8 text of the regular file *path*, newlines untouched."""
    return decode(read_bytes(path), path)


def require_parent_dir(path: str | None) -> None:
    """Check, before any work, that the directory of *path* exists.

    Nothing to check when *path* is None or empty (no file to write).

    :raises InputError: the directory *path* would go into is missing.
    """
    if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise errors.InputError(
            "the directory to write into does not exist", source=path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _open_stream(path: str) -> int | None:
    """The file descriptor *path* names (``/dev/stdout``), or None."""

    path = os.path.normpath(path)
    named = {"/dev/stdout": 1, "/dev/stderr": 2}
    if path in named:
        return named[path]
    match = re.fullmatch(r"/(?:dev|proc/self)/fd/([0-9]+)", path)
    return int(match[1]) if match else None


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_through(path: str, stream: int | None, data: bytes) -> None:
    """Write *data* into the open *stream*, or else into *path* itself."""
    try:
        if stream is not None:
            for pending in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    pending.flush()  # what was printed before comes first
            _write_fd(stream, data)
            return
        fd = os.open(path, os.O_WRONLY)
        try:
            _write_fd(fd, data)
        finally:
            os.close(fd)
    except OSError as exc:
        raise errors.InputError(
            f"cannot write: {exc.strerror}", source=path) from exc


def atomic_write(path: str, text: str) -> bool:
    """Replace *path* with *text*; False if it already held exactly that.

    The new content goes to a temp file in the same directory that then
    replaces the target in one rename, so a reader sees the old file or
    the new one, never half of one.  The mode of an existing file is
    kept; a symlink is kept and its target is replaced.

    A character device or a FIFO (``-o /dev/null``, a named pipe) is
    written into instead: a rename would put a regular file in its place
    (as root, even in /dev).  ``/dev/stdout``, ``/dev/stderr`` and
    ``/dev/fd/N`` go to that open file descriptor, whatever it is (a
    rename would replace a file the shell redirected it to, and later
    output would go to the old one).  Any other kind of file that is not
    a regular one is refused.
    """
    data = text.encode("utf-8")
    stream = _open_stream(path)
    if stream is not None:
        _write_through(path, stream, data)
        return True
    target = os.path.realpath(path)
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise errors.InputError(
            f"cannot write: {exc.strerror}", source=path) from exc
    if info is not None and not stat.S_ISREG(info.st_mode):
        if not (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise errors.InputError(
                f"is {_describe(info.st_mode)}; give the path of a "
                "regular file to write", source=path)
        _write_through(path, None, data)
        return True
    if info is not None:
        try:
            if read_bytes(target) == data:
                return False
        except errors.InputError:
            pass

    directory = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(
            dir=directory, prefix="." + os.path.basename(target) + "."
        )
    except OSError as exc:
        raise errors.InputError(
            f"cannot write: {exc.strerror}", source=path
        ) from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        mode = (
            stat.S_IMODE(info.st_mode)
            if info is not None
            else 0o666 & ~_umask()
        )
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise errors.InputError(
                f"cannot write: {exc.strerror}", source=path
            ) from exc
        raise
    return True


@contextlib.contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold an exclusive lock on the file *path* itself.

    No lock file is created.  Because writers replace the file with a
    rename, a waiter that wakes up holding a lock on the old inode tries
    again on the new one.
    """
    target = os.path.realpath(path)
    while True:
        try:
            fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise errors.InputError(
                    "no such file; check the path", source=path
                ) from None
            raise errors.InputError(
                f"cannot open: {exc.strerror}", source=path
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(target)
            except FileNotFoundError:
                current = None
            here = os.fstat(fd)
            if current is not None and (
                current.st_ino == here.st_ino and current.st_dev == here.st_dev
            ):
                yield
                return
        finally:
            os.close(fd)


def _fsync_all(fds: Sequence[int]) -> None:
    # Each fsync waits for the disk; issued together, the filesystem
    # commits them in one go (fsync releases the GIL).
    if len(fds) < 2:
        for fd in fds:
            os.fsync(fd)
        return

    with futures.ThreadPoolExecutor(max_workers=min(8, len(fds))) as pool:
        list(pool.map(os.fsync, fds))


def write_all(files: Sequence[tuple[str, str]]) -> list[str]:
    """Replace each path of *files* with its text: all of them or none.

    Every new text is first written to a temp file beside its target, and
    each existing target gets a hard link beside it; if any of that fails,
    the temp files go and no target has changed.  Then the temp files are
    renamed over their targets; if a rename fails, the targets already
    replaced get their old inode back from the link (mode and mtime too).
    A file that already holds its text is not rewritten.  Modes are kept
    and a symlink's target is replaced, as :func:`atomic_write` does.

    :returns: the paths that changed.
    :raises InputError: a write failed; the message says no file changed.
    """
    # (path, target, temp file, link to the old file or None)
    staged: list[tuple[str, str, str, str | None]] = []

    def clean() -> None:
        for _, _, tmp, backup in staged:
            for name in (tmp, backup):
                if name is not None:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(name)

    opened: list[int] = []
    path = ""
    try:
        for path, text in files:
            target = os.path.realpath(path)
            data = text.encode("utf-8")
            mode = 0o666 & ~_umask()
            exists = False
            with contextlib.suppress(FileNotFoundError):
                info = os.stat(target)
                # A rename would put a regular file in place of a device,
                # FIFO or socket (as root, even in /dev).  Over a
                # directory it fails, and the rollback below undoes the
                # targets already replaced.
                if not (stat.S_ISREG(info.st_mode)
                        or stat.S_ISDIR(info.st_mode)):
                    raise errors.InputError(
                        f"is {_describe(info.st_mode)}; expected a "
                        "regular file; no file was changed", source=path)
                if stat.S_ISREG(info.st_mode):
                    exists = True
                    if read_bytes(target) == data:
                        continue
                    mode = stat.S_IMODE(info.st_mode)
            fd, tmp = tempfile.mkstemp(
                dir=os.path.dirname(target),
                prefix="." + os.path.basename(target) + ".")
            opened.append(fd)
            staged.append((path, target, tmp, None))
            _write_fd(fd, data)
            os.fchmod(fd, mode)
            if exists:
                os.link(target, tmp + ".old")
                staged[-1] = (path, target, tmp, tmp + ".old")
        _fsync_all(opened)
    except BaseException as exc:
        clean()
        if isinstance(exc, OSError):
            raise errors.InputError(
                f"cannot write: {exc.strerror}; no file was changed",
                source=path) from exc
        raise
    finally:
        for fd in opened:
            with contextlib.suppress(OSError):
                os.close(fd)
    done: list[tuple[str, str | None]] = []
    try:
        for item in staged:
            path, target, tmp, backup = item
            os.replace(tmp, target)
            done.append((target, backup))
    except OSError as exc:
        for target, backup in reversed(done):
            if backup is None:
                os.unlink(target)
            else:
                os.replace(backup, target)
        clean()
        raise errors.InputError(
            f"cannot write: {exc.strerror}; no file was changed",
            source=path) from exc
    clean()
    return [path for path, _, _, _ in staged]
