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

"""The generate orchestration: targets, parallel runs, fallback. Processes.

What to run (:func:`make_targets`: interpreters to install into, or
Python versions to resolve for), running them *jobs* at a time in
threads (:func:`run`), stopping them all on Ctrl-C or SIGTERM, returning
the results in target order, and falling back from one universal
resolve to one resolve per version.  uv and pip are started only through
a seam, a :class:`Runner` (the :mod:`venv` functions by default), so
tests drive all of this with fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from concurrent import futures
import dataclasses
import datetime
import os
import re

from openstack_requirements import buildlog
from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import interpreters
from openstack_requirements import procs
from openstack_requirements import venv
from openstack_requirements.targets import Interpreter  # noqa: H306

#: ``progress(label, phase)``: a target (its Python version) moved on.
Progress = Callable[[str, str], None]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
                        r"(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")


@dataclasses.dataclass(frozen=True)
class Runner:
    """The seam: what really probes interpreters and runs uv or pip.

    Each field has the signature of the :mod:`venv` function it
    defaults to.
    """

    probe: Callable[[str, Mapping[str, str]], Interpreter] = (
        interpreters.probe)
    find_uv: Callable[[Mapping[str, str]], interpreters.Uv] = (
        interpreters.find_uv)
    install_and_freeze: Callable[..., constraints.Freeze] = (
        venv.install_and_freeze)
    resolve: Callable[..., constraints.Freeze] = venv.resolve
    resolve_universal: Callable[..., list[constraints.Freeze]] = (
        venv.resolve_universal)
    lock: Callable[..., constraints.Freeze] = venv.lock


#: The real thing.
VENV = Runner()


@dataclasses.dataclass(frozen=True, slots=True)
class Targets:
    """What to run: interpreters (install) or versions (resolve)."""

    resolve: bool
    versions: tuple[str, ...]  # one label per target, in target order
    interpreters: tuple[Interpreter, ...] = ()  # install only


@dataclasses.dataclass(frozen=True)
class Options:
    """How to run every target."""

    requirements: str  # an absolute path
    installer: interpreters.Installer
    index: venv.IndexOptions
    env: Mapping[str, str]  # already through interpreters.clean_env
    log_dir: str
    jobs: int
    per_version: bool = False  # resolve: never one universal resolve
    python_platform: str = ""  # resolve: for this platform
    #: record the files of every pinned release (pylock.toml companions)
    lock: bool = False


def index_options(
    *, index_url: str, extra_index_urls: Sequence[str],
    find_links: Sequence[str], no_index: bool, exclude_newer: str,
    offline: bool, installer: interpreters.Installer,
) -> venv.IndexOptions:
    """The index options, checked; a bare date becomes a UTC timestamp.

    :raises InputError: options that do not go together, or a cut-off
        that is not a date.
    """
    if offline and installer is not interpreters.Installer.UV:
        raise errors.InputError(
            "--offline needs --installer uv (pip has no offline mode)")
    if no_index and not find_links:
        raise errors.InputError("--no-index needs at least one --find-links")
    cutoff = exclude_newer
    if cutoff:
        if _DATE.fullmatch(cutoff):
            # A bare date means its start in UTC for both installers
            # (pip would take the local time zone).
            cutoff += "T00:00:00Z"
        elif not _TIMESTAMP.fullmatch(cutoff):
            raise errors.InputError(
                f"--exclude-newer {cutoff!r}: give a date (2025-01-31) or "
                "an RFC 3339 timestamp with a time zone "
                "(2025-01-31T12:00:00Z)")
        try:
            datetime.datetime.fromisoformat(cutoff.replace("Z", "+00:00"))
        except ValueError as exc:
            raise errors.InputError(
                f"--exclude-newer {exclude_newer!r}: not a real date "
                f"({exc})") from exc
    return venv.IndexOptions(
        index_url=index_url,
        extra_index_urls=tuple(extra_index_urls),
        find_links=tuple(find_links),
        no_index=no_index,
        exclude_newer=cutoff,
        offline=offline,
    )


def make_targets(
    pythons: Sequence[str], *, resolve: bool,
    installer: interpreters.Installer, env: Mapping[str, str],
    runner: Runner = VENV,
) -> Targets:
    """Check the ``-p`` values: versions to resolve, or interpreters.

    Every interpreter is probed before any work starts.

    :raises InputError: a bad ``-p``, or two for one Python version.
    """
    if resolve:
        if installer is not interpreters.Installer.UV:
            raise errors.InputError(
                "--method resolve uses uv's resolver; drop "
                "--installer pip")
        for python in pythons:
            if not re.fullmatch(r"[0-9]+\.[0-9]+", python):
                raise errors.InputError(
                    f"-p {python}: with --method resolve give a Python "
                    "version such as 3.12")
        targets = Targets(True, tuple(pythons))
    else:
        probed = tuple(runner.probe(p, env) for p in pythons)
        targets = Targets(False, tuple(i.python_version for i in probed),
                          probed)
    seen: dict[str, str] = {}
    for python, version in zip(pythons, targets.versions, strict=True):
        if version in seen:
            raise errors.InputError(
                f"-p {seen[version]} and -p {python} are both Python "
                f"{version}; give one interpreter per version")
        seen[version] = python
    return targets


def default_jobs(targets: Targets, cpus: int) -> int:
    """How many targets run at once when ``--jobs`` is not given.

    Installs build and unpack: at most one per CPU.  Resolves mostly
    wait for the index or read uv's cache: all at once.
    """
    count = len(targets.versions)
    return count if targets.resolve else min(count, cpus)


def check_version_map(
    version_map: Mapping[str, Sequence[str]], targets: Targets
) -> None:
    """Every SRC of a ``--version-map`` is a target.

    Checked before the hours of installs, not after.

    :raises InputError: the SRCs no target provides.
    """
    missing = sorted(set(version_map) - set(targets.versions))
    if missing:
        raise errors.InputError(
            f"--version-map: no interpreter for Python "
            f"{', '.join(missing)}; the interpreters are "
            f"{', '.join(targets.versions)}")


def jobs(given: int | None, targets: Targets, cpus: int) -> int:
    """``--jobs``: *given*, or :func:`default_jobs` when it is None.

    :raises InputError: *given* is below 1.
    """
    if given is not None and given < 1:
        raise errors.InputError("--jobs must be at least 1")
    return given or default_jobs(targets, cpus)


def respell(freeze: constraints.Freeze,
            names: Mapping[str, str]) -> constraints.Freeze:
    """*freeze* with names spelled as in *names* (canonical -> written)."""
    return dataclasses.replace(freeze, pins=tuple(
        dataclasses.replace(pin, name=names.get(pin.canonical, pin.name))
        for pin in freeze.pins))


def run(
    targets: Targets, options: Options, progress: Progress,
    runner: Runner = VENV,
) -> tuple[list[constraints.Freeze], list[buildlog.Failure]]:
    """Run every target, *options.jobs* at a time; results in target order.

    The others finish even when one fails.  Several versions to resolve
    (and neither ``per_version`` nor a platform) are first resolved
    together in one universal resolve; if that fails, one resolve per
    version gives the answer.  On ``KeyboardInterrupt`` (Ctrl-C, or
    SIGTERM: see :func:`procs.sigterm_interrupts`) every running child is
    stopped, targets not started never start, and the interrupt goes on
    once every worker has finished.
    """
    labels = targets.versions
    index = options.index
    if options.installer is interpreters.Installer.UV:
        index = venv.write_uv_config(index, options.log_dir)
    env = options.env

    def every(phase: str) -> None:
        for label in labels:
            progress(label, phase)

    cancel = procs.Cancel()
    uv = runner.find_uv(env)
    if (targets.resolve and len(labels) > 1 and not options.per_version
            and not options.python_platform):
        restore = procs.sigterm_interrupts()
        log = os.path.join(options.log_dir, "universal-resolve.log")
        try:
            made = runner.resolve_universal(
                labels, options.requirements, index, log,
                dict(env, **interpreters.uv_connections(1)), cancel, uv,
                every)
            if options.lock:
                made = [runner.lock(
                    freeze, index, os.path.join(
                        options.log_dir,
                        f"python{freeze.python_version}-lock.log"),
                    env, cancel, uv, from_cache=True) for freeze in made]
            return made, []
        except venv.InstallError:
            # A universal resolve also covers Pythons newer than every
            # target and can fail where per-version resolves succeed;
            # these then give the real answer (or a per-version report).
            every("universal resolve failed; resolving per version")
        finally:
            restore()
    # Parallel uv processes share a connection budget: past it, DNS
    # lookups get dropped and uv stalls on connect timeouts (see
    # interpreters.UV_CONNECTION_BUDGET).
    env = dict(env, **interpreters.uv_connections(
        min(options.jobs, len(labels))))

    # Where pages stay fresh in uv's cache (PyPI, see venv.Pages), one
    # install reads the index and the others reuse its pages.
    pages = (venv.Pages() if options.installer is interpreters.Installer.UV
             and options.jobs > 1 and len(labels) > 1 and index.uv_config
             and not index.offline and not targets.resolve else None)

    def one(position: int) -> constraints.Freeze:
        label = labels[position]

        def report(phase: str) -> None:
            progress(label, phase)

        lock_log = os.path.join(options.log_dir, f"python{label}-lock.log")
        if targets.resolve:
            log = os.path.join(options.log_dir, f"python{label}-resolve.log")
            freeze = runner.resolve(
                label, options.requirements, index, log, env, cancel, uv,
                options.python_platform, report)
            return runner.lock(freeze, index, lock_log, env, cancel, uv,
                               python_platform=options.python_platform,
                               from_cache=True) if options.lock else freeze
        log = os.path.join(options.log_dir,
                           f"python{label}-{options.installer.value}.log")
        freeze = runner.install_and_freeze(
            targets.interpreters[position], options.requirements,
            options.installer, index, log, env, cancel, uv, report, pages)
        if options.lock:
            report("lock: files of the pinned releases")
            freeze = runner.lock(
                freeze, index, lock_log, env, cancel, uv,
                python=targets.interpreters[position].path,
                from_cache=options.installer is interpreters.Installer.UV)
        return freeze

    freezes: list[constraints.Freeze] = []
    failures: list[buildlog.Failure] = []
    pool = futures.ThreadPoolExecutor(max_workers=options.jobs)
    restore = procs.sigterm_interrupts()
    try:
        pending = [pool.submit(one, i) for i in range(len(labels))]
        # In target order, whatever order they finish in.
        for position, future in enumerate(pending):
            try:
                freezes.append(future.result())
            except venv.InstallError as exc:
                failures.append(exc.failure)
                progress(labels[position], "FAILED")
    except KeyboardInterrupt:
        # Drop the targets not started first: a worker freed by the
        # cancel would start the next one.  Then stop every child; each
        # worker removes its own venv.
        pool.shutdown(wait=False, cancel_futures=True)
        cancel.cancel()
        pool.shutdown(wait=True)
        raise
    finally:
        pool.shutdown(wait=True)
        restore()
    return freezes, failures
