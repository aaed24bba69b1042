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

"""The wheel mirror builder: fetch or build the file of each pin into a
mirror directory. Processes.

Runs ``uv build`` and ``pip wheel`` (and, until they move, the
interpreters it probes); fetches through
:mod:`openstack_requirements.simpleindex` and writes through
:mod:`openstack_requirements.mirrordir`.  Every decision is made by
:mod:`openstack_requirements.mirror`.  The machine's pip and uv
configuration is never read: builds run with ``PIP_CONFIG_FILE=/dev/null``
and ``--no-config`` and are given their index explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import concurrent.futures
import dataclasses
import enum
import os
import shutil
import subprocess
import sys

from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import interpreters
from openstack_requirements import mirror
from openstack_requirements import mirrordir
from openstack_requirements import procs
from openstack_requirements import simpleapi
from openstack_requirements import simpleindex
from openstack_requirements import targets
from openstack_requirements import transport

BUILD_TIMEOUT = 1800  # seconds for one sdist build


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
        result = procs.run_tied(command, work, env, BUILD_TIMEOUT)
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
    pin: constraints.Pin
    interpreter: targets.Interpreter
    status: Status
    filename: str = ""
    message: str = ""
    lines: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Unpinned:
    """A needed distribution the constraints do not pin."""

    requirer: constraints.Pin | None  # None: asked for by the -r file
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

    def __init__(self, target: mirrordir.MirrorDir,
                 index: simpleindex.Client,
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
        self, all_pins: Sequence[constraints.Pin],
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
        Todo = list[tuple[int, str, tuple[str, ...], constraints.Pin | None]]
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
                    metadata = mirrordir.read_metadata(
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
        page: list[simpleapi.File] | None = None
        fetched = False
        for interpreter in job.interpreters:
            have = mirror.compatible_wheels(
                pin, self.target.files(pin.canonical), interpreter)
            # A file that is not the one recorded when it arrived (a
            # flipped byte, a truncated copy) is fetched or built again.
            if have and self.target.intact(have[0].filename):
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

    def _obtain(self, pin: constraints.Pin,
                interpreter: targets.Interpreter,
                page: list[simpleapi.File] | None) -> Outcome:
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
            if not self.target.intact(f.filename):
                tmp, _ = self.index.download(f, work)
                origin = {"index": self.index.url, "url": f.url}
                if f.sha256:
                    origin["sha256"] = f.sha256
                if f.upload_time:
                    origin["upload-time"] = f.upload_time
                serial = self.index.serials.get(pin.canonical)
                if serial:
                    origin["last-serial"] = serial
                if f.yanked:
                    origin["yanked"] = "yes"
                try:
                    self.target.place(tmp, f.filename, origin)
                except errors.InputError as exc:
                    return Outcome(pin, interpreter, Status.FAILED,
                                   f.filename, str(exc))
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
            try:
                built = {"built-from": f.filename, "index": self.index.url}
                if f.yanked:
                    built["yanked"] = "yes"
                self.target.place(wheel, filename, built)
            except errors.InputError as exc:
                return Outcome(pin, interpreter, Status.FAILED, filename,
                               str(exc))
            self.target.write_project(pin.canonical)
            return Outcome(pin, interpreter, Status.BUILT, filename)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def default_jobs() -> int:
    return max(2, os.cpu_count() or 2)


def python_default() -> str:
    return sys.executable
