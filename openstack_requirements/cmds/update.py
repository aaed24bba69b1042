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
import dataclasses
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
name is missing or --dry-run would change files, 2 on bad input."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT_DIR", nargs="?",
                        help="the project to sync")
    parser.add_argument("--source", default=".", metavar="DIR",
                        help="directory holding global-requirements.txt "
                        "and blacklist.txt (default: .)")
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
    parser.add_argument("--all", metavar="PROJECTS_ROOT",
                        help="sync every project of projects.txt found "
                        "under PROJECTS_ROOT")


@dataclasses.dataclass
class _Outcome:
    code: int
    changed: int


def _update(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import sync

    if (args.project is None) == (args.all is None):
        raise errors.InputError(
            "give one PROJECT_DIR, or --all PROJECTS_ROOT; see --help")
    central = _read_central(args.source, args.verbose, out)
    options = sync.Options(
        mode=sync.Mode.SOFT if args.soft_update else sync.Mode.HARD,
        hacking=args.hacking,
        drop_unknown=_cli.env_flag("NON_STANDARD_REQS"),
    )
    if args.all is not None:
        return _sync_all(args, central, options, out)
    return _sync_one(args.project, central, options, args, out).code


def _read_central(source: str, verbose: bool, out: TextIO) -> sync.Central:
    from openstack_requirements import sync

    path = os.path.join(source, _cli.GLOBAL_REQUIREMENTS)
    if not os.path.lexists(path):
        raise errors.InputError(
            f"no {_cli.GLOBAL_REQUIREMENTS} here; pass --source DIR naming "
            "the directory that holds it", source=path)
    global_doc = _cli.read_doc(path)
    blacklist = _cli.blacklist_in(source)
    blacklist_doc = _cli.read_doc(blacklist) if blacklist else None
    central = sync.central(global_doc, blacklist_doc)
    if verbose:
        print(f"Read {path}: {len(central.entries)} names", file=out)
        if blacklist:
            print(f"Read {blacklist}: {len(central.blacklist)} names",
                  file=out)
    return central


def _targets(
    root: str, files: Sequence[sync.FilePlan], suffix: str
) -> list[tuple[str, str]]:
    """(path, text) to write; refuses a path leading out of *root*."""
    real_root = os.path.realpath(root)
    targets = []
    for plan in files:
        path = f"{plan.path}.{suffix}" if suffix else plan.path
        real = os.path.realpath(path)
        if not real.startswith(real_root.rstrip(os.sep) + os.sep):
            raise errors.InputError(
                f"leads to {real}, outside the project; refusing to write "
                "through it, remove the link", source=path)
        targets.append((path, plan.new))
    return targets


def _print_changes(
    plan: sync.FilePlan, path: str, out: TextIO
) -> None:
    if not plan.changes:
        print(f"Updated {path}", file=out)
        return
    names = ", ".join(change.name for change in plan.changes)
    print(f"Version change for: {names}", file=out)
    print(f"Updated {path}:", file=out)
    for change in plan.changes:
        for old, new in change.pairs():
            print(f"    {old or '(none)'} -> {new or '(none)'}", file=out)


def _diff(plan: sync.FilePlan, out: TextIO) -> None:
    import difflib

    out.writelines(difflib.unified_diff(
        plan.old.splitlines(keepends=True),
        plan.new.splitlines(keepends=True),
        fromfile=f"a/{plan.file}", tofile=f"b/{plan.file}"))
    if plan.new and not plan.new.endswith("\n"):
        out.write("\n\\ No newline at end of file\n")


def _sync_one(
    root: str,
    central: sync.Central,
    options: sync.Options,
    args: argparse.Namespace,
    out: TextIO,
) -> _Outcome:
    from openstack_requirements import fileio
    from openstack_requirements import project
    from openstack_requirements import sync

    proj = project.read(root)
    for finding in proj.skipped:
        print(f"warning: {finding}", file=out)
    plan = sync.plan(proj, central, options)
    if args.verbose:
        for section in proj.sections():
            print(f"Syncing {proj.path(section.label)}", file=out)
    if plan.errors:
        _cli.report(out, plan.errors)
        print(f"{root}: nothing written; fix the lines above", file=out)
        return _Outcome(errors.EXIT_FINDINGS, 0)
    for finding in plan.warnings:
        print(f"warning: {finding}", file=out)
    suffix = args.output_suffix
    written = plan.files if suffix else plan.changed
    targets = _targets(root, written, suffix)
    if not args.dry_run:
        fileio.write_all(targets)  # report only what really happened
    for file_plan, (path, _) in zip(written, targets, strict=True):
        if file_plan.changed:
            _print_changes(file_plan, path, out)
    if args.dry_run:
        for file_plan in plan.changed:
            _diff(file_plan, out)
        return _Outcome(errors.EXIT_FINDINGS if plan.changed else 0,
                        len(plan.changed))
    return _Outcome(errors.EXIT_OK, len(plan.changed))


def _project_names(source: str) -> list[str]:
    from openstack_requirements import fileio

    path = os.path.join(source, _cli.PROJECTS)
    names = []
    for line in fileio.read_text(path).split("\n"):
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def _sync_all(
    args: argparse.Namespace,
    central: sync.Central,
    options: sync.Options,
    out: TextIO,
) -> int:
    root = args.all
    if not os.path.isdir(root):
        raise errors.InputError(
            "not a directory; pass the directory holding the projects",
            source=root)
    missing = []
    code = errors.EXIT_OK
    counts = {"up to date": 0, "changed": 0, "failed": 0}
    for name in _project_names(args.source):
        candidates = [os.path.join(root, name),
                      os.path.join(root, name.rsplit("/", 1)[-1])]
        found = next((c for c in candidates if os.path.isdir(c)), None)
        if found is None:
            missing.append(name)
            continue
        try:
            outcome = _sync_one(found, central, options, args, out)
        except errors.RequirementsError as exc:
            print(f"error: {exc}", file=out)
            outcome = _Outcome(exc.exit_code, 0)
        code = max(code, outcome.code)
        if outcome.code not in (errors.EXIT_OK, errors.EXIT_FINDINGS) or (
                outcome.code and not args.dry_run):
            state = "failed"
        elif outcome.changed:
            state = "changed"
        else:
            state = "up to date"
        counts[state] += 1
        verb = "would change" if args.dry_run else "changed"
        detail = {"failed": "FAILED, nothing written",
                  "changed": f"{verb} {outcome.changed} file(s)",
                  "up to date": "up to date"}[state]
        print(f"== {name}: {detail}", file=out)
    if missing:
        print(f"missing under {root}: {', '.join(missing)}", file=out)
    print(f"{sum(counts.values())} project(s): {counts['changed']} "
          f"{'would change' if args.dry_run else 'changed'}, "
          f"{counts['up to date']} up to date, {counts['failed']} failed, "
          f"{len(missing)} missing", file=out)
    return code


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _update, stdout)
