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
import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import pathlib
import re
import shutil
import tarfile
import tempfile
import threading
import time
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


def read_metadata(path: str, filename: str | None = None) -> str:
    """Core metadata text of a wheel (METADATA) or sdist (PKG-INFO).

    :param filename: what the file is (a temp file's path says nothing).
    :raises InputError: not a readable archive holding metadata.
    """
    name = filename or os.path.basename(path)
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


#: The mirror's record of every file it publishes (see :class:`Record`).
MANIFEST = "manifest.json"
#: Suffix of the PEP 658 core metadata file served next to a wheel.
METADATA_SUFFIX = ".metadata"


@dataclasses.dataclass(frozen=True, slots=True)
class Record:
    """What the mirror knows of one file it publishes.

    Written when the file arrives and never changed after: pages carry
    this hash, so a file altered since (a bad copy, a flipped byte) is
    not blessed with a new one.  ``size`` and ``mtime_ns`` let a run
    tell an untouched file without hashing it.  ``origin`` says where it
    came from: ``index`` (the URL), ``url``, ``sha256`` upstream,
    ``upload-time`` and ``last-serial`` as the index gave them, or
    ``built-from`` (the sdist) or ``added`` (``--add``).
    """

    sha256: str
    size: int | None = None
    mtime_ns: int | None = None
    upload_time: str | None = None
    requires_python: str | None = None
    metadata_sha256: str | None = None
    origin: dict[str, str] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        doc: dict[str, object] = {"sha256": self.sha256}
        for key, value in (("size", self.size), ("mtime_ns", self.mtime_ns),
                           ("upload-time", self.upload_time),
                           ("requires-python", self.requires_python),
                           ("metadata-sha256", self.metadata_sha256)):
            if value is not None:
                doc[key] = value
        if self.origin:
            doc["origin"] = dict(self.origin)
        return doc

    @classmethod
    def from_dict(cls, doc: dict[str, object]) -> Record:
        def text(key: str) -> str | None:
            value = doc.get(key)
            return str(value) if value is not None else None

        def number(key: str) -> int | None:
            value = doc.get(key)
            return value if isinstance(value, int) else None

        origin = doc.get("origin")
        return cls(str(doc["sha256"]), number("size"), number("mtime_ns"),
                   text("upload-time"), text("requires-python"),
                   text("metadata-sha256"),
                   {str(k): str(v) for k, v in origin.items()}
                   if isinstance(origin, dict) else {})


def read_manifest(root: str) -> dict[str, Record] | None:
    """The records of the mirror *root*; None without a manifest.

    :raises InputError: a manifest that is not one.
    """
    path = os.path.join(root, MANIFEST)
    if not os.path.isfile(path):
        return None
    try:
        doc = json.loads(fileio.read_text(path))
        return {str(name): Record.from_dict(entry)
                for name, entry in doc["files"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise errors.InputError(
            f"not a mirror manifest: {exc}; remove it and rerun "
            "build-wheel-mirror to rebuild it from the pages",
            source=path) from exc


def render_manifest(records: dict[str, Record],
                    removing: Iterable[str] = ()) -> str:
    """The manifest: every record, and the files being removed.

    :param removing: files no longer published whose deletion is not
        done yet (a killed removal is finished by the next run).
    """
    doc: dict[str, object] = {
        "manifest-version": 1,
        "files": {name: records[name].as_dict() for name in sorted(records)}}
    if removing:
        doc["removing"] = sorted(set(removing))
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def _read_removing(root: str) -> set[str]:
    """The files a removal had not deleted yet (see render_manifest)."""
    path = os.path.join(root, MANIFEST)
    if not os.path.isfile(path):
        return set()
    with contextlib.suppress(errors.InputError, ValueError, TypeError):
        doc = json.loads(fileio.read_text(path))
        if isinstance(doc, dict) and isinstance(doc.get("removing"), list):
            return {str(f) for f in doc["removing"]}
    return set()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


#: A temp file of :func:`fileio.atomic_write` for a page, the manifest
#: or a metadata file: "." + the name + "." + mkstemp's random part.
_ATOMIC_TEMP = re.compile(
    r"\.(?:index\.html|index\.json|manifest\.json|.+\.metadata)\.\w+")


def _is_temp(entry: str) -> bool:
    """What a run writes before renaming it: ours or atomic_write's."""
    return entry.startswith(PARTIAL) or bool(_ATOMIC_TEMP.fullmatch(entry))


class MirrorDir:
    """``simple/`` and ``packages/`` under *root*; pages made from disk.

    Files only ever arrive by ``os.replace`` of a complete temp file and
    pages are replaced atomically after the files they list, so a reader
    (or a killed run) never sees a page linking a missing or partial
    file.  Only files that arrived through :meth:`place` (whose name and
    metadata agree) are published; any other file in ``packages/`` is a
    stray (:attr:`strays`), never listed.
    """

    def __init__(self, root: str) -> None:
        # Absolute: builds run with a temp directory as their cwd.
        self.root = os.path.abspath(root)
        self.packages = os.path.join(self.root, simpleapi.PACKAGES)
        self.simple = os.path.join(self.root, simpleapi.SIMPLE)
        self._lock = threading.RLock()
        self._by_name: dict[str, list[str]] = {}
        self._listed: frozenset[str] = frozenset()
        self._records: dict[str, Record] = {}
        self._checked: dict[tuple[str, int, int], bool] = {}
        self._removing: set[str] = set()
        self._dirty = True  # the manifest may not say what _records do
        #: Files in packages/ that the mirror never took in.
        self.strays: list[str] = []

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Create the layout and hold the mirror for this run.

        A second build on the same mirror is refused rather than
        interleaved.  Temp files and directories a killed run left
        (in the root, packages/ and every page directory) are removed.
        """
        try:
            os.makedirs(self.packages, exist_ok=True)
            os.makedirs(self.simple, exist_ok=True)
        except OSError as exc:
            raise errors.InputError(
                f"cannot create the mirror: {exc.strerror}",
                source=self.root) from exc
        with _held(self.root, "another build-wheel-mirror is writing "
                   "this mirror"):
            self._remove_temps()
            self.rescan()
            if self._removing:
                self._delete_removed()  # a killed removal, finished
            yield

    def _remove_temps(self) -> None:
        directories = [self.root, self.packages, self.simple]
        directories += [os.path.join(self.simple, e)
                        for e in os.listdir(self.simple)
                        if not e.startswith(".")]
        for directory in directories:
            if not os.path.isdir(directory):
                continue
            for entry in os.listdir(directory):
                if not _is_temp(entry):
                    continue
                path = os.path.join(directory, entry)
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(path)

    def rescan(self) -> None:
        records = read_manifest(self.root)
        if records is None:
            records = self._from_pages()
        by_name: dict[str, list[str]] = {}
        strays = []
        for entry in sorted(os.listdir(self.packages)):
            if entry.startswith(".") or entry.endswith(METADATA_SUFFIX):
                continue
            try:
                name, _, _ = mirror.parse_filename(entry)
            except ValueError:
                strays.append(entry)
                continue
            if entry in records:
                by_name.setdefault(name, []).append(entry)
            else:
                strays.append(entry)
        removing = _read_removing(self.root)
        # Being removed: unpublished already, not a stray.
        strays = [s for s in strays if s not in removing]
        with self._lock:
            # A file deleted by hand leaves the pages on the next write.
            self._records = {f: r for f, r in records.items()
                             if any(f in v for v in by_name.values())}
            self._by_name = by_name
            self._removing = removing - set(self._records)
            self.strays = strays
            self._dirty = True

    def _from_pages(self) -> dict[str, Record]:
        """Records of a mirror made before the manifest: its pages'."""
        records = {}
        for name in os.listdir(self.simple):
            page = os.path.join(self.simple, name, simpleapi.JSON_PAGE)
            if not os.path.isfile(page):
                continue
            try:
                files = simpleapi.parse_project_json(
                    fileio.read_text(page), "http://mirror/")
            except (errors.RequirementsError, ValueError, KeyError,
                    TypeError, AttributeError):
                continue  # unreadable: those files are strays
            for f in files:
                if f.sha256:
                    records[f.filename] = Record(
                        f.sha256, f.size, None, f.upload_time,
                        f.requires_python, f.metadata_sha256)
        return records

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._by_name)

    def filenames(self, name: str) -> list[str]:
        with self._lock:
            return list(self._by_name.get(name, ()))

    def record(self, filename: str) -> Record | None:
        with self._lock:
            return self._records.get(filename)

    def records(self) -> dict[str, Record]:
        with self._lock:
            return dict(self._records)

    def intact(self, filename: str) -> bool:
        """Whether ``packages/<filename>`` is the file its record names.

        Size first; the hash only when size or mtime moved since the
        file arrived, so a warm run hashes nothing.
        """
        known = self.record(filename)
        path = os.path.join(self.packages, filename)
        try:
            info = os.stat(path)
        except OSError:
            return False
        if known is None:
            return False
        if known.size is not None and info.st_size != known.size:
            return False
        if known.mtime_ns == info.st_mtime_ns:
            return True
        key = (filename, info.st_size, info.st_mtime_ns)
        if key not in self._checked:
            self._checked[key] = sha256_of(path) == known.sha256
        return self._checked[key]

    def describe(self, filename: str) -> simpleapi.File:
        """The page entry of ``packages/<filename>``: its record's."""
        known = self.record(filename)
        assert known is not None, filename
        return simpleapi.File(
            filename, simpleapi.package_url(filename), known.sha256,
            known.requires_python, "yanked" in known.origin,
            size=known.size,
            upload_time=known.upload_time,
            metadata_sha256=known.metadata_sha256)

    def files(self, name: str) -> list[simpleapi.File]:
        return [self.describe(f) for f in self.filenames(name)]

    def temp_dir(self) -> str:
        return tempfile.mkdtemp(prefix=PARTIAL, dir=self.root)

    def place(self, path: str, filename: str,
              origin: dict[str, str] | None = None) -> bool:
        """Move the complete file *path* in as ``packages/<filename>``.

        An intact file of that name is kept (a mirror never changes a
        published file); False then.  A stray or damaged file of that
        name is replaced.  A wheel gets its PEP 658 metadata file.

        :raises InputError: its name and metadata disagree, or it holds
            no metadata (*path* is removed).
        """
        target = os.path.join(self.packages, filename)
        name, _, _ = mirror.parse_filename(filename)
        try:
            metadata = checked_metadata(path, filename)
        except errors.InputError:
            os.unlink(path)
            raise
        info = os.stat(path)
        sha256 = sha256_of(path)
        meta_sha = None
        with self._lock:
            if self.intact(filename):
                os.unlink(path)
                return False
            if filename.endswith(mirror.WHEEL):
                data = metadata.encode("utf-8")
                meta_sha = hashlib.sha256(data).hexdigest()
                fileio.atomic_write(target + METADATA_SUFFIX, metadata)
            os.chmod(path, 0o644)
            os.replace(path, target)
            self._records[filename] = Record(
                sha256, info.st_size, os.stat(target).st_mtime_ns, _now(),
                mirror.requires_python(metadata), meta_sha,
                dict(origin or {}))
            listed = self._by_name.setdefault(name, [])
            if filename not in listed:
                listed.append(filename)
            if filename in self.strays:
                self.strays.remove(filename)
            self._removing.discard(filename)
            self._dirty = True
            self.save()  # recorded as soon as it is there: not a stray
        return True

    def save(self) -> None:
        """Write the manifest (only when it changed)."""
        with self._lock:
            if not self._dirty:
                return  # each page write saves: no O(n) render each time
            fileio.atomic_write(os.path.join(self.root, MANIFEST),
                                render_manifest(self._records,
                                                self._removing))
            self._dirty = False

    def remove(self, filenames: Iterable[str]) -> list[str]:
        """Unpublish *filenames*, then delete them; those that were there.

        The manifest drops them first (naming them as being removed),
        then their pages are rewritten (a project with no file left
        leaves the root page, then loses its own), and only then are
        the files and their metadata deleted: a reader never sees a
        page naming a missing file, and a killed removal is finished by
        the next run.  Call it with the mirror :meth:`locked`.
        """
        names = set()
        gone = []
        with self._lock:
            for filename in filenames:
                name, _, _ = mirror.parse_filename(filename)
                listed = self._by_name.get(name, [])
                if filename not in listed:
                    continue
                listed.remove(filename)
                if not listed:
                    del self._by_name[name]
                self._records.pop(filename, None)
                self._removing.add(filename)
                names.add(name)
                gone.append(filename)
            if not gone:
                return []
            self._dirty = True
            self.save()
        self._delete_removed(names)
        return gone

    def _delete_removed(self, names: Iterable[str] | None = None) -> None:
        """Rewrite the pages of *names* (all), then delete what goes."""
        with self._lock:
            listed = set(self._by_name)
        self.regenerate([n for n in (names or listed) if n in listed])
        with self._lock:
            for filename in sorted(self._removing):
                for path in (os.path.join(self.packages, filename),
                             os.path.join(self.packages,
                                          filename + METADATA_SUFFIX)):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)
            self._removing.clear()
            self._dirty = True
            self.save()

    def write_project(self, name: str) -> None:
        directory = os.path.join(self.simple, name)
        with self._lock:
            # Listed under the lock: two versions of one project can land
            # at once, and the later write must list both.
            files = self.files(name)
            versions = {mirror.parse_filename(f.filename)[1] for f in files}
            os.makedirs(directory, exist_ok=True)
            self.save()
            # JSON first: the HTML page is what pip reads, and it goes
            # last so that it never lists more than the JSON form.
            fileio.atomic_write(
                os.path.join(directory, simpleapi.JSON_PAGE),
                simpleapi.render_project_json(name, files, versions))
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
        """Rewrite the pages of *names* (all projects) and the root.

        A project with no file left loses its page (after the root
        stops naming it).
        """
        for name in (self.names() if names is None else names):
            self.write_project(name)
        self.write_root()
        self.save()
        listed = set(self.names())
        for entry in os.listdir(self.simple):
            path = os.path.join(self.simple, entry)
            if entry not in listed and os.path.isdir(path) and (
                    not entry.startswith(".")):
                shutil.rmtree(path, ignore_errors=True)
        with self._lock:
            # The metadata of a wheel deleted by hand: no page names it.
            for entry in os.listdir(self.packages):
                if entry.endswith(METADATA_SUFFIX) and not entry.startswith(
                        ".") and entry[:-len(METADATA_SUFFIX)] not in (
                        self._records) and entry[:-len(
                            METADATA_SUFFIX)] not in self._removing:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(self.packages, entry))


@contextlib.contextmanager
def _held(root: str, what: str) -> Iterator[None]:
    """An exclusive lock on the directory *root*, or InputError."""
    fd = os.open(root, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise errors.InputError(
                    f"{what}; wait for it to finish", source=root) from None
            raise
        yield
    finally:
        os.close(fd)


@dataclasses.dataclass(frozen=True, slots=True)
class Published:
    """What a :func:`publish` changed in its destination."""

    copied: tuple[str, ...]  # files of packages/
    pages: tuple[str, ...]  # pages rewritten, relative to the root
    removed: tuple[str, ...]  # files and project pages removed


def _same_file(src: str, dst: str) -> bool:
    """rsync's quick check: same size and modification time."""
    try:
        a, b = os.stat(src), os.stat(dst)
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def publish(source: MirrorDir, dest: str) -> Published:
    """Copy the mirror *source* to the directory *dest*, in safe order.

    Files first (each copied to a temp file and renamed, its mtime
    kept so that the manifest's records hold there too), then the
    project pages, the manifest, the root page last; only then are the
    project pages and files the source no longer has removed.  A reader
    of *dest* (a region, a CDN origin) never sees a page naming a file
    it lacks.  Files already there with the same size and mtime are not
    copied again, and unchanged pages not rewritten.  Call it with
    *source* :meth:`~MirrorDir.locked`; *dest* is locked against
    another publish.

    :raises InputError: a listed file of the source is missing or not
        its recorded size (check-mirror says which); *dest* cannot be
        written.
    """
    records = source.records()
    for filename, known in sorted(records.items()):
        path = os.path.join(source.packages, filename)
        size = os.path.getsize(path) if os.path.isfile(path) else None
        if size is None or (known.size is not None and size != known.size):
            raise errors.InputError(
                f"{filename} is missing or not the recorded file; run "
                "check-mirror and rerun build-wheel-mirror before "
                "publishing", source=source.root)
    dest = os.path.abspath(dest)
    if dest == source.root:
        raise errors.InputError("publish to another directory than the "
                                "mirror itself", source=dest)
    packages = os.path.join(dest, simpleapi.PACKAGES)
    simple = os.path.join(dest, simpleapi.SIMPLE)
    try:
        os.makedirs(packages, exist_ok=True)
        os.makedirs(simple, exist_ok=True)
    except OSError as exc:
        raise errors.InputError(f"cannot create it: {exc.strerror}",
                                source=dest) from exc
    copied: list[str] = []
    pages: list[str] = []
    removed: list[str] = []
    wanted = set(records)
    wanted |= {f + METADATA_SUFFIX for f in records if os.path.isfile(
        os.path.join(source.packages, f + METADATA_SUFFIX))}
    with _held(dest, "another publish is writing this directory"):
        for directory in (packages, simple):
            for entry in os.listdir(directory):
                if entry.startswith(PARTIAL):  # a killed publish's
                    path = os.path.join(directory, entry)
                    if os.path.isdir(path):
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        with contextlib.suppress(OSError):
                            os.unlink(path)
        # 1. the files
        for entry in sorted(wanted):
            src = os.path.join(source.packages, entry)
            dst = os.path.join(packages, entry)
            if _same_file(src, dst):
                continue
            fd, tmp = tempfile.mkstemp(prefix=PARTIAL, dir=packages)
            os.close(fd)
            try:
                shutil.copy2(src, tmp)
                os.replace(tmp, dst)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
            copied.append(entry)
        # 2. the project pages (JSON first, as MirrorDir writes them)
        names = sorted(e for e in os.listdir(source.simple)
                       if os.path.isfile(os.path.join(
                           source.simple, e, simpleapi.PAGE)))
        for name in names:
            directory = os.path.join(simple, name)
            if not os.path.isdir(directory):
                # A new project's directory arrives whole: a static
                # server would list a half-made one as a page.
                work = tempfile.mkdtemp(prefix=PARTIAL, dir=simple)
                for page in (simpleapi.JSON_PAGE, simpleapi.PAGE):
                    src = os.path.join(source.simple, name, page)
                    if os.path.isfile(src):
                        shutil.copyfile(src, os.path.join(work, page))
                        pages.append(f"{simpleapi.SIMPLE}/{name}/{page}")
                os.chmod(work, 0o755)
                os.rename(work, directory)
                continue
            for page in (simpleapi.JSON_PAGE, simpleapi.PAGE):
                src = os.path.join(source.simple, name, page)
                if os.path.isfile(src) and fileio.atomic_write(
                        os.path.join(directory, page),
                        fileio.read_text(src)):
                    pages.append(f"{simpleapi.SIMPLE}/{name}/{page}")
        # 3. the manifest, 4. the root page last
        for src, dst, shown in (
                (os.path.join(source.root, MANIFEST),
                 os.path.join(dest, MANIFEST), MANIFEST),
                *((os.path.join(source.simple, page),
                   os.path.join(simple, page), f"{simpleapi.SIMPLE}/{page}")
                  for page in (simpleapi.JSON_PAGE, simpleapi.PAGE))):
            if os.path.isfile(src) and fileio.atomic_write(
                    dst, fileio.read_text(src)):
                pages.append(shown)
        # 5. what the source no longer has: pages, then files
        for entry in sorted(os.listdir(simple)):
            path = os.path.join(simple, entry)
            if entry not in names and os.path.isdir(path) and (
                    not entry.startswith(".")):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(f"{simpleapi.SIMPLE}/{entry}/")
        for entry in sorted(os.listdir(packages)):
            if entry not in wanted and not entry.startswith("."):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(packages, entry))
                removed.append(entry)
    return Published(tuple(copied), tuple(pages), tuple(removed))


def read_records(where: str) -> dict[str, Record]:
    """The manifest records of a mirror: a directory or a URL.

    :raises InputError: no manifest there, or not one.
    :raises ToolError: the URL cannot be read.
    """
    if "://" not in where:
        records = read_manifest(where)
        if records is None:
            raise errors.InputError(
                f"no {MANIFEST}: not a mirror built by build-wheel-mirror",
                source=where)
        return records
    url = where.rstrip("/") + "/" + MANIFEST
    try:
        body = transport.Transport().get(url).body
        doc = json.loads(body.decode("utf-8"))
        return {str(name): Record.from_dict(entry)
                for name, entry in doc["files"].items()}
    except transport.NotFoundError as exc:
        raise errors.InputError(f"no {MANIFEST} there", source=url) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise errors.InputError(f"not a mirror manifest: {exc}",
                                source=url) from exc


def differences(
    mine: dict[str, Record], other: dict[str, Record],
    mine_label: str, other_label: str,
) -> list[errors.Finding]:
    """What differs between two mirrors' manifests, file by file.

    A file only one has, a file both have with another sha256 (or
    size), or from another origin (index, upstream hash, upload time,
    last serial, yanked).  Arrival times and mtimes are each copy's
    own and are not compared.
    """
    findings = []
    for filename in sorted(set(mine) | set(other)):
        a, b = mine.get(filename), other.get(filename)
        if b is None:
            why = f"only in {mine_label}"
        elif a is None:
            why = f"only in {other_label}"
        elif (a.sha256, a.size) != (b.sha256, b.size):
            why = (f"sha256 {a.sha256} in {mine_label}, {b.sha256} in "
                   f"{other_label}")
        elif a.origin != b.origin:
            keys = sorted(k for k in set(a.origin) | set(b.origin)
                          if a.origin.get(k) != b.origin.get(k))
            why = "another origin (" + ", ".join(
                f"{k}: {a.origin.get(k, '-')} / {b.origin.get(k, '-')}"
                for k in keys) + f") in {mine_label} / {other_label}"
        else:
            continue
        findings.append(errors.Finding(
            os.path.join(mine_label, MANIFEST) if "://" not in mine_label
            else mine_label, None, f"{filename}: {why}", "differs"))
    return findings


def checked_metadata(path: str, filename: str) -> str:
    """The core metadata of *path*, published as *filename*.

    :raises InputError: unreadable, or its name or version is not the
        filename's.
    """
    metadata = read_metadata(path, filename)
    why = mirror.disagreement(filename, metadata)
    if why is not None:
        raise errors.InputError(f"{filename}: {why}", source=path)
    return metadata


def check_files(
    paths: Sequence[str], target: MirrorDir
) -> list[tuple[str, str]]:
    """(path, filename) of each file to add that the mirror lacks.

    Reads only: every file is checked before anything is written.  This
    is the one way in for files from outside (``--add``, uploads): the
    filename, the METADATA name and version, and so the page the file
    goes on, must agree.

    :raises InputError: not a wheel or sdist, unreadable, named for
        another project or version than its metadata says, or a
        different file of the same name is already in the mirror.
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
        checked_metadata(path, filename)
        known = target.record(filename)
        if known is None:
            known = (read_manifest(target.root) or {}).get(filename)
        if known is not None:
            if known.sha256 != sha256_of(path):
                raise errors.InputError(
                    f"the mirror already holds a different "
                    f"{filename}; files in a mirror never change, "
                    "release a new version instead", source=path)
            if target.intact(filename):
                continue
        checked.append((path, filename))
    return checked


def add_files(paths: Sequence[str], target: MirrorDir) -> list[str]:
    """Copy wheels or sdists into the mirror; the filenames that were new.

    Call it with the mirror :meth:`~MirrorDir.locked`; the pages are the
    caller's to regenerate.

    :raises InputError: as :func:`check_files`, before any copy.
    """
    added = []
    for path, filename in check_files(paths, target):
        work = target.temp_dir()
        try:
            tmp = os.path.join(work, filename)
            shutil.copyfile(path, tmp)
            if target.place(tmp, filename, {"added": filename}):
                added.append(filename)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return added


def _listed(simple: str, name: str) -> tuple[str, list[simpleapi.File]]:
    """(page path, files) of a project: its JSON form (sizes) if any."""
    directory = os.path.join(simple, name)
    json_page = os.path.join(directory, simpleapi.JSON_PAGE)
    page = os.path.join(directory, simpleapi.PAGE)
    base = pathlib.Path(os.path.abspath(page)).as_uri()
    html_files = simpleapi.parse_project(fileio.read_text(page), base)
    if os.path.isfile(json_page):
        with contextlib.suppress(ValueError, KeyError, TypeError,
                                 AttributeError):
            sizes = {f.filename: f.size for f in simpleapi.parse_project_json(
                fileio.read_text(json_page), base)}
            html_files = [dataclasses.replace(f, size=sizes.get(f.filename))
                          for f in html_files]
    return page, html_files


def verify_mirror(root: str, hashes: bool = True) -> list[errors.Finding]:
    """Check the local mirror *root* against its pages.

    Every file a page lists must be there with the size its JSON page
    gives (cheap, always) and, with *hashes*, the sha256 of its link;
    every file in ``packages/`` must be listed (else it is a stray).
    """
    simple = os.path.join(root, simpleapi.SIMPLE)
    packages = os.path.join(root, simpleapi.PACKAGES)
    findings = []
    # A file that arrived but whose page a killed run did not write yet
    # is recorded: not a stray.
    listed: set[str] = set(read_manifest(root) or ())
    for name in sorted(os.listdir(simple)):
        if not os.path.isfile(os.path.join(simple, name, simpleapi.PAGE)):
            continue
        page, files = _listed(simple, name)
        for f in files:
            path = transport.file_path(f.url)
            listed.add(f.filename)
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
                continue
            size = os.path.getsize(path)
            if f.size is not None and size != f.size:
                findings.append(errors.Finding(
                    page, None, f"{shown} is {size} bytes, its page says "
                    f"{f.size} (a truncated or corrupted copy); rerun "
                    "build-wheel-mirror to fetch it again", "size"))
            elif hashes and f.sha256 and sha256_of(path) != f.sha256:
                findings.append(errors.Finding(
                    page, None, f"{shown} differs from its page: sha256 "
                    f"{sha256_of(path)}, the page says {f.sha256} (a stale "
                    "or corrupted copy); rerun build-wheel-mirror to "
                    "fetch it again", "hash"))
    if os.path.isdir(packages):
        for entry in sorted(os.listdir(packages)):
            if entry.startswith(".") or entry in listed or (
                    entry.endswith(METADATA_SUFFIX)
                    and entry[:-len(METADATA_SUFFIX)] in listed):
                continue
            findings.append(errors.Finding(
                os.path.join(packages, entry), None,
                "a stray file: no page lists it; publish it with "
                "build-wheel-mirror --add (its name and metadata must "
                "agree) or remove it", "stray"))
    return findings
