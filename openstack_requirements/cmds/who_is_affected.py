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

"""who-is-affected: which projects of projects.txt a change of the
constraints (or of the global list) reaches, directly or through the
installed dependency graph, with the path that makes each one affected.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import sys
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

PROG = "who-is-affected"
EXAMPLE = ("who-is-affected --root /opt/stack old/upper-constraints.txt "
           "upper-constraints.txt --freeze freeze-3.12.json")

DESCRIPTION = """\
Compare OLD and NEW (two upper-constraints files, or two global lists)
and list the projects of projects.txt checked out under --root that the
change reaches: directly (the project lists a changed name) or
transitively (it lists a distribution that needs a changed one, per the
Requires-Dist recorded in the --freeze artifacts of
'generate-constraints freeze').  Each line gives the project, the
changed name and the path.  --json gives the full list for CI to run
exactly those projects' jobs.  Exit 0 (also when nothing is affected),
2 on bad input."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the file before")
    parser.add_argument("new", metavar="NEW", help="the file after")
    parser.add_argument("--freeze", action="append", default=[],
                        metavar="FREEZE.json",
                        help="a freeze artifact whose recorded requirements "
                             "give the dependency graph (repeatable; "
                             "without one, direct users only)")
    _cli.add_projects_args(parser)
    _cli.add_json(parser)


def _affected(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import artifact
    from openstack_requirements import companions
    from openstack_requirements import constraints
    from openstack_requirements import dependents
    from openstack_requirements import fileio

    old, new = _cli.read_doc(args.old), _cli.read_doc(args.new)
    old.require_valid()
    new.require_valid()
    freezes = [artifact.load(fileio.read_text(path), path).freeze
               for path in args.freeze]
    changes = constraints.diff(old, new)
    index = _cli.read_index(args)
    graph = dependents.freeze_graph(freezes, {
        f.python_version: companions.environment(f) for f in freezes})
    found = dependents.affected(index, graph, [c.name for c in changes])
    projects = sorted({a.project for a in found})
    if args.json:
        import json

        # json.dumps without an indent is json's C encoder; json.dump
        # and any indent take the Python one: seconds for a big change.
        out.write(json.dumps({
            "changes": [c.as_dict() for c in changes],
            "projects": projects,
            "affected": [a.as_dict() for a in found],
            "graph": bool(graph),
            "missing": list(index.missing),
            "warnings": [f.as_dict() for f in index.findings],
        }, sort_keys=True) + "\n")
        return errors.EXIT_OK
    _cli.report_index(out, index, False)
    for one in found:
        print(one, file=out)
    direct = {a.project for a in found if a.direct}
    print(f"{len(changes)} change(s) reach {len(projects)} of "
          f"{len(index.projects)} projects ({len(direct)} directly)"
          + ("" if graph else "; no --freeze: direct users only"),
          file=out)
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _affected, stdout)


if __name__ == "__main__":
    sys.exit(main())
