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

"""build-wheel-mirror: build or extend a local PEP 503 wheel mirror for the
constraints.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import io
import os
import sys
import typing
from typing import TextIO

from openstack_requirements.cmds import _cli

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import constraints
    from openstack_requirements import mirrordir
    from openstack_requirements import targets
    from openstack_requirements import wheelbuild

PROG = "build-wheel-mirror"
EXAMPLE = (
    'build-wheel-mirror -c upper-constraints.txt -p python3.12 -o '
    '/srv/mirror'
)

DESCRIPTION = """\
Build or extend a local PEP 503 wheel mirror for the constraints.

For each interpreter (-p, repeatable; default: this one) every pin of the
constraints file whose marker holds for it gets a wheel in the mirror:
one already there is kept, else the index's best compatible wheel is
downloaded (hash checked), else the sdist is downloaded and built in
isolation (uv build, or pip wheel with --installer pip), in parallel.
A failed build is reported with its error lines and the rest goes on.

The mirror is MIRROR_DIR/simple/ (PEP 503 pages with #sha256= and
data-requires-python, plus PEP 691 index.json) and MIRROR_DIR/packages/.
Runs only add files; pages are regenerated from the files on disk and
replaced atomically.  --add FILE... publishes wheels or sdists of your
own.  --remove NAME, NAME===VERSION or FILENAME unpublishes and deletes;
--prune deletes every version no pin names, keeping the --keep-last N
highest of each project and those --keep-newer-than DATE.  --publish
DIR copies the mirror to DIR (a region, a CDN origin) in the safe
order: files, project pages, the root page, then what is gone.
--also NAME===VERSION (or --extra-pins FILE) mirrors releases the
pins leave out (setuptools, certifi): check-mirror says which.
-r FILE mirrors what FILE asks for and its dependencies instead of
every pin.  Exit 0 all pins served, 1 some pin has no file on the index
(or, with -r, a needed name is not pinned), 2 bad input, 3 a download or
build failed.  --best-effort (a development wheelhouse: as many as
possible) ends with the list of what could not be mirrored and exits 0
unless the input is bad."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--constraints", metavar="FILE",
                        help="the pins to mirror (name===version;marker)")
    parser.add_argument("-r", "--requirements", metavar="FILE",
                        help="mirror what this file asks for and its "
                        "dependencies, at their pins (default: every pin)")
    parser.add_argument("-p", "--python", action="append", default=[],
                        metavar="PYTHON",
                        help="interpreter to mirror for (repeatable)")
    parser.add_argument("-o", "--output", metavar="MIRROR_DIR",
                        help="the mirror directory (created if needed)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="parallel downloads and builds (default: "
                        "the number of CPUs)")
    parser.add_argument("--installer", choices=("uv", "pip"), default="uv",
                        help="what builds sdists (default: uv)")
    parser.add_argument("--index-url", metavar="URL",
                        help="simple index to mirror from (default: "
                        "PyPI); also used for build dependencies")
    parser.add_argument("--also", action="append", default=[],
                        metavar="NAME===VERSION",
                        help="mirror this release too, beside the pins "
                        "(repeatable): what check-mirror finds missing, "
                        "e.g. setuptools for pbr-based packages")
    parser.add_argument("--extra-pins", metavar="FILE",
                        help="a constraints file of more releases to "
                        "mirror, as --also")
    parser.add_argument("--add", nargs="+", metavar="FILE",
                        help="copy these wheels or sdists into the mirror")
    parser.add_argument("--remove", action="append", default=[],
                        metavar="SPEC",
                        help="unpublish and delete a project (NAME), a "
                        "release (NAME===VERSION) or a file (repeatable)")
    parser.add_argument("--prune", action="store_true",
                        help="delete every version the pins (-c, --also) "
                        "do not name, except those kept by --keep-last "
                        "or --keep-newer-than")
    parser.add_argument("--keep-last", type=int, default=0, metavar="N",
                        help="with --prune: keep the N highest versions "
                        "of each project too")
    parser.add_argument("--keep-newer-than", metavar="YYYY-MM-DD",
                        help="with --prune: keep versions uploaded (or, "
                        "for files without an upload time, mirrored) on "
                        "or after this date too")
    parser.add_argument("--publish", action="append", default=[],
                        metavar="DIR",
                        help="then copy the mirror to DIR in the safe "
                        "order (repeatable)")
    parser.add_argument("--best-effort", action="store_true",
                        help="as many as possible, for a development "
                        "wheelhouse: list what could not be mirrored at "
                        "the end and exit 0 all the same")
    _cli.add_json(parser)


def _build(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import constraints
    from openstack_requirements import errors
    from openstack_requirements import interpreters
    from openstack_requirements import mirror
    from openstack_requirements import mirrordir
    from openstack_requirements import simpleindex
    from openstack_requirements import wheelbuild

    if not args.output:
        raise errors.InputError("give the mirror directory with -o "
                                "MIRROR_DIR")
    if args.prune and not args.constraints:
        raise errors.InputError("--prune needs -c: it keeps what the pins "
                                "name")
    if not (args.constraints or args.add or args.remove
            or args.publish):
        raise errors.InputError("give -c upper-constraints.txt to mirror "
                                "its pins, --add FILE... to publish "
                                "files, --remove or --publish")
    if (args.keep_last or args.keep_newer_than) and not args.prune:
        raise errors.InputError("--keep-last and --keep-newer-than go "
                                "with --prune")
    if args.keep_last < 0:
        raise errors.InputError("--keep-last must be 0 or more")
    newer_than = _date(args.keep_newer_than)
    if args.requirements and not args.constraints:
        raise errors.InputError("-r needs -c: it selects among the pins")
    if args.jobs is not None and args.jobs < 1:
        raise errors.InputError("--jobs must be 1 or more")
    target = mirrordir.MirrorDir(args.output)
    env = interpreters.clean_env(os.environ)
    pins: list[constraints.Pin] = []
    also: list[constraints.Pin] = []
    probed: list[targets.Interpreter] = []
    roots: list[list[mirror.Wanted]] = []
    if args.constraints:
        pins = constraints.pins(_cli.read_doc(args.constraints))
        also = _also(args)
        pins = also + pins  # an --also pin wins over the file's
        wanted = (_cli.read_doc(args.requirements) if args.requirements
                  else None)
        pythons = args.python or [sys.executable]
        probed = [interpreters.probe(p, env, need_tags=True) for p in pythons]
        if wanted is not None:
            roots = [mirror.roots(wanted, i.env)
                     + [(p.canonical, ()) for p in also] for i in probed]
    if args.add:
        mirrordir.check_files(args.add, target)
    doomed = _removals(args, target, pins)
    # -- I/O below this line
    outcomes: list[wheelbuild.Outcome] = []
    unpinned: list[wheelbuild.Unpinned] = []
    added: list[str] = []
    report, out = out, io.StringIO() if args.json else out  # JSON: at end
    with target.locked():
        if args.add:
            for filename in mirrordir.add_files(args.add, target):
                added.append(filename)
                print(f"added {filename}", file=out)
        if args.constraints:
            index = simpleindex.Client(args.index_url or simpleindex.PYPI)
            builder = wheelbuild.Builder(
                target, index, interpreters.Installer(args.installer), env)
            jobs = args.jobs or wheelbuild.default_jobs()
            if args.requirements:
                outcomes, unpinned = builder.closure(
                    pins, probed, roots, jobs,
                    progress=lambda o: _progress(o, out))
            else:
                outcomes = builder.run(
                    mirror.plan(pins, probed), jobs,
                    progress=lambda o: _progress(o, out))
        target.regenerate()
        if args.prune:
            doomed += _prunable(args, target, pins, newer_than)
        for filename in target.remove(doomed):
            print(f"removed {filename}", file=out)
        for dest in args.publish:
            done = mirrordir.publish(target, dest)
            print(f"published to {dest}: {len(done.copied)} file(s) "
                  f"copied, {len(done.pages)} page(s) written, "
                  f"{len(done.removed)} removed", file=out)
    for u in unpinned:
        where = (f"{args.requirements}: {u.name}" if u.requirer is None
                 else f"{u.requirer.source}:{u.requirer.lineno}: "
                 f"{u.requirer} needs {u.name}, which")
        print(f"{where} is not pinned in {args.constraints}; not mirrored "
              f"for {u.interpreter.label}", file=out)
    if args.constraints and also:
        print("added by --also/--extra-pins: "
              + ", ".join(str(p) for p in also), file=out)
    if target.strays:
        print(f"{len(target.strays)} stray file(s) in {target.packages} "
              "not published (name and metadata never checked): "
              + ", ".join(target.strays[:5]), file=out)
    code = _summary(out, probed, outcomes)
    code = code or (errors.EXIT_FINDINGS if unpinned else errors.EXIT_OK)
    if args.best_effort:
        code = _best_effort(out, outcomes, unpinned)
    if args.json:
        _report_json(report, added, outcomes, unpinned,
                     args.requirements or "")
    return code


def _report_json(
    out: TextIO,
    added: Sequence[str],
    outcomes: Sequence[wheelbuild.Outcome],
    unpinned: Sequence[wheelbuild.Unpinned],
    requirements: str,
) -> None:
    """The --json report: what was added, downloaded, built and failed.

    Its findings: pins with no file or a failed build, needs that are
    not pinned.
    """
    from openstack_requirements import errors
    from openstack_requirements import wheelbuild

    def entry(o: wheelbuild.Outcome) -> dict[str, object]:
        return {"name": o.pin.name, "version": o.pin.version,
                "python": o.interpreter.label, "file": o.filename,
                "source": o.pin.source, "line": o.pin.lineno,
                "message": o.message}

    findings = [
        errors.Finding(o.pin.source, o.pin.lineno,
                       f"{o.pin} {o.status.value} for "
                       f"{o.interpreter.label}: {o.message}",
                       o.status.value)
        for o in sorted(outcomes, key=lambda o: o.pin.lineno)
        if o.status in (wheelbuild.Status.MISSING,
                        wheelbuild.Status.FAILED)]
    findings += [
        errors.Finding(u.requirer.source if u.requirer else requirements,
                       u.requirer.lineno if u.requirer else None,
                       f"{u.name} is needed but not pinned; not mirrored "
                       f"for {u.interpreter.label}", "unpinned")
        for u in unpinned]
    by_status = {status.value: [entry(o) for o in outcomes
                                if o.status is status]
                 for status in wheelbuild.Status}
    _cli.report_json(out, findings, added=list(added), **by_status)


def _date(text: str | None) -> str | None:
    """--keep-newer-than as the ISO prefix the records' times compare to."""
    import datetime

    from openstack_requirements import errors

    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise errors.InputError(f"--keep-newer-than {text!r}: give a date "
                                "as YYYY-MM-DD") from None


def _removals(args: argparse.Namespace, target: mirrordir.MirrorDir,
              pins: Sequence[constraints.Pin]) -> list[str]:
    """The files --remove names; refused before anything is written.

    :raises InputError: a spec names nothing in the mirror, or a
        release the pins name (the build would fetch it again).
    """
    from openstack_requirements import errors
    from openstack_requirements import mirror
    from openstack_requirements import mirrordir

    records = mirrordir.read_manifest(target.root) or {}
    by_name: dict[str, list[str]] = {}
    for filename in records:
        by_name.setdefault(mirror.parse_filename(filename)[0],
                           []).append(filename)
    doomed = []
    for spec in args.remove:
        try:
            found = mirror.selected(spec, by_name)
        except ValueError as exc:
            raise errors.InputError(f"--remove: {exc}",
                                    source=target.root) from None
        for filename in found:
            name, version, _ = mirror.parse_filename(filename)
            pin = next((p for p in pins if p.canonical == name
                        and mirror.same_version(p.version, version)), None)
            if pin is not None:
                raise errors.InputError(
                    f"--remove {spec}: {pin} is pinned; remove the pin "
                    "first or the build fetches it again",
                    source=f"{pin.source}:{pin.lineno}")
        doomed += found
    return doomed


def _prunable(args: argparse.Namespace, target: mirrordir.MirrorDir,
              pins: Sequence[constraints.Pin],
              newer_than: str | None) -> list[str]:
    from openstack_requirements import mirror

    pinned: dict[str, list[str]] = {}
    for pin in pins:
        pinned.setdefault(pin.canonical, []).append(pin.version)
    records = target.records()

    def date(filename: str) -> str:
        # Upstream's upload time; a wheel built here has its sdist's.
        known = records[filename]
        source = records.get(known.origin.get("built-from", ""))
        return (known.origin.get("upload-time")
                or (source and source.origin.get("upload-time"))
                or known.upload_time or "")

    dates = {f: date(f) for f in records}
    return mirror.prunable({n: target.filenames(n) for n in target.names()},
                           pinned, dates, args.keep_last, newer_than)


def _also(args: argparse.Namespace) -> list[constraints.Pin]:
    """The --also and --extra-pins releases, as pins."""
    from openstack_requirements import constraints
    from openstack_requirements import reqfile

    text = "".join(f"{value}\n" for value in args.also)
    found = constraints.pins(reqfile.parse(text, "--also")) if text else []
    if args.extra_pins:
        found += constraints.pins(_cli.read_doc(args.extra_pins))
    return found


def _best_effort(out: TextIO, outcomes: Sequence[wheelbuild.Outcome],
                 unpinned: Sequence[wheelbuild.Unpinned]) -> int:
    """The one-line-each list of what is not in the mirror; exit 0."""
    from openstack_requirements import errors
    from openstack_requirements import wheelbuild

    lacking = sorted({
        f"{o.pin} for {o.interpreter.label}: {o.status.value}"
        for o in outcomes if o.status in (wheelbuild.Status.MISSING,
                                          wheelbuild.Status.FAILED)
    } | {f"{u.name} for {u.interpreter.label}: not pinned"
         for u in unpinned})
    mirrored = sum(o.status not in (wheelbuild.Status.MISSING,
                                    wheelbuild.Status.FAILED)
                   for o in outcomes)
    print(f"best effort: {mirrored} mirrored, {len(lacking)} could not "
          "be" + (":" if lacking else ""), file=out)
    for line in lacking:
        print(f"    {line}", file=out)
    return errors.EXIT_OK


def _progress(outcome: wheelbuild.Outcome, out: TextIO) -> None:
    from openstack_requirements import wheelbuild

    if outcome.status in (wheelbuild.Status.DOWNLOADED,
                          wheelbuild.Status.BUILT):
        print(f"{outcome.status.value} {outcome.pin} for "
              f"{outcome.interpreter.label}: {outcome.filename}", file=out)
        out.flush()


def _summary(out: TextIO, interpreters: Sequence[targets.Interpreter],
             outcomes: Sequence[wheelbuild.Outcome]) -> int:
    from openstack_requirements import errors
    from openstack_requirements import wheelbuild

    problems = [o for o in outcomes
                if o.status in (wheelbuild.Status.MISSING,
                                wheelbuild.Status.FAILED)]
    problems.sort(key=lambda o: (o.pin.lineno, o.interpreter.path))
    for o in problems:
        what = ("has no file on the index" if o.status is
                wheelbuild.Status.MISSING else "failed")
        print(f"{o.pin.source}:{o.pin.lineno}: {o.pin} {what} for "
              f"{o.interpreter.label}: {o.message}", file=out)
        for line in o.lines:
            print(f"    {line}", file=out)
    for interpreter in interpreters:
        mine = [o for o in outcomes if o.interpreter is interpreter]
        counts = ", ".join(
            f"{sum(o.status is s for o in mine)} {s.value}"
            for s in wheelbuild.Status)
        print(f"{interpreter.label}: {len(mine)} pins: {counts}", file=out)
    if any(o.status is wheelbuild.Status.FAILED for o in problems):
        return errors.EXIT_TOOL
    return errors.EXIT_FINDINGS if problems else errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _build, stdout)


if __name__ == "__main__":
    sys.exit(main())
