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

"""Wheel mirror I/O: interpreters, simple-index client, builds, the
mirror directory.

Does I/O: runs interpreters, ``uv build`` and ``pip wheel``; fetches
index pages and files; writes the mirror.  Every decision is made by
:mod:`openstack_requirements.mirror`.  The machine's pip and uv
configuration is never read: builds run with ``PIP_CONFIG_FILE=/dev/null``
and ``--no-config`` and are given their index explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
import concurrent.futures
import contextlib
import dataclasses
import enum
import errno
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import urllib.parse
import zipfile

from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements import interpreters
from openstack_requirements import mirror
from openstack_requirements import targets
from openstack_requirements import transport

PYPI = "https://pypi.org/simple/"
BUILD_TIMEOUT = 1800  # seconds for one sdist build
FETCH_TIMEOUT = 60.0  # seconds per socket operation: big files
PARTIAL = ".partial-"

# -- the simple-API client -------------------------------------------


class Index:
    """A PEP 503/691 simple index at *url* (http(s):// or file://).

    Fetches through the shared :class:`transport.Transport`: its
    timeout, retries with backoff, one TLS context per host, gzip.
    """

    def __init__(self, url: str,
                 http: transport.Transport | None = None) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.http = http or transport.Transport(timeout=FETCH_TIMEOUT)

    def page_url(self, name: str) -> str:
        return urllib.parse.urljoin(self.url, urllib.parse.quote(name) + "/")

    def project(self, name: str) -> list[mirror.File] | None:
        """Files of project *name*, or None if the index has no such page.

        :raises IndexUnavailableError: the index cannot be reached.
        """
        url = self.page_url(name)
        # A directory on disk has no server to pick its index page.
        local = (url + mirror.PAGE if transport.file_path(url) is not None
                 else url)
        try:
            response = self.http.get(local, accept=mirror.ACCEPT)
        except transport.NotFoundError:
            return None
        text = response.body.decode("utf-8", "replace")
        try:
            if response.content_type in (mirror.JSON_CONTENT_TYPE,
                                         "application/json"):
                return mirror.parse_project_json(text, response.url)
            return mirror.parse_project(text, response.url)
        except (ValueError, KeyError, TypeError) as exc:
            raise transport.IndexUnavailableError(
                f"{url}: not a simple-API page: {exc}", url) from exc

    def download(self, f: mirror.File, directory: str) -> tuple[str, str]:
        """Fetch *f* into *directory*; (path, sha256).  Hash checked.

        :raises IndexUnavailableError: unreachable, or the hash differs.
        """
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=PARTIAL)
        os.close(fd)
        try:
            sha256 = self.http.sha256(f.url, tmp)
        except BaseException:
            os.unlink(tmp)
            raise
        if f.sha256 and f.sha256 != sha256:
            os.unlink(tmp)
            raise transport.IndexUnavailableError(
                f"{f.url}: sha256 is {sha256} but the index says "
                f"{f.sha256}", f.url)
        return tmp, sha256

    def hash_of(self, url: str) -> str:
        """sha256 of the file at *url* (streamed, not kept)."""
        return self.http.sha256(url)


# -- the mirror directory --------------------------------------------


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
        self.packages = os.path.join(self.root, mirror.PACKAGES)
        self.simple = os.path.join(self.root, mirror.SIMPLE)
        self._lock = threading.RLock()
        self._cache: dict[tuple[str, int, int], mirror.File] = {}
        self._by_name: dict[str, list[str]] = {}
        self._listed: frozenset[str] = frozenset()
        self._recorded_files: dict[str, mirror.File] = {}

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

    def _recorded(self, name: str) -> list[mirror.File]:
        """The entries of the project's current JSON page, if readable."""
        page = os.path.join(self.simple, name, mirror.JSON_PAGE)
        if not os.path.isfile(page):
            return []
        try:
            return mirror.parse_project_json(fileio.read_text(page),
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

    def describe(self, filename: str) -> mirror.File:
        """The page entry of ``packages/<filename>`` (hash, metadata).

        A file the mirror's pages already list keeps the hash recorded
        when it arrived: files in a mirror never change, so a file
        altered since (a bad copy, tampering) is not blessed with a new
        hash; pip refuses it and ``check-mirror --verify-hashes``
        reports it.  This also spares a warm run re-hashing the mirror.
        """
        known = self._recorded_files.get(filename)
        if known is not None:
            return mirror.File(filename, mirror.package_url(filename),
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
            cached = mirror.File(filename, mirror.package_url(filename),
                                 sha256_of(path), requires)
            self._cache[key] = cached
        return cached

    def files(self, name: str) -> list[mirror.File]:
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
            fileio.atomic_write(os.path.join(directory, mirror.JSON_PAGE),
                                mirror.render_project_json(name, files))
            fileio.atomic_write(os.path.join(directory, mirror.PAGE),
                                mirror.render_project(name, files))
            new = name not in self._listed
        if new:
            self.write_root()

    def write_root(self) -> None:
        names = self.names()
        with self._lock:
            self._listed = frozenset(names)
            fileio.atomic_write(os.path.join(self.simple, mirror.JSON_PAGE),
                                mirror.render_root_json(names))
            fileio.atomic_write(os.path.join(self.simple, mirror.PAGE),
                                mirror.render_root(names))

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


# -- building --------------------------------------------------------


def build_command(
    installer: interpreters.Installer, python: str, sdist: str,
    out_dir: str, index_url: str, uv_bin: str = "uv",
) -> tuple[str, ...]:
    """The isolated build of one sdist into a wheel, for *python*.

    :param uv_bin: the uv binary (see :func:`interpreters.find_uv`), for
        ``UV``.
    """
    if installer is interpreters.Installer.UV:
        return (uv_bin, "build", "--wheel", "--no-config",
                "--python", python, "--default-index",
                index_url, "--out-dir", out_dir, sdist)
    return (python, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir",
            "--isolated", "--index-url", index_url, "--wheel-dir", out_dir,
            sdist)


class BuildError(Exception):
    def __init__(self, msg: str, lines: Sequence[str] = ()) -> None:
        super().__init__(msg)
        self.lines = list(lines)


def build_wheel(
    installer: interpreters.Installer, python: str, sdist: str,
    index_url: str, work: str, env: Mapping[str, str], uv_bin: str = "uv",
) -> str:
    """Build *sdist* for *python* in isolation; the wheel's path.

    :param env: the environment, already through
        :func:`interpreters.clean_env`.

    :raises BuildError: the build failed; carries its error lines.
    """
    out_dir = os.path.join(work, "wheel")
    os.makedirs(out_dir, exist_ok=True)
    command = build_command(installer, python, sdist, out_dir, index_url,
                            uv_bin)
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=work,
            env=dict(env), timeout=BUILD_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"build timed out after {BUILD_TIMEOUT}s") from exc
    except OSError as exc:
        raise BuildError(f"cannot run {command[0]}: {exc}") from exc
    wheels = [f for f in os.listdir(out_dir) if f.endswith(mirror.WHEEL)]
    if result.returncode != 0 or len(wheels) != 1:
        raise BuildError(
            f"{installer.value} build exited {result.returncode}",
            mirror.error_lines(result.stdout + "\n" + result.stderr))
    return os.path.join(out_dir, wheels[0])


class Status(enum.Enum):
    PRESENT = "present"
    DOWNLOADED = "downloaded"
    BUILT = "built"
    MISSING = "missing"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    pin: mirror.Pin
    interpreter: targets.Interpreter
    status: Status
    filename: str = ""
    message: str = ""
    lines: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Unpinned:
    """A needed distribution the constraints do not pin."""

    requirer: mirror.Pin | None  # None: asked for by the -r file
    name: str
    interpreter: targets.Interpreter


def _unique(items: Iterable[Unpinned]) -> list[Unpinned]:
    seen = set()
    unique = []
    for item in items:
        key = (item.requirer, item.name, item.interpreter.path)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


class Builder:
    """Fetches or builds the file of each job into a mirror."""

    def __init__(self, target: MirrorDir, index: Index,
                 installer: interpreters.Installer,
                 env: Mapping[str, str]) -> None:
        """:param env: the environment, through :func:`interpreters.clean_env`.

        :raises ToolError: uv is wanted and missing.
        """
        self.target = target
        self.index = index
        self.installer = installer
        self.env = dict(env)
        # Found here, in the calling thread, never in a worker.
        self.uv_bin = (interpreters.find_uv(self.env).path
                       if installer is interpreters.Installer.UV else "uv")

    def run(self, jobs: Sequence[mirror.Job], workers: int,
            progress: Callable[[Outcome], None] | None = None,
            ) -> list[Outcome]:
        outcomes: list[Outcome] = []
        pool = concurrent.futures.ThreadPoolExecutor(max(1, workers))
        try:
            futures = [pool.submit(self._job, job) for job in jobs]
            for future in concurrent.futures.as_completed(futures):
                for outcome in future.result():
                    outcomes.append(outcome)
                    if progress is not None:
                        progress(outcome)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return outcomes

    def closure(
        self, all_pins: Sequence[mirror.Pin],
        interpreters: Sequence[targets.Interpreter],
        roots: Sequence[Sequence[mirror.Wanted]], workers: int,
        progress: Callable[[Outcome], None] | None = None,
    ) -> tuple[list[Outcome], list[Unpinned]]:
        """Mirror *roots* (per interpreter) and their dependencies.

        Dependencies come from the ``Requires-Dist`` of each wheel as it
        lands, markers evaluated for its interpreter, and are mirrored
        at their pinned version, as ``pip wheel -r ... -c ...`` would.
        A dependency the constraints do not pin is not mirrored and is
        returned as :class:`Unpinned`.
        """
        outcomes: list[Outcome] = []
        unpinned: list[Unpinned] = []
        pinned = [{p.canonical: p for p in mirror.applicable(
            all_pins, i.env)} for i in interpreters]
        number = {i.path: n for n, i in enumerate(interpreters)}
        extras: list[dict[str, set[str]]] = [{} for _ in interpreters]
        expanded: list[dict[str, frozenset[str]]] = [
            {} for _ in interpreters]
        landed: list[dict[str, str]] = [{} for _ in interpreters]
        queued: list[set[str]] = [set() for _ in interpreters]
        Todo = list[tuple[int, str, tuple[str, ...], mirror.Pin | None]]
        pool = concurrent.futures.ThreadPoolExecutor(max(1, workers))
        pending: set[concurrent.futures.Future[list[Outcome]]] = set()

        def enqueue(todo: Todo) -> None:
            needs = []
            for n, name, wanted_extras, requirer in todo:
                extras[n].setdefault(name, set()).update(wanted_extras)
                pin = pinned[n].get(name)
                if pin is None:
                    unpinned.append(Unpinned(requirer, name,
                                             interpreters[n]))
                elif name not in queued[n]:
                    queued[n].add(name)
                    needs.append((pin, interpreters[n]))
            for job in mirror.jobs_for(needs):
                pending.add(pool.submit(self._job, job))

        def expand() -> Todo:
            # The dependencies of wheels that landed, or whose wanted
            # extras grew, since last time.
            todo: Todo = []
            for n, interpreter in enumerate(interpreters):
                for name, filename in landed[n].items():
                    want = frozenset(extras[n].get(name, ()))
                    if expanded[n].get(name) == want:
                        continue
                    expanded[n][name] = want
                    metadata = read_metadata(
                        os.path.join(self.target.packages, filename))
                    for dep, dep_extras in mirror.dependencies(
                            metadata, interpreter.env, want):
                        if dep not in queued[n] or not set(dep_extras) <= (
                                extras[n].get(dep, set())):
                            todo.append((n, dep, dep_extras,
                                         pinned[n][name]))
            return todo

        # Event-driven rather than in waves: a dependency starts as soon
        # as the wheel that needs it lands, so no wave waits for its
        # slowest build.
        todo: Todo = [(n, name, tuple(wanted_extras), None)
                      for n, wanted in enumerate(roots)
                      for name, wanted_extras in wanted]
        try:
            while True:
                enqueue(todo)
                todo = expand()
                if todo:
                    continue
                if not pending:
                    break
                done, _ = concurrent.futures.wait(
                    pending, return_when=concurrent.futures.FIRST_COMPLETED)
                pending.difference_update(done)
                for future in done:
                    for outcome in future.result():
                        outcomes.append(outcome)
                        if progress is not None:
                            progress(outcome)
                        if outcome.filename.endswith(mirror.WHEEL):
                            n = number[outcome.interpreter.path]
                            landed[n][outcome.pin.canonical] = (
                                outcome.filename)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return outcomes, _unique(unpinned)

    def _job(self, job: mirror.Job) -> list[Outcome]:
        pin = job.pin
        outcomes = []
        page: list[mirror.File] | None = None
        fetched = False
        for interpreter in job.interpreters:
            have = mirror.compatible_wheels(
                pin, self.target.files(pin.canonical), interpreter)
            if have:
                outcomes.append(Outcome(pin, interpreter, Status.PRESENT,
                                        have[0].filename))
                continue
            try:
                if not fetched:
                    page = self.index.project(pin.canonical)
                    fetched = True
                outcomes.append(self._obtain(pin, interpreter, page))
            except transport.IndexUnavailableError as exc:
                outcomes.append(Outcome(pin, interpreter, Status.FAILED,
                                        message=str(exc)))
        return outcomes

    def _obtain(self, pin: mirror.Pin, interpreter: targets.Interpreter,
                page: list[mirror.File] | None) -> Outcome:
        if page is None:
            return Outcome(pin, interpreter, Status.MISSING,
                           message=f"{pin.canonical} is not on "
                           f"{self.index.url}")
        choice = mirror.choose(pin, page, interpreter)
        if choice.file is None:
            return Outcome(pin, interpreter, Status.MISSING,
                           message=choice.reason)
        work = self.target.temp_dir()
        try:
            f = choice.file
            local = os.path.join(self.target.packages, f.filename)
            if not os.path.exists(local):
                tmp, _ = self.index.download(f, work)
                self.target.place(tmp, f.filename)
            if choice.kind is mirror.Kind.WHEEL:
                self.target.write_project(pin.canonical)
                return Outcome(pin, interpreter, Status.DOWNLOADED,
                               f.filename)
            try:
                wheel = build_wheel(self.installer, interpreter.path,
                                    local, self.index.url, work, self.env,
                                    self.uv_bin)
            except BuildError as exc:
                # The sdist itself is published: it is a valid file.
                self.target.write_project(pin.canonical)
                return Outcome(pin, interpreter, Status.FAILED,
                               f.filename, str(exc), tuple(exc.lines))
            filename = os.path.basename(wheel)
            self.target.place(wheel, filename)
            self.target.write_project(pin.canonical)
            return Outcome(pin, interpreter, Status.BUILT, filename)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def default_jobs() -> int:
    return max(2, os.cpu_count() or 2)


def python_default() -> str:
    return sys.executable


# -- checking --------------------------------------------------------


def fetch_pages(
    index: Index, names: Iterable[str], workers: int = 16
) -> dict[str, list[mirror.File] | None]:
    """Project pages of *names*, fetched in parallel.

    The first page that cannot be fetched stops the rest: an offline
    machine is told so after one page's retries, not after every page's.

    :raises ToolError: the index cannot be reached.
    """
    unique = sorted(set(names))
    pool = concurrent.futures.ThreadPoolExecutor(workers)
    try:
        found = list(pool.map(index.project, unique))
    except transport.IndexUnavailableError as exc:
        raise errors.ToolError(f"cannot read the index: {exc}") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return dict(zip(unique, found, strict=True))


def verify_mirror(root: str) -> list[errors.Finding]:
    """Check every file that a page of the local mirror *root* lists.

    Each must be present and have the sha256 its link carries.
    """
    import pathlib

    simple = os.path.join(root, mirror.SIMPLE)
    findings = []
    for name in sorted(os.listdir(simple)):
        page = os.path.join(simple, name, mirror.PAGE)
        if not os.path.isfile(page):
            continue
        base = pathlib.Path(os.path.abspath(page)).as_uri()
        for f in mirror.parse_project(fileio.read_text(page), base):
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


def verify_remote(
    index: Index, files: Iterable[mirror.File], workers: int = 8
) -> list[errors.Finding]:
    """Fetch each of *files* and compare it with its ``#sha256=``."""

    def one(f: mirror.File) -> errors.Finding | None:
        if not f.sha256:
            return errors.Finding(index.url, None, f"{f.url} is listed "
                                  "without #sha256=", "hash")
        try:
            actual = index.hash_of(f.url)
        except transport.IndexUnavailableError as exc:
            return errors.Finding(index.url, None,
                                  f"{f.filename} cannot be fetched: {exc}",
                                  "missing-file")
        if actual != f.sha256:
            return errors.Finding(
                index.url, None, f"{f.url} has sha256 {actual}, its page "
                f"says {f.sha256}", "hash")
        return None

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return [x for x in pool.map(one, files) if x is not None]
