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

"""check-requirements: the CI requirements-check job: a project's requirements
against the global list.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

PROG = "check-requirements"
EXAMPLE = (
    "check-requirements --reqs /opt/stack/requirements /opt/stack/nova "
    "master"
)

DESCRIPTION = """\
The CI requirements-check job: a project's requirements against the
global list.  Reads requirements.txt, test-requirements.txt,
doc/requirements.txt, driver-requirements.txt, tools/pip-requires,
tools/test-requires, setup.cfg [extras] and pyproject.toml ([project]
dependencies, optional-dependencies, [dependency-groups]).  Every
requirement not on the blacklist must be in the global list with the same
markers, no exclusions of its own and a lower bound; each list carries as
many lines for a name as the global list; no duplicates within a file
(relaxed on stable/ branches); on the main branch (master or main) the
project needs a pyproject.toml with a [build-system] table.

The files on disk are checked, uncommitted changes included, as every
command reads the working tree; --commit REV checks them as committed
(what CI does for a proposed change: --commit HEAD).  The summary line
says which was checked.  Exit 0 when everything matches, 1 with
findings, 2 on bad input (a line that cannot be parsed included)."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("src_dir", metavar="SRC_DIR",
                        help="top directory of the project to check")
    parser.add_argument("branch", metavar="BRANCH", nargs="?",
                        default="master",
                        help="target branch (default: master; master and "
                        "main are the same; stable/* relaxes the "
                        "duplicate rule)")
    parser.add_argument("--reqs", metavar="DIR",
                        help="central requirements repo holding "
                        "global-requirements.txt, blacklist.txt (or "
                        "denylist.txt) and backports.txt (default: the "
                        "shipped lists)")
    parser.add_argument("--commit", metavar="REV",
                        help="check the files as committed at REV (e.g. "
                        "HEAD) instead of the working tree")
    parser.add_argument("--local", action="store_true",
                        help="accepted for compatibility: the working "
                        "tree is the default")
    parser.add_argument("--json", action="store_true",
                        help="print a machine-readable report instead")
    parser.add_argument("--build-backend", metavar="BACKEND",
                        default="pbr.build",
                        help="build backend the main branch requires "
                        "(default: pbr.build; '' accepts any)")


def _check(args: argparse.Namespace, out: TextIO) -> int:
    import os

    from openstack_requirements import check
    from openstack_requirements import lists as lists_mod
    from openstack_requirements import project as project_mod

    reqs = args.reqs if args.reqs is not None else _cli.shipped_dir()
    lists = lists_mod.read_check_lists(reqs)
    src = args.src_dir
    if args.local and args.commit:
        raise errors.InputError(
            "--local (the working tree) and --commit contradict; give one")
    project = project_mod.read(src, commit=args.commit)
    options = check.Options(branch=args.branch,
                            build_backend=args.build_backend)
    findings = check.check_project(project, lists, options)
    if any(f.code == "lower-bound" for f in findings):
        # Only now is upper-constraints.txt worth reading: its pins make
        # the suggested lower bound concrete.
        import dataclasses

        from openstack_requirements import constraints

        upper = os.path.join(reqs, lists_mod.UPPER_CONSTRAINTS)
        pins = constraints.versions_by_name(
            _cli.read_doc(upper) if lists_mod.optional(upper) else None)
        lists = dataclasses.replace(lists, pins=pins)
        findings = check.check_project(project, lists, options)
    count = check.count_requirements(project)
    files = sorted({s.source for s in project.sections()})
    what = f"committed {args.commit}" if args.commit else "files on disk"
    if not args.json:
        for skipped in project.skipped:
            print(f"warning: {skipped}", file=out)
    if args.json:
        _cli.report_json(
            out, findings, project=src, branch=args.branch,
            requirements_dir=reqs, checked=what, files=files,
            requirements=count,
            skipped=[f.as_dict() for f in project.skipped])
    elif findings:
        _cli.report(out, findings)
        print(f"FAILED: {len(findings)} problem(s) in {src} ({what}, "
              f"branch {args.branch}) against {reqs}", file=out)
    else:
        print(f"OK: {count} requirement(s) in {len(files)} file(s) of "
              f"{src} ({what}, branch {args.branch}) match {reqs}",
              file=out)
    return errors.exit_code(findings)


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _check, stdout)


if __name__ == "__main__":
    # python -m, e.g. with another environment's interpreter.
    import sys

    sys.exit(main())
