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

"""generate-constraints: the steps its three forms share.

Check the global list and make the targets (:func:`prepare`), run them
with the progress display (:func:`run`), write the constraints file
(:func:`finish`) and the ``--json-report`` (:func:`report`).  Heavy
modules are imported inside the functions, as in every command.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from collections.abc import Sequence
import os
import sys
import typing
from typing import TextIO

from openstack_requirements.cmds import _cli
from openstack_requirements.cmds import _progress
from openstack_requirements.cmds import _sources
import openstack_requirements.errors as errors  # ruff/hacking order

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import buildlog
    from openstack_requirements import constraints
    from openstack_requirements import dependents
    from openstack_requirements import freezing
    from openstack_requirements import holds
    from openstack_requirements import proposal
    from openstack_requirements import venv


def prepare(
    args: argparse.Namespace, pythons: Sequence[str], lock: bool = False
) -> tuple[freezing.Targets, freezing.Options]:
    """Check the input; the targets, and how to run them (no log dir)."""
    from openstack_requirements import freezing
    from openstack_requirements import interpreters

    doc = _cli.read_doc(args.requirements)
    doc.require_valid()
    if not any(True for _ in doc.requirements()):
        raise errors.InputError(
            "lists no requirements; nothing to generate constraints for",
            source=args.requirements)
    env = interpreters.clean_env(os.environ)
    installer = interpreters.Installer(args.installer)
    index = _sources.index_options(args, installer)
    targets = freezing.make_targets(
        pythons, resolve=args.method == "resolve", installer=installer,
        env=env)
    return targets, freezing.Options(
        requirements=os.path.abspath(args.requirements),
        installer=installer, index=index, env=env, log_dir="", jobs=1,
        per_version=args.per_version, python_platform=args.python_platform,
        holds=read_holds(args).constraints_text(), lock=lock)


def holds_path(args: argparse.Namespace) -> str | None:
    """``--holds``, or holds.txt beside ``-r``; None for none."""
    from openstack_requirements import lists

    return (lists.holds_beside(args.requirements) if args.holds is None
            else args.holds or None)


def holds_label(args: argparse.Namespace) -> str:
    """The holds file's name and hash for headers, or "" without one."""
    from openstack_requirements import lists

    path = holds_path(args)
    return lists.labelled(path) if path and read_holds(args) else ""


def read_holds(args: argparse.Namespace) -> holds.Holds:
    """The holds (:func:`holds_path`), checked.

    :raises ParseError: a line of the holds file is not a hold.
    """
    from openstack_requirements import lists

    return lists.read_holds(holds_path(args)).require_valid()


def kept_back(
    args: argparse.Namespace, out: TextIO, targets: freezing.Targets,
    options: freezing.Options, freezes: Sequence[constraints.Freeze],
    log_dir: str, jobs: int,
) -> list[holds.KeptBack]:
    """Say which pins a hold applies to, and what they would be without.

    A resolve is cheap: the run is resolved again without the holds to
    name the version each held pin would have had.  An install is not
    repeated (it would double the hours): a resolve without the holds,
    for the same Python versions, names the alternative instead (said
    as "a resolve picks").  When that resolve fails, the held pins say
    ``held`` without an alternative.  Printed with the diff (stdout)
    when ``--diff`` is given, else on stderr.
    """
    import dataclasses

    from openstack_requirements import freezing
    from openstack_requirements import holds as holds_mod
    from openstack_requirements import interpreters

    found = read_holds(args)
    if not found:
        return []

    def by_version(made: Sequence[constraints.Freeze]) -> dict[
            str, dict[str, tuple[str, str]]]:
        return {f.python_version: {p.canonical: (p.name, p.version)
                                   for p in f.pins} for f in made}

    where = os.path.join(log_dir, "without-holds")
    os.makedirs(where, exist_ok=True)
    resolving = (targets if targets.resolve
                 else freezing.Targets(True, targets.versions))
    without, failures = run(resolving, dataclasses.replace(
        options, holds="", lock=False,
        installer=interpreters.Installer.UV), where, jobs)
    unheld = by_version(without) if not failures else None
    result = holds_mod.kept_back(found, by_version(freezes), unheld,
                                 estimated=not targets.resolve)
    for each in result:
        print(each, file=out if args.diff else sys.stderr)
    return result


def log_dir(args: argparse.Namespace) -> tuple[str, bool]:
    """``--log-dir`` or a temporary one (True), said on stderr."""
    from openstack_requirements import procs

    path, temporary = procs.log_dir(args.log_dir,
                                    "generate-constraints-logs-")
    print(f"logs: {path}", file=sys.stderr)
    return path, temporary


def run(
    targets: freezing.Targets, options: freezing.Options, log_dir: str,
    jobs: int,
) -> tuple[list[constraints.Freeze], list[buildlog.Failure]]:
    """Run every target, *jobs* at a time, showing the progress."""
    import dataclasses

    from openstack_requirements import freezing

    progress = _progress.Progress(sys.stderr, targets.versions)
    return freezing.run(targets, dataclasses.replace(
        options, log_dir=log_dir, jobs=jobs), progress.update)


def check_propose(args: argparse.Namespace) -> None:
    """Before any work: --propose has -o in a clean git work tree.

    :raises InputError: no -o, not in git, or uncommitted changes.
    """
    from openstack_requirements import gitrepo

    if not args.propose:
        return
    if not args.output:
        raise errors.InputError(
            "--propose needs -o: the upper-constraints.txt of a git "
            "checkout of the requirements repository")
    root = gitrepo.toplevel(args.output)
    if args.companions and os.path.relpath(
            os.path.abspath(args.companions), root).startswith(os.pardir):
        raise errors.InputError(
            f"--companions {args.companions}: with --propose it must be "
            f"inside the checkout {root}, to be committed")
    gitrepo.require_clean(root)


def finish(
    args: argparse.Namespace,
    out: TextIO,
    freezes: Sequence[constraints.Freeze],
    provenance: constraints.Provenance,
    blacklist: frozenset[str],
    spellings: Mapping[str, str] | None = None,
) -> tuple[list[constraints.Change], list[dependents.Affected] | None]:
    """Combine, write (or print) and diff; shared by plain and combine.

    With ``--companions`` the companion formats are written too, with
    ``--propose`` all of it is committed (:func:`propose`).  Returns the
    changes and, for a proposal with ``--projects-root``, the affected
    projects.
    """
    from openstack_requirements import constraints
    from openstack_requirements import fileio

    everything = constraints.clone_versions(
        freezes, constraints.parse_version_map(args.version_map))
    for note in constraints.copy_notes(everything):
        print(note, file=sys.stderr)
    made = constraints.generate(
        everything, provenance, blacklist, spellings=spellings,
        how=constraints.Order(args.sort), source=args.output or "<generated>")
    if args.propose:
        return propose(args, out, made, everything, provenance)
    changes = made.changes_from(_cli.read_doc(args.diff)) if args.diff else []
    if args.output:
        fileio.atomic_write(args.output, made.text)
        print(f"wrote {args.output}: {len(made.constraints)} constraints",
              file=sys.stderr)
    elif not args.diff:
        out.write(made.text)
    write_companions(args, made, everything)
    for change in changes:
        print(change, file=out)
    if args.diff:
        print(f"{len(changes)} change(s) against {args.diff}",
              file=sys.stderr)
    return changes, None


def write_companions(
    args: argparse.Namespace, made: constraints.Generated,
    freezes: Sequence[constraints.Freeze],
) -> list[str]:
    """The ``--companions`` files, if asked for; their paths."""
    from openstack_requirements import companions
    from openstack_requirements import fileio

    if not args.companions:
        return []
    result = companions.make(made, freezes)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    os.makedirs(args.companions, exist_ok=True)
    paths = []
    for name, text in sorted(result.files.items()):
        path = os.path.join(args.companions, name)
        fileio.atomic_write(path, text)
        paths.append(path)
    print(f"wrote {len(paths)} companion file(s) in {args.companions}",
          file=sys.stderr)
    return paths


def propose(
    args: argparse.Namespace, out: TextIO, made: constraints.Generated,
    freezes: Sequence[constraints.Freeze],
    provenance: constraints.Provenance,
) -> tuple[list[constraints.Change], list[dependents.Affected] | None]:
    """Write -o (and companions) and commit them on a new branch.

    Nothing is written when the pins are those of the file on disk
    (which is HEAD's: the tree was checked clean).
    """
    from openstack_requirements import fileio
    from openstack_requirements import gitrepo
    from openstack_requirements import proposal
    from openstack_requirements import reqfile

    root = gitrepo.toplevel(args.output)
    old_text = (fileio.read_text(args.output)
                if os.path.exists(args.output) else "")
    changes = made.changes_from(reqfile.parse(old_text, args.output))
    if not changes:
        print(f"no change: the pins of {args.output} are unchanged",
              file=out)
        return [], None
    affected = None
    if args.projects_root:
        affected = impact(args, freezes, [c.name for c in changes])
    holds = (global_holds(args.requirements)
             if getattr(args, "requirements", None) else [])
    text = proposal.message(
        changes, total=len(made.constraints),
        exclude_newer=provenance.exclude_newer, holds=holds,
        affected=affected)
    fileio.atomic_write(args.output, made.text)
    paths = [args.output, *write_companions(args, made, freezes)]
    branch = proposal.branch(made.text)
    commit = gitrepo.commit_on_branch(root, branch, paths, text)
    for change in changes:
        print(change, file=out)
    print(f"proposed on branch {branch}: commit {commit} (not pushed)",
          file=out)
    return changes, affected


def impact(
    args: argparse.Namespace, freezes: Sequence[constraints.Freeze],
    names: Sequence[str],
) -> list[dependents.Affected]:
    """The projects a change of *names* reaches (``--projects-root``)."""
    from openstack_requirements import companions
    from openstack_requirements import dependents
    from openstack_requirements import lists

    beside = os.path.join(os.path.dirname(os.path.abspath(args.output)),
                          lists.PROJECTS)
    projects_txt = beside if os.path.exists(beside) else os.path.join(
        _cli.shipped_dir(), lists.PROJECTS)
    index = dependents.read(args.projects_root, projects_txt)
    graph = dependents.freeze_graph(freezes, {
        f.python_version: companions.environment(f) for f in freezes})
    return dependents.affected(index, graph, names)


def global_holds(path: str) -> list[proposal.Hold]:
    """The lines of the global list that keep versions out."""
    from openstack_requirements import proposal

    doc = _cli.read_doc(path)
    return [proposal.Hold(line.req.name, line.req.specifier)
            for line in doc.requirements()
            if line.req is not None and line.req.specifier]


def report_failures(
    prog: str,
    args: argparse.Namespace,
    freezes: Sequence[constraints.Freeze],
    failures: Sequence[buildlog.Failure],
) -> int:
    """Say what failed (nothing is written but the report); exit 3."""
    for failure in failures:
        print(f"{prog}: error: {failure}", file=sys.stderr)
    done = ", ".join(f.python_version for f in freezes) or "none"
    print(f"{prog}: {len(failures)} interpreter(s) failed (succeeded: "
          f"{done}); nothing written", file=sys.stderr)
    report(args, freezes, failures)
    return errors.EXIT_TOOL


def report(args: argparse.Namespace, freezes: Sequence[constraints.Freeze],
           failures: Sequence[buildlog.Failure], **more: object) -> None:
    """The --json-report, if asked for."""
    from openstack_requirements import artifact
    from openstack_requirements import fileio

    if args.json_report:
        fileio.atomic_write(args.json_report,
                            artifact.report(freezes, failures, **more))


def run_details(
    command: str, args: argparse.Namespace,
    targets: freezing.Targets, index: venv.IndexOptions,
) -> dict[str, object]:
    """The ``run`` of the ``--json-report``.

    What the header leaves out because it changes from run to run:
    time, command, paths.
    """
    return {
        "date": now(),
        "command": command,
        "cwd": os.getcwd(),
        "generator": generator(),
        "requirements": os.path.abspath(args.requirements),
        "blacklist": os.path.abspath(args.blacklist) if args.blacklist
        else "",
        "index": index.describe(),
        "interpreters": {i.python_version: i.path
                         for i in targets.interpreters},
    }


def resolve_spellings(
    requirements: str, *constraints_files: str | None
) -> dict[str, str]:
    """How a resolve spells names: as an install does.

    An install writes each name as its distribution's metadata spells it
    (what ``pip freeze`` prints, and the shipped upper-constraints.txt
    holds: ``typing_extensions``, not the global list's
    ``typing-extensions``).  A resolve only knows normalised names, so
    it takes those spellings from constraints files an install made:
    *constraints_files* (the old file: ``-o``, ``--diff``) over the
    shipped upper-constraints.txt; the global list only for a name none
    of them has.
    """
    from openstack_requirements import lists

    try:
        shipped: str | None = os.path.join(
            _cli.shipped_dir(), lists.UPPER_CONSTRAINTS)
    except errors.InputError:
        shipped = None
    return lists.spellings([requirements, shipped, *constraints_files])


def generator() -> str:
    """This package and its version, for the artifacts."""
    from importlib import metadata

    try:
        version = metadata.version("openstack-requirements")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"openstack_requirements {version}"


def now() -> str:
    """The UTC time, to the second, for headers and artifacts."""
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
