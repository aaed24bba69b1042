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

"""generate-constraints: generate upper-constraints.txt by installing the
global list into throwaway virtualenvs (or resolving it), one per
interpreter, and combining the freezes.

Three forms::

    generate-constraints -p PY [-p PY ...] -r FILE ...   freeze all + combine
    generate-constraints freeze -p PY -r FILE -o F.json  one interpreter
    generate-constraints combine F.json [F.json ...]     merge artifacts
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import os
import sys
import threading
import time
import typing
from typing import TextIO

from openstack_requirements.cmds import _cli
import openstack_requirements.errors as errors  # ruff/hacking order

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import buildlog
    from openstack_requirements import constraints
    from openstack_requirements import targets
    from openstack_requirements import venv

PROG = "generate-constraints"
EXAMPLE = (
    "generate-constraints -p python3.11 -p python3.12 -r global-"
    "requirements.txt -b blacklist.txt -o upper-constraints.txt"
)
DESCRIPTION = """\
Generate upper-constraints.txt: for each interpreter install the global
list into a throwaway virtualenv (uv by default, or pip exactly as the
reference method does), freeze it, and combine the freezes into
'name===version' lines with python_version markers where interpreters
disagree.  --method resolve asks uv's resolver instead, without
installing anything: one universal resolve split per Python version
(--per-version: one resolve per version).

Subcommands for CI fan-out (one job per interpreter and platform):
  generate-constraints freeze -p PY -r FILE -o freeze-PY.json
  generate-constraints combine freeze-*.json [-b FILE] -o FILE

Exit status: 0 written, 2 bad input, 3 an install failed (nothing is
written; the report names the requirement, the interpreter and the log).
"""
FREEZE_FORMAT = "openstack-requirements-freeze/1"


# -- arguments -------------------------------------------------------------


def _add_index_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "package sources (the user's pip.conf/uv.toml are ignored)")
    group.add_argument("--index-url", metavar="URL", default="",
                       help="base URL of the package index (default PyPI)")
    group.add_argument("--extra-index-url", action="append", default=[],
                       metavar="URL", help="another index (repeatable)")
    group.add_argument("--find-links", action="append", default=[],
                       metavar="DIR", help="local wheels (repeatable)")
    group.add_argument("--no-index", action="store_true",
                       help="use --find-links only")
    group.add_argument("--offline", action="store_true",
                       help="uv only: take everything from uv's cache, "
                            "no network")
    group.add_argument("--exclude-newer", metavar="DATE", default="",
                       help="ignore releases uploaded after DATE "
                            "(RFC 3339 timestamp or YYYY-MM-DD)")


def _add_run_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-r", "--requirements", metavar="FILE",
                        required=True, help="global-requirements.txt")
    parser.add_argument("--installer", choices=("uv", "pip"), default="uv",
                        help="install with uv (default) or with python -m "
                             "venv + pip like the reference method")
    parser.add_argument("--method", choices=("install", "resolve"),
                        default="install",
                        help="install: real install + freeze per "
                             "interpreter (default); resolve: uv pip "
                             "compile per Python version, -p names a "
                             "version such as 3.13")
    parser.add_argument("--python-platform", metavar="TRIPLE", default="",
                        help="with --method resolve: target platform "
                             "(default: this machine's; implies "
                             "--per-version)")
    parser.add_argument("--per-version", action="store_true",
                        help="with --method resolve and several versions: "
                             "one uv pip compile per version instead of "
                             "one universal resolve split per version")
    parser.add_argument("--log-dir", metavar="DIR",
                        help="keep the full logs here (default: a temp "
                             "dir, printed, removed after a success)")
    parser.add_argument("--json-report", metavar="FILE",
                        help="write what happened (failures included) as "
                             "JSON")
    _add_index_args(parser)


def _add_combine_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-b", "--blacklist", metavar="FILE",
                        help="names to leave out (blacklist/denylist)")
    parser.add_argument("--version-map", action="append", default=[],
                        metavar="SRC:DST",
                        help="use the SRC Python's freeze for DST too, "
                             "without running DST (e.g. 3.12:3.13)")
    parser.add_argument("--sort", choices=("hash", "name"), default="hash",
                        help="line order: hash of the name like the "
                             "reference (default) or name")
    parser.add_argument("--diff", metavar="OLD", help="print what changed "
                        "against an existing constraints file")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here (atomically) instead of stdout")


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--python", action="append", default=[],
                        metavar="PYTHON", required=True,
                        help="interpreter path or name on PATH; a version "
                             "like 3.13 with --method resolve "
                             "(repeatable)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="interpreters run at once (default: all, "
                             "at most the CPU count; with --method "
                             "resolve all)")
    _add_run_args(parser)
    _add_combine_args(parser)


def _add_freeze_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--python", metavar="PYTHON", required=True,
                        help="interpreter path or name on PATH (a version "
                             "with --method resolve)")
    parser.add_argument("-o", "--output", metavar="FILE", required=True,
                        help="the JSON artifact to write")
    _add_run_args(parser)


def _add_combine_only_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("freezes", nargs="+", metavar="FREEZE.json",
                        help="artifacts written by 'freeze'")
    _add_combine_args(parser)


# -- progress --------------------------------------------------------------


class _Progress:
    """Per-interpreter phase and elapsed time on stderr.

    On a terminal the lines are redrawn in place; otherwise one plain
    line per phase change.
    """

    def __init__(self, stream: TextIO, labels: Sequence[str]) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.labels = list(labels)
        self.start = time.monotonic()
        self.phases = {label: "waiting" for label in labels}
        self.lock = threading.Lock()
        self.drawn = False

    def reporter(self, label: str) -> Callable[[str], None]:
        return lambda phase: self.update(label, phase)

    def reporter_all(self) -> Callable[[str], None]:
        """One job for every label (a universal resolve)."""
        def report(phase: str) -> None:
            for label in self.labels:
                self.update(label, phase)
        return report

    def update(self, label: str, phase: str) -> None:
        with self.lock:
            if self.phases.get(label) == phase:
                return
            self.phases[label] = phase
            elapsed = time.monotonic() - self.start
            if not self.tty:
                print(f"[{label}] {phase} ({elapsed:.1f}s)",
                      file=self.stream, flush=True)
                return
            if self.drawn:
                self.stream.write(f"\x1b[{len(self.labels)}F")
            for name in self.labels:
                self.stream.write(
                    f"\x1b[K[{name}] {self.phases[name]} ({elapsed:.0f}s)\n")
            self.stream.flush()
            self.drawn = True


# -- shell -----------------------------------------------------------------


def _index(args: argparse.Namespace) -> venv.IndexOptions:
    from openstack_requirements import venv

    if args.offline and args.installer != "uv":
        raise errors.InputError(
            "--offline needs --installer uv (pip has no offline mode)")
    if args.no_index and not args.find_links:
        raise errors.InputError("--no-index needs at least one --find-links")
    links = tuple(os.path.abspath(link) if "://" not in link else link
                  for link in args.find_links)
    cutoff = args.exclude_newer
    if cutoff:
        import re

        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cutoff):
            # A bare date means its start in UTC for both installers
            # (pip would take the local time zone).
            cutoff += "T00:00:00Z"
        elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
                              r"(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})",
                              cutoff):
            raise errors.InputError(
                f"--exclude-newer {cutoff!r}: give a date (2025-01-31) or "
                "an RFC 3339 timestamp with a time zone "
                "(2025-01-31T12:00:00Z)")
        import datetime

        try:
            datetime.datetime.fromisoformat(cutoff.replace("Z", "+00:00"))
        except ValueError as exc:
            raise errors.InputError(
                f"--exclude-newer {args.exclude_newer!r}: not a real date "
                f"({exc})") from exc
    return venv.IndexOptions(
        index_url=args.index_url,
        extra_index_urls=tuple(args.extra_index_url),
        find_links=links,
        no_index=args.no_index,
        exclude_newer=cutoff,
        offline=args.offline,
    )


def _check_output_dir(path: str | None) -> None:
    if path:
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise errors.InputError(
                "the directory to write into does not exist", source=path)


def _digest(path: str) -> str:
    import hashlib

    from openstack_requirements import fileio

    return hashlib.sha256(fileio.read_bytes(path)).hexdigest()[:16]


class _Targets:
    """What to run: interpreters (install) or versions (resolve)."""

    def __init__(self, args: argparse.Namespace, pythons: Sequence[str],
                 env: Mapping[str, str]) -> None:
        import re

        from openstack_requirements import interpreters

        self.resolve = args.method == "resolve"
        self.interpreters: list[targets.Interpreter] = []
        self.versions: list[str] = []
        if self.resolve:
            if args.installer != "uv":
                raise errors.InputError(
                    "--method resolve uses uv's resolver; drop "
                    "--installer pip")
            for python in pythons:
                if not re.fullmatch(r"[0-9]+\.[0-9]+", python):
                    raise errors.InputError(
                        f"-p {python}: with --method resolve give a Python "
                        "version such as 3.12")
            self.versions = list(pythons)
        else:
            # Every interpreter is checked before any work starts.
            self.interpreters = [interpreters.probe(p, env)
                                 for p in pythons]
            self.versions = [i.python_version for i in self.interpreters]
        seen: dict[str, str] = {}
        for python, version in zip(pythons, self.versions, strict=True):
            if version in seen:
                raise errors.InputError(
                    f"-p {seen[version]} and -p {python} are both Python "
                    f"{version}; give one interpreter per version")
            seen[version] = python


def _run_all(
    args: argparse.Namespace,
    targets: _Targets,
    index: venv.IndexOptions,
    env: Mapping[str, str],
    log_dir: str,
    jobs: int,
) -> tuple[list[constraints.Freeze], list[buildlog.Failure]]:
    """Run every interpreter, *jobs* at a time.

    The others finish even when one fails.
    """
    from concurrent import futures

    from openstack_requirements import interpreters
    from openstack_requirements import procs
    from openstack_requirements import venv

    requirements = os.path.abspath(args.requirements)
    labels = targets.versions
    if args.installer == "uv":
        index = venv.write_uv_config(index, log_dir)
    progress = _Progress(sys.stderr, labels)
    cancel = procs.Cancel()
    installer = interpreters.Installer(args.installer)
    uv = interpreters.find_uv(env)
    if (targets.resolve and len(labels) > 1 and not args.per_version
            and not args.python_platform):
        restore = _sigterm_interrupts()
        log = os.path.join(log_dir, "universal-resolve.log")
        try:
            return venv.resolve_universal(
                labels, requirements, index, log,
                dict(env, **interpreters.uv_connections(1)), cancel, uv,
                progress.reporter_all()), []
        except venv.InstallError:
            # A universal resolve also covers Pythons newer than every
            # target and can fail where per-version resolves succeed;
            # these then give the real answer (or a per-version report).
            progress.reporter_all()(
                "universal resolve failed; resolving per version")
        finally:
            restore()
    # Parallel uv processes share a connection budget: past it, DNS
    # lookups get dropped and uv stalls on connect timeouts (see
    # interpreters.UV_CONNECTION_BUDGET).
    env = dict(env, **interpreters.uv_connections(min(jobs, len(labels))))

    # Where pages stay fresh in uv's cache (PyPI, see venv.Pages), one
    # install reads the index and the others reuse its pages.
    pages = (venv.Pages() if installer is interpreters.Installer.UV
             and jobs > 1
             and len(labels) > 1 and index.uv_config and not index.offline
             and not targets.resolve else None)

    def one(position: int) -> constraints.Freeze:
        label = labels[position]
        report = progress.reporter(label)
        if targets.resolve:
            log = os.path.join(log_dir, f"python{label}-resolve.log")
            return venv.resolve(label, requirements, index, log, env, cancel,
                                uv, args.python_platform, report)
        log = os.path.join(log_dir, f"python{label}-{installer.value}.log")
        return venv.install_and_freeze(
            targets.interpreters[position], requirements, installer, index,
            log, env, cancel, uv, report, pages)

    freezes: list[constraints.Freeze] = []
    failures: list[buildlog.Failure] = []
    pool = futures.ThreadPoolExecutor(max_workers=jobs)
    restore = _sigterm_interrupts()
    try:
        pending = [pool.submit(one, i) for i in range(len(labels))]
        for position, future in enumerate(pending):
            try:
                freezes.append(future.result())
            except venv.InstallError as exc:
                failures.append(exc.failure)
                progress.update(labels[position], "FAILED")
    except KeyboardInterrupt:
        # Stop every child; each worker then removes its own venv.
        cancel.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        restore()
    return freezes, failures


def _sigterm_interrupts() -> Callable[[], None]:
    """Treat SIGTERM (a cancelled CI job) like Ctrl-C; return the undo."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)

    def undo() -> None:
        signal.signal(signal.SIGTERM, previous)

    return undo


def _blacklist(path: str | None) -> tuple[frozenset[str], str]:
    from openstack_requirements import constraints

    if not path:
        return frozenset(), ""
    doc = _cli.read_doc(path).require_valid()
    return constraints.blacklist_names(doc), f"{path} (sha256 {_digest(path)})"


def _write_json(path: str, data: Mapping[str, object]) -> None:
    import json

    from openstack_requirements import fileio

    fileio.atomic_write(path, json.dumps(data, indent=2, sort_keys=True)
                        + "\n")


def _now() -> str:
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _command_line(argv: Sequence[str]) -> str:
    import shlex

    return shlex.join([PROG, *argv])


def _finish(
    args: argparse.Namespace,
    out: TextIO,
    freezes: Sequence[constraints.Freeze],
    provenance: constraints.Provenance,
    blacklist: frozenset[str],
    spellings: Mapping[str, str] | None = None,
) -> tuple[int, list[constraints.Change]]:
    """Combine, write (or print) and diff; shared by plain and combine."""
    from openstack_requirements import constraints
    from openstack_requirements import reqfile

    version_map = constraints.parse_version_map(args.version_map)
    everything = constraints.clone_versions(freezes, version_map)
    several = len({freeze.platform for freeze in everything}) > 1
    for freeze in everything:
        if freeze.copied_from:
            on = f" on {freeze.platform}" if several else ""
            print(f"Duplicating {freeze.copied_from} freeze to "
                  f"{freeze.python_version}{on}", file=sys.stderr)
    lines = constraints.order(
        constraints.combine(everything, blacklist, spellings=spellings),
        constraints.Order(args.sort))
    text = constraints.render(
        lines, constraints.header(provenance, everything))
    changes: list[constraints.Change] = []
    if args.diff:
        old = _cli.read_doc(args.diff)
        changes = constraints.diff(
            old, reqfile.parse(text, args.output or "<generated>"))
    if args.output:
        from openstack_requirements import fileio

        fileio.atomic_write(args.output, text)
        print(f"wrote {args.output}: {len(lines)} constraints",
              file=sys.stderr)
    elif not args.diff:
        out.write(text)
    for change in changes:
        print(change, file=out)
    if args.diff:
        print(f"{len(changes)} change(s) against {args.diff}",
              file=sys.stderr)
    return errors.EXIT_OK, changes


def _prepare(
    args: argparse.Namespace, pythons: Sequence[str]
) -> tuple[dict[str, str], _Targets, venv.IndexOptions]:
    from openstack_requirements import interpreters

    doc = _cli.read_doc(args.requirements)
    doc.require_valid()
    if not any(True for _ in doc.requirements()):
        raise errors.InputError(
            "lists no requirements; nothing to generate constraints for",
            source=args.requirements)
    env = interpreters.clean_env(os.environ)
    index = _index(args)
    targets = _Targets(args, pythons, env)
    return env, targets, index


def _log_dir(args: argparse.Namespace) -> tuple[str, bool]:
    import tempfile

    if args.log_dir:
        try:
            os.makedirs(args.log_dir, exist_ok=True)
        except OSError as exc:
            raise errors.InputError(
                f"cannot use as the log directory: {exc.strerror}",
                source=args.log_dir) from exc
        return args.log_dir, False
    return tempfile.mkdtemp(prefix="generate-constraints-logs-"), True


def _report_failures(
    args: argparse.Namespace,
    freezes: Sequence[constraints.Freeze],
    failures: Sequence[buildlog.Failure],
) -> int:
    for failure in failures:
        print(f"{PROG}: error: {failure}", file=sys.stderr)
    done = ", ".join(f.python_version for f in freezes) or "none"
    print(f"{PROG}: {len(failures)} interpreter(s) failed (succeeded: "
          f"{done}); nothing written", file=sys.stderr)
    if args.json_report:
        _write_json(args.json_report, {
            "ok": False,
            "failures": [f.as_dict() for f in failures],
            "freezes": [_freeze_summary(f) for f in freezes],
        })
    return errors.EXIT_TOOL


def _freeze_summary(freeze: constraints.Freeze) -> dict[str, object]:
    data = freeze.as_dict()
    data["pins"] = len(freeze.pins)
    return data


def _spellings(*paths: str | None) -> dict[str, str]:
    """Names as the global list and the old file spell them.

    A resolve only knows normalised names.
    """
    names: dict[str, str] = {}
    for path in paths:
        if path and os.path.isfile(path):
            for line in _cli.read_doc(path).requirements():
                if line.req is not None:
                    names[line.req.canonical] = line.req.name
    return names


def _generate(args: argparse.Namespace, out: TextIO,
              argv: Sequence[str]) -> int:
    import shutil

    from openstack_requirements import constraints

    env, targets, index = _prepare(args, args.python)
    blacklist, blacklist_label = _blacklist(args.blacklist)
    version_map = constraints.parse_version_map(args.version_map)
    missing = sorted(set(version_map) - set(targets.versions))
    if missing:  # before hours of installs, not after
        raise errors.InputError(
            f"--version-map: no interpreter for Python "
            f"{', '.join(missing)}; the interpreters are "
            f"{', '.join(targets.versions)}")
    _check_output_dir(args.output)
    _check_output_dir(args.json_report)
    if args.diff:
        _cli.read_doc(args.diff).require_valid()  # fail before the work
    if args.jobs is not None and args.jobs < 1:
        raise errors.InputError("--jobs must be at least 1")
    # Installs build and unpack: at most one per CPU.  Resolves mostly
    # wait for the index or read uv's cache: all at once.
    jobs = args.jobs or (len(targets.versions) if targets.resolve else min(
        len(targets.versions), os.cpu_count() or 1))
    log_dir, temporary = _log_dir(args)
    print(f"logs: {log_dir}", file=sys.stderr)
    keep_logs = False
    try:
        freezes, failures = _run_all(args, targets, index, env, log_dir,
                                     jobs)
        if failures:
            keep_logs = True  # the full logs are the evidence
            return _report_failures(args, freezes, failures)
        return _write_result(args, out, argv, targets, index, freezes,
                             blacklist, blacklist_label)
    finally:
        if temporary and not keep_logs:
            shutil.rmtree(log_dir, ignore_errors=True)


def _write_result(
    args: argparse.Namespace, out: TextIO, argv: Sequence[str],
    targets: _Targets, index: venv.IndexOptions,
    freezes: Sequence[constraints.Freeze], blacklist: frozenset[str],
    blacklist_label: str,
) -> int:
    from openstack_requirements import constraints

    installer = (", ".join(sorted({f.installer for f in freezes}))
                 if freezes else args.installer)
    provenance = constraints.Provenance(
        command=_command_line(argv),
        date=_now(),
        method=args.method,
        installer=installer,
        exclude_newer=index.exclude_newer,
        requirements=(f"{args.requirements} (sha256 "
                      f"{_digest(args.requirements)})"),
        blacklist=blacklist_label,
        index=index.describe(),
    )
    spellings = (_spellings(args.requirements, args.output, args.diff)
                 if targets.resolve else None)
    code, changes = _finish(args, out, freezes, provenance, blacklist,
                            spellings)
    if args.json_report:
        _write_json(args.json_report, {
            "ok": True, "failures": [],
            "freezes": [_freeze_summary(f) for f in freezes],
            "changes": [c.as_dict() for c in changes],
            "output": args.output or "",
        })
    return code


def _freeze(args: argparse.Namespace, out: TextIO,
            argv: Sequence[str]) -> int:
    import platform as host

    _check_output_dir(args.output)
    env, targets, index = _prepare(args, [args.python])
    log_dir, temporary = _log_dir(args)
    print(f"logs: {log_dir}", file=sys.stderr)
    freezes, failures = _run_all(args, targets, index, env, log_dir, 1)
    if failures:
        return _report_failures(args, freezes, failures)
    freeze = freezes[0]
    if targets.resolve:
        import dataclasses

        from openstack_requirements import constraints

        names = _spellings(args.requirements)
        freeze = dataclasses.replace(freeze, pins=tuple(
            constraints.Pin(names.get(pin.canonical, pin.name), pin.version)
            for pin in freeze.pins))
    data = freeze.as_dict()
    data.update({
        "format": FREEZE_FORMAT,
        "generator": _generator(),
        "date": _now(),
        "command": _command_line(argv),
        "host": f"{host.system()} {host.machine()}",
        "exclude_newer": index.exclude_newer,
        "index": index.describe(),
        "requirements": (f"{args.requirements} (sha256 "
                         f"{_digest(args.requirements)})"),
    })
    _write_json(args.output, data)
    print(f"wrote {args.output}: {len(freeze.pins)} pins for Python "
          f"{freeze.python_version}", file=sys.stderr)
    if args.json_report:
        _write_json(args.json_report, {
            "ok": True, "failures": [], "freezes": [_freeze_summary(freeze)],
        })
    if temporary:
        import shutil

        shutil.rmtree(log_dir, ignore_errors=True)
    return errors.EXIT_OK


def _generator() -> str:
    from importlib import metadata

    try:
        version = metadata.version("openstack-requirements")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"openstack_requirements {version}"


def _check_pins(path: str, pins: Mapping[str, str]) -> None:
    """Names and versions as pip freeze writes them, nothing else.

    An artifact comes from another machine: a "version" holding a
    newline or a marker must not inject lines into the constraints.
    """
    from packaging.version import InvalidVersion
    from packaging.version import Version

    from openstack_requirements import requirement

    for name, version in pins.items():
        if not requirement.NAME_RE.fullmatch(name):
            raise errors.InputError(
                f"pin {name!r} is not a distribution name; remake the "
                "artifact with 'generate-constraints freeze'", source=path)
        try:
            Version(version)
        except InvalidVersion:
            raise errors.InputError(
                f"pin {name}: {version!r} is not a version; remake the "
                "artifact with 'generate-constraints freeze'",
                source=path) from None


def _load_artifact(path: str) -> tuple[constraints.Freeze, dict[str, str]]:
    import json

    from openstack_requirements import constraints
    from openstack_requirements import fileio

    try:
        data = json.loads(fileio.read_text(path))
    except json.JSONDecodeError as exc:
        raise errors.ParseError(
            path, exc.lineno, "", f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("format") != FREEZE_FORMAT:
        raise errors.InputError(
            f"not a freeze artifact (format {FREEZE_FORMAT!r} expected); "
            "make one with 'generate-constraints freeze'", source=path)
    pins = data.get("pins")
    version = data.get("python_version")
    if not isinstance(pins, dict) or not isinstance(version, str) or not all(
            isinstance(k, str) and isinstance(v, str)
            for k, v in pins.items()):
        raise errors.InputError(
            "'pins' must map names to versions and 'python_version' be a "
            "string", source=path)
    _check_pins(path, pins)
    text = {key: str(value) for key, value in data.items()
            if isinstance(value, str)}
    for key, value in sorted(text.items()):
        # These go into '#' header lines: a line break would start a
        # line of its own, e.g. a pin nobody froze.
        # isprintable() is False for every control character and every
        # line break str.splitlines() (pip's reader) knows: \x85, \u2028.
        if not value.isprintable():
            raise errors.InputError(
                f"field {key!r} has a line break or control character "
                f"({value!r}); "
                "make the artifact again with 'generate-constraints "
                "freeze'", source=path)
    freeze = constraints.Freeze(
        python_version=version,
        pins=tuple(constraints.Pin(k, v) for k, v in pins.items()),
        python_full=text.get("python_full", ""),
        platform=text.get("platform", ""),
        installer=text.get("installer", ""),
        method=text.get("method", "install"),
    )
    return freeze, text


def _combine(args: argparse.Namespace, out: TextIO,
             argv: Sequence[str]) -> int:
    from openstack_requirements import constraints

    _check_output_dir(args.output)
    loaded = [_load_artifact(path) for path in args.freezes]
    blacklist, blacklist_label = _blacklist(args.blacklist)
    freezes = [freeze for freeze, _ in loaded]
    constraints.check_freezes(freezes, args.freezes)  # names the artifact

    def joined(key: str) -> str:
        return ", ".join(sorted({meta.get(key, "") for _, meta in loaded}
                                - {""}))

    provenance = constraints.Provenance(
        command=_command_line(argv),
        date=_now(),
        method=joined("method") or "install",
        installer=joined("installer"),
        exclude_newer=joined("exclude_newer"),
        requirements=joined("requirements"),
        blacklist=blacklist_label,
        index=joined("index"),
    )
    code, _ = _finish(args, out, freezes, provenance, blacklist)
    return code


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "freeze":
        parser = _cli.parser_for(
            f"{PROG} freeze",
            "Install (or resolve) the global list for one interpreter and "
            "write a JSON artifact for 'combine'.",
            f"{PROG} freeze -p python3.12 -r global-requirements.txt "
            "-o freeze-3.12.json", _add_freeze_args)
        return _cli.run(parser, args_list[1:],
                        lambda a, o: _freeze(a, o, args_list), stdout)
    if args_list and args_list[0] == "combine":
        parser = _cli.parser_for(
            f"{PROG} combine",
            "Merge freeze artifacts (made on any machine) into an upper "
            "constraints file.",
            f"{PROG} combine freeze-*.json -b denylist.txt "
            "-o upper-constraints.txt", _add_combine_only_args)
        return _cli.run(parser, args_list[1:],
                        lambda a, o: _combine(a, o, args_list), stdout)
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, args_list,
                    lambda a, o: _generate(a, o, args_list), stdout)
