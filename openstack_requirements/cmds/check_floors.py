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

"""check-floors: are a project's lower bounds installable together, and
the organisation's lowest co-installable set (lower-constraints.txt).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from collections.abc import Sequence
import os
import sys
import typing
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)
from openstack_requirements.cmds import _sources

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import constraints
    from openstack_requirements import floors  # noqa: F401,F811
    from openstack_requirements import project
    from openstack_requirements import reqfile
    from openstack_requirements import venv

PROG = "check-floors"
EXAMPLE = "check-floors --source /opt/stack/requirements -p 3.12 " \
          "/opt/stack/nova"
DESCRIPTION = """\
Check that a project's floors (>=, ~=, == of requirements.txt,
test-requirements.txt and pyproject's dependencies) are installable
together: uv resolves them at the lowest direct versions
(--resolution lowest-direct), within the global list's exclusions, and
each floor it had to raise is reported with the reason and the smallest
floor that works.  With --all, every project of projects.txt found under
PROJECTS_ROOT is resolved together: the organisation's lowest
co-installable set, written with -o as a lower-constraints.txt in the
upper-constraints format (name===version;marker), and the projects whose
floors conflict with another's.  Exit 0 when every floor holds, 1 when
one cannot, 2 on bad input, 3 when uv cannot resolve at all."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT_DIR", nargs="?")
    parser.add_argument("--all", metavar="PROJECTS_ROOT",
                        help="every project of projects.txt under "
                             "PROJECTS_ROOT, together")
    parser.add_argument("--source", metavar="DIR",
                        help="directory holding global-requirements.txt "
                             "and projects.txt (default: the lists "
                             "shipped with this package)")
    parser.add_argument("-p", "--python-version", action="append",
                        default=[], metavar="X.Y",
                        help="resolve for this Python (repeatable; "
                             "default: this interpreter's)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="with --all: write lower-constraints.txt")
    parser.add_argument("--log-dir", metavar="DIR")
    _sources.add_args(parser)  # the same sources as generate


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import interpreters
    from openstack_requirements import lists
    from openstack_requirements import procs
    from openstack_requirements import project

    if (args.project is None) == (args.all is None):
        raise errors.InputError(
            "give one PROJECT_DIR, or --all PROJECTS_ROOT; see --help")
    if args.output and args.all is None:
        raise errors.InputError("-o needs --all")
    source_dir = args.source or _cli.shipped_dir()
    global_doc, _ = lists.read_sync_lists(source_dir)
    global_doc.require_valid()
    versions = args.python_version or [
        "{}.{}".format(*sys.version_info[:2])]
    env = interpreters.clean_env(os.environ)
    index = _sources.index_options(args, interpreters.Installer.UV)
    projects: dict[str, project.Project] = {}
    if args.all is not None:
        source = os.path.join(source_dir, lists.PROJECTS)
        entries, _ = lists.read_projects(source)
        for entry in entries:
            found = project.locate(args.all, entry, source)
            if isinstance(found, str):
                projects[entry.name] = project.read(found)
    else:
        projects[args.project] = project.read(args.project)
    for proj in projects.values():  # bad input before any resolve
        for section in proj.sections():
            section.lines.require_valid()
    log_dir, temporary = procs.log_dir(args.log_dir, "check-floors-")
    resolver = _Resolver(index, env, log_dir)
    try:
        if args.all is None:
            proj = projects[args.project]
            findings = _one(resolver, proj, global_doc, versions)
        else:
            findings = _all(resolver, projects, global_doc, versions, args,
                            out)
    finally:
        if temporary:
            procs.remove_tree(log_dir)
    _cli.report(out, findings)
    if not findings:
        print(f"every floor holds on Python {', '.join(versions)}",
              file=out)
    return errors.EXIT_FINDINGS if findings else errors.EXIT_OK


class _Resolver:
    """uv pip compile at the lowest direct versions, into the log dir."""

    def __init__(self, index: venv.IndexOptions, env: Mapping[str, str],
                 log_dir: str) -> None:
        import dataclasses

        from openstack_requirements import floors  # noqa: F811
        from openstack_requirements import interpreters
        from openstack_requirements import procs

        self.index = dataclasses.replace(index,
                                         resolution=floors.LOWEST_DIRECT)
        self.plain = index
        self.env = env
        self.log_dir = log_dir
        self.uv = interpreters.find_uv(env)
        self.cancel = procs.Cancel()
        self.count = 0

    def resolve(self, text: str, version: str,
                lowest: bool = True) -> constraints.Freeze:
        """:raises venv.InstallError: uv found no solution."""
        from openstack_requirements import venv

        self.count += 1
        path = os.path.join(self.log_dir, f"resolve-{self.count}.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return venv.resolve(version, path,
                            self.index if lowest else self.plain,
                            path[:-4] + ".log", self.env, self.cancel,
                            self.uv)


def _pins(freeze: constraints.Freeze) -> dict[str, str]:
    return {pin.canonical: pin.version for pin in freeze.pins}


def _one(resolver: _Resolver, proj: project.Project,
         global_doc: reqfile.RequirementsFile,
         versions: Sequence[str]) -> list[errors.Finding]:
    from openstack_requirements import floors  # noqa: F811
    from openstack_requirements import venv

    entries = floors.installed_entries(proj)
    found = floors.floors(entries, proj.root)
    text = floors.requirements_text(entries, global_doc)
    findings: list[errors.Finding] = []
    for version in versions:
        try:
            resolved = _pins(resolver.resolve(text, version))
        except venv.InstallError as exc:
            raise errors.ToolError(
                f"{proj.root}: the floors do not resolve on Python "
                f"{version} at all:\n{exc}") from exc
        for floor, smallest in floors.raised(found, resolved):
            failure = None
            try:
                resolver.resolve(floors.pinned_text(entries, resolved,
                                                    floor), version, False)
            except venv.InstallError as exc:
                failure = exc.failure
            findings.append(floors.Problem(
                floor, smallest, floors.reason(failure, floor)
            ).finding(version))
    return findings


def _all(resolver: _Resolver, projects: Mapping[str, project.Project],
         global_doc: reqfile.RequirementsFile, versions: Sequence[str],
         args: argparse.Namespace, out: TextIO) -> list[errors.Finding]:
    from openstack_requirements import constraints
    from openstack_requirements import fileio
    from openstack_requirements import floors  # noqa: F811
    from openstack_requirements import venv

    declared: dict[str, list[floors.Floor]] = {}
    text = ""
    for name, proj in projects.items():
        entries = floors.installed_entries(proj)
        declared[name] = floors.floors(entries, proj.root)
        text += floors.requirements_text(entries,
                                         global_doc)
    findings: list[errors.Finding] = []
    freezes = []
    for version in versions:
        try:
            freeze = resolver.resolve(text, version)
        except venv.InstallError as exc:
            raise errors.ToolError(
                f"the floors of the {len(projects)} projects do not "
                f"resolve together on Python {version}:\n{exc}") from exc
        freezes.append(freeze)
        findings += floors.conflicts(declared, _pins(freeze), version)
    if args.output:
        made = constraints.generate(freezes, constraints.Provenance(
            method="resolve (lowest-direct)",
            installer=freezes[0].installer,
            index=resolver.index.describe()), how=constraints.Order.NAME,
            source=args.output)
        fileio.atomic_write(args.output, made.text)
        print(f"wrote {args.output}: {len(made.constraints)} constraints "
              f"for {len(projects)} projects", file=out)
    return findings


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _check, stdout)
