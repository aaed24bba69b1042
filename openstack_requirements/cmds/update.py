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

"""update-requirements: sync a project's requirement files to the global
requirements list (hard or soft), or every project of projects.txt.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import os
import typing
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import sync

PROG = "update-requirements"
EXAMPLE = (
    'update-requirements --source /opt/stack/requirements '
    '/opt/stack/nova'
)

DESCRIPTION = """\
Sync a project's requirement files to the global requirements list:
requirements.txt, test-requirements.txt, doc/requirements.txt,
driver-requirements.txt, tools/pip-requires, tools/test-requires, the
[extras] of setup.cfg and the dependency lists of pyproject.toml.  Each
requirement named in the global list is rewritten from it (exclusions,
caps, markers, license comment; the project keeps its extras and, when the
global entry has none, its own lower bound).  A name missing from the
global list is an error (hard mode, the default; NON_STANDARD_REQS=1 drops
it with a warning) or passed through (-s).  Exit 0 when done, 1 when a
name is missing, --dry-run would change files or --all skipped a
projects.txt line (one validate-projects rejects), 2 on bad input."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT_DIR", nargs="?",
                        help="the project to sync")
    parser.add_argument("--source", metavar="DIR",
                        help="directory holding global-requirements.txt "
                        "and blacklist.txt or denylist.txt (default: the "
                        "shipped lists)")
    parser.add_argument("-s", "--soft-update", action="store_true",
                        help="pass names not in the global list through")
    parser.add_argument("-o", "--output-suffix", default="",
                        metavar="SUFFIX",
                        help="write FILE.SUFFIX instead of FILE")
    parser.add_argument("-H", "--hacking", action="store_true",
                        help="also sync hacking")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--dry-run", action="store_true",
                        help="write nothing; print a unified diff")
    parser.add_argument("--raise-floors", metavar="LOWER_CONSTRAINTS",
                        help="also raise each floor below the version of "
                        "LOWER_CONSTRAINTS (check-floors --all -o) to it; "
                        "never lowers one")
    parser.add_argument("--all", metavar="PROJECTS_ROOT",
                        help="sync every project of projects.txt found "
                        "under PROJECTS_ROOT")
    _cli.add_json(parser)


def _update(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import sync

    if (args.project is None) == (args.all is None):
        raise errors.InputError(
            "give one PROJECT_DIR, or --all PROJECTS_ROOT; see --help")
    if args.source is None:  # the one default-lists rule (lists.py)
        args.source = _cli.shipped_dir()
    central = _read_central(args.source, args.verbose, out)
    options = sync.Options(
        mode=sync.Mode.SOFT if args.soft_update else sync.Mode.HARD,
        hacking=args.hacking,
        drop_unknown=_cli.env_flag("NON_STANDARD_REQS"),
    )
    if args.all is not None:
        if args.json:
            raise errors.InputError(
                "--json reports one project; run it once per project")
        return _sync_all(args, central, options, out)
    if args.json:
        return _sync_json(args.project, central, options, args, out)
    return _sync_one(args.project, central, options, args, out)[0]


def _sync_json(
    root: str,
    central: sync.Central,
    options: sync.Options,
    args: argparse.Namespace,
    out: TextIO,
) -> int:
    """As :func:`_sync_one`, the report as JSON (_cli.report_json)."""
    from openstack_requirements import fileio
    from openstack_requirements import project
    from openstack_requirements import sync

    proj = project.read(root)
    plan = sync.plan(proj, central, options)
    files = sync.outputs(plan, args.output_suffix)
    if not plan.errors:
        _check_inside(root, files)
        if not args.dry_run:
            fileio.write_all([(f.path, f.text) for f in files])
    _cli.report_json(
        out, plan.errors, project=root, dry_run=args.dry_run,
        written=not args.dry_run and not plan.errors,
        files=sync.changes_as_dicts(files),
        warnings=[f.as_dict() for f in (*proj.skipped, *plan.warnings)])
    return sync.exit_code(plan, args.dry_run)


def _read_central(source: str, verbose: bool, out: TextIO) -> sync.Central:
    from openstack_requirements import lists
    from openstack_requirements import sync

    global_doc, blacklist_doc = lists.read_sync_lists(source)
    central = sync.central(global_doc, blacklist_doc)
    if verbose:
        print(f"Read {global_doc.source}: {len(central.entries)} names",
              file=out)
        if blacklist_doc is not None:
            print(f"Read {blacklist_doc.source}: "
                  f"{len(central.blacklist)} names", file=out)
    return central


def _check_inside(root: str, files: Sequence[sync.Output]) -> None:
    """Refuse an output path leading out of *root* (through a link)."""
    real_root = os.path.realpath(root).rstrip(os.sep) + os.sep
    for output in files:
        real = os.path.realpath(output.path)
        if not real.startswith(real_root):
            raise errors.InputError(
                f"leads to {real}, outside the project; refusing to write "
                "through it, remove the link", source=output.path)


def _sync_one(
    root: str,
    central: sync.Central,
    options: sync.Options,
    args: argparse.Namespace,
    out: TextIO,
) -> tuple[int, int]:
    """Sync one project; (exit code, number of files changed)."""
    from openstack_requirements import fileio
    from openstack_requirements import project
    from openstack_requirements import sync

    proj = project.read(root)
    for finding in proj.skipped:
        print(f"warning: {finding}", file=out)
    plan = sync.plan(proj, central, options)
    if args.raise_floors:
        plan = _raise_floors(plan, proj.root, args.raise_floors)
    if args.verbose:
        for section in proj.sections():
            print(f"Syncing {proj.path(section.label)}", file=out)
    if plan.errors:
        _cli.report(out, plan.errors)
        print(f"{root}: nothing written; fix the lines above", file=out)
        return sync.exit_code(plan, args.dry_run), 0
    for finding in plan.warnings:
        print(f"warning: {finding}", file=out)
    files = sync.outputs(plan, args.output_suffix)
    _check_inside(root, files)
    if not args.dry_run:  # report only what really happened
        fileio.write_all([(f.path, f.text) for f in files])
    for line in sync.describe(files, args.dry_run):
        print(line, file=out)
    if args.dry_run:
        out.writelines(sync.unified_diff(f) for f in plan.changed)
    return sync.exit_code(plan, args.dry_run), len(plan.changed)


def _raise_floors(plan: sync.Plan, root: str, path: str) -> sync.Plan:
    """*plan* with the floors then raised to the working set at *path*."""
    import dataclasses

    from openstack_requirements import constraints
    from openstack_requirements import floors
    from openstack_requirements import project

    working = floors.working_set(
        constraints.pins(_cli.read_doc(path), strict=False))
    synced = project.from_texts({f.file: f.new for f in plan.files}, root)
    raised = {f.file: f for f in floors.raise_floors(synced, working).files}
    return dataclasses.replace(plan, files=tuple(
        dataclasses.replace(f, new=raised[f.file].new,
                            changes=f.changes + raised[f.file].changes)
        if f.file in raised else f for f in plan.files))


def _line(finding: errors.Finding) -> int:
    return finding.lineno or 0


def _sync_all(
    args: argparse.Namespace,
    central: sync.Central,
    options: sync.Options,
    out: TextIO,
) -> int:
    from openstack_requirements import lists
    from openstack_requirements import policy
    from openstack_requirements import project
    from openstack_requirements import sync

    root = args.all
    if not os.path.isdir(root):
        raise errors.InputError(
            "not a directory; pass the directory holding the projects",
            source=root)
    source = os.path.join(args.source, lists.PROJECTS)
    # The grammar of validate-projects: a line it rejects is skipped
    # here; its findings on the file's form (order) are its business.
    entries, findings = lists.read_projects(source)
    skipped = policy.rejected_lines(entries, findings)
    missing: list[str] = []
    states: list[sync.ProjectState] = []
    worst = errors.EXIT_OK
    for entry in entries:
        found = project.locate(root, entry, source)
        if found is None:
            missing.append(entry.name)
            continue
        if isinstance(found, errors.Finding):
            skipped.append(found)
            continue
        try:
            code, changed = _sync_one(found, central, options, args, out)
        except errors.RequirementsError as exc:
            print(f"error: {exc}", file=out)
            code, changed = exc.exit_code, 0
        states.append(sync.project_state(code, changed, args.dry_run))
        print(sync.project_line(entry.name, states[-1], changed,
                                args.dry_run), file=out)
        worst = max(worst, code)
    for finding in sorted(skipped, key=_line):
        print(f"warning: {finding}", file=out)
        worst = max(worst, errors.EXIT_FINDINGS)
    for line in sync.summary(states, missing, len(skipped), root,
                             args.dry_run):
        print(line, file=out)
    return worst


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _update, stdout)
