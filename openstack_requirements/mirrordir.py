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

"""The mirror directory: ``simple/`` pages made from ``packages/`` on
disk, files placed atomically, files added by hand, checks of a local
mirror. Files.

The layout is :mod:`openstack_requirements.simpleapi`'s; which file a
pin needs is :mod:`openstack_requirements.mirror`'s decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
import contextlib
import errno
import fcntl
import hashlib
import os
import pathlib
import shutil
import tarfile
import tempfile
import threading
import zipfile

from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements import mirror
from openstack_requirements import simpleapi
from openstack_requirements import transport

#: Prefix of what a run is still writing: temp files and directories.
PARTIAL = ".partial-"


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_metadata(path: str) -> str:
    """Core metadata text of a wheel (METADATA) or sdist (PKG-INFO).

    :raises InputError: not a readable archive holding metadata.
    """
    name = os.path.basename(path)
    try:
        if name.endswith(mirror.WHEEL) or name.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                wanted = ("/METADATA" if name.endswith(mirror.WHEEL)
                          else "/PKG-INFO")
                members = sorted((m for m in archive.namelist()
                                  if m.endswith(wanted)
                                  and m.count("/") == 1), key=len)
                if members:
                    return archive.read(members[0]).decode(
                        "utf-8", "replace")
        else:
            with tarfile.open(path) as archive:
                for member in archive:
                    if member.name.count("/") == 1 and (
                            member.name.endswith("/PKG-INFO")):
                        handle = archive.extractfile(member)
                        if handle is not None:
                            return handle.read().decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
        raise errors.InputError(
            f"not a readable wheel or sdist: {exc}", source=path) from exc
    raise errors.InputError(
        "holds no core metadata (.dist-info/METADATA or PKG-INFO)",
        source=path)


class MirrorDir:
    """``simple/`` and ``packages/`` under *root*; pages made from disk.

    Files only ever arrive by ``os.replace`` of a complete temp file and
    pages are replaced atomically after the files they list, so a reader
    (or a killed run) never sees a page linking a missing or partial
    file.
    """

    def __init__(self, root: str) -> None:
        # Absolute: builds run with a temp directory as their cwd.
        self.root = os.path.abspath(root)
        self.packages = os.path.join(self.root, simpleapi.PACKAGES)
        self.simple = os.path.join(self.root, simpleapi.SIMPLE)
        self._lock = threading.RLock()
        self._cache: dict[tuple[str, int, int], simpleapi.File] = {}
        self._by_name: dict[str, list[str]] = {}
        self._listed: frozenset[str] = frozenset()
        self._recorded_files: dict[str, simpleapi.File] = {}

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Create the layout and hold the mirror for this run.

        A second build on the same mirror is refused rather than
        interleaved.  Temp files a killed run left are removed.
        """
        try:
            os.makedirs(self.packages, exist_ok=True)
            os.makedirs(self.simple, exist_ok=True)
            fd = os.open(self.root, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise errors.InputError(
                f"cannot create the mirror: {exc.strerror}",
                source=self.root) from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise errors.InputError(
                        "another build-wheel-mirror is writing this "
                        "mirror; wait for it to finish",
                        source=self.root) from None
                raise
            for directory in (self.root, self.packages):
                for entry in os.listdir(directory):
                    if entry.startswith(PARTIAL):
                        path = os.path.join(directory, entry)
                        if os.path.isdir(path):
                            shutil.rmtree(path, ignore_errors=True)
                        else:
                            with contextlib.suppress(OSError):
                                os.unlink(path)
            self.rescan()
            yield
        finally:
            os.close(fd)

    def rescan(self) -> None:
        by_name: dict[str, list[str]] = {}
        for entry in os.listdir(self.packages):
            if entry.startswith("."):
                continue
            try:
                name, _, _ = mirror.parse_filename(entry)
            except ValueError:
                continue
            by_name.setdefault(name, []).append(entry)
        recorded = {}
        for name in by_name:
            for f in self._recorded(name):
                if f.sha256:
                    recorded[f.filename] = f
        with self._lock:
            self._by_name = by_name
            self._recorded_files = recorded

    def _recorded(self, name: str) -> list[simpleapi.File]:
        """The entries of the project's current JSON page, if readable."""
        page = os.path.join(self.simple, name, simpleapi.JSON_PAGE)
        if not os.path.isfile(page):
            return []
        try:
            return simpleapi.parse_project_json(fileio.read_text(page),
                                                "http://mirror/")
        except (errors.RequirementsError, ValueError, KeyError,
                TypeError, AttributeError):
            return []  # unreadable: hash the files again

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._by_name)

    def filenames(self, name: str) -> list[str]:
        with self._lock:
            return list(self._by_name.get(name, ()))

    def describe(self, filename: str) -> simpleapi.File:
        """The page entry of ``packages/<filename>`` (hash, metadata).

        A file the mirror's pages already list keeps the hash recorded
        when it arrived: files in a mirror never change, so a file
        altered since (a bad copy, tampering) is not blessed with a new
        hash; pip refuses it and ``check-mirror --verify-hashes``
        reports it.  This also spares a warm run re-hashing the mirror.
        """
        known = self._recorded_files.get(filename)
        if known is not None:
            return simpleapi.File(filename, simpleapi.package_url(filename),
                                  known.sha256, known.requires_python)
        path = os.path.join(self.packages, filename)
        info = os.stat(path)
        key = (filename, info.st_size, info.st_mtime_ns)
        cached = self._cache.get(key)
        if cached is None:
            try:
                requires = mirror.requires_python(read_metadata(path))
            except errors.InputError:
                requires = None
            cached = simpleapi.File(
                filename, simpleapi.package_url(filename), sha256_of(path),
                requires)
            self._cache[key] = cached
        return cached

    def files(self, name: str) -> list[simpleapi.File]:
        return [self.describe(f) for f in self.filenames(name)]

    def temp_dir(self) -> str:
        return tempfile.mkdtemp(prefix=PARTIAL, dir=self.root)

    def place(self, path: str, filename: str) -> bool:
        """Move the complete file *path* in as ``packages/<filename>``.

        An existing file of that name is kept (a mirror never changes a
        published file); False then.
        """
        target = os.path.join(self.packages, filename)
        name, _, _ = mirror.parse_filename(filename)
        with self._lock:
            if os.path.exists(target):
                os.unlink(path)
                return False
            os.chmod(path, 0o644)
            os.replace(path, target)
            self._by_name.setdefault(name, []).append(filename)
        return True

    def write_project(self, name: str) -> None:
        directory = os.path.join(self.simple, name)
        with self._lock:
            # Listed under the lock: two versions of one project can land
            # at once, and the later write must list both.
            files = self.files(name)
            os.makedirs(directory, exist_ok=True)
            # JSON first: the HTML page is what pip reads, and it goes
            # last so that it never lists more than the JSON form.
            fileio.atomic_write(
                os.path.join(directory, simpleapi.JSON_PAGE),
                simpleapi.render_project_json(name, files))
            fileio.atomic_write(os.path.join(directory, simpleapi.PAGE),
                                simpleapi.render_project(name, files))
            new = name not in self._listed
        if new:
            self.write_root()

    def write_root(self) -> None:
        names = self.names()
        with self._lock:
            self._listed = frozenset(names)
            fileio.atomic_write(
                os.path.join(self.simple, simpleapi.JSON_PAGE),
                simpleapi.render_root_json(names))
            fileio.atomic_write(os.path.join(self.simple, simpleapi.PAGE),
                                simpleapi.render_root(names))

    def regenerate(self, names: Iterable[str] | None = None) -> None:
        """Rewrite the pages of *names* (all projects) and the root."""
        for name in (self.names() if names is None else names):
            self.write_project(name)
        self.write_root()


def check_files(
    paths: Sequence[str], target: MirrorDir
) -> list[tuple[str, str]]:
    """(path, filename) of each file to add that the mirror lacks.

    Reads only: every file is checked before anything is written.

    :raises InputError: not a wheel or sdist, unreadable, or a different
        file of the same name is already in the mirror.
    """
    checked = []
    for path in paths:
        filename = os.path.basename(path)
        try:
            mirror.parse_filename(filename)
        except ValueError as exc:
            raise errors.InputError(str(exc), source=path) from None
        if not os.path.isfile(path):
            raise errors.InputError("no such file; check the path",
                                    source=path)
        read_metadata(path)
        existing = os.path.join(target.packages, filename)
        if os.path.exists(existing):
            if sha256_of(existing) != sha256_of(path):
                raise errors.InputError(
                    f"the mirror already holds a different "
                    f"{filename}; files in a mirror never change, "
                    "release a new version instead", source=path)
            continue
        checked.append((path, filename))
    return checked


def add_files(paths: Sequence[str], target: MirrorDir) -> list[str]:
    """Copy wheels or sdists into the mirror; the filenames that were new.

    :raises InputError: as :func:`check_files`, before any copy.
    """
    added = []
    for path, filename in check_files(paths, target):
        work = target.temp_dir()
        try:
            tmp = os.path.join(work, filename)
            shutil.copyfile(path, tmp)
            if target.place(tmp, filename):
                added.append(filename)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return added


def verify_mirror(root: str) -> list[errors.Finding]:
    """Check every file that a page of the local mirror *root* lists.

    Each must be present and have the sha256 its link carries.
    """
    simple = os.path.join(root, simpleapi.SIMPLE)
    findings = []
    for name in sorted(os.listdir(simple)):
        page = os.path.join(simple, name, simpleapi.PAGE)
        if not os.path.isfile(page):
            continue
        base = pathlib.Path(os.path.abspath(page)).as_uri()
        for f in simpleapi.parse_project(fileio.read_text(page), base):
            path = transport.file_path(f.url)
            shown = os.path.relpath(path, root) if path else f.url
            if not f.sha256:
                findings.append(errors.Finding(
                    page, None, f"{f.filename} is listed without "
                    "#sha256=; regenerate the pages with "
                    "build-wheel-mirror", "hash"))
            if path is None or not os.path.isfile(path):
                findings.append(errors.Finding(
                    page, None, f"{shown} is listed but missing (a "
                    "half-synced mirror?); copy it back or rerun "
                    "build-wheel-mirror", "missing-file"))
            elif f.sha256 and sha256_of(path) != f.sha256:
                findings.append(errors.Finding(
                    page, None, f"{shown} differs from its page: sha256 "
                    f"{sha256_of(path)}, the page says {f.sha256} (a stale "
                    "or corrupted copy); replace it from its source",
                    "hash"))
    return findings
