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

"""who-uses: which projects of projects.txt list a name, where, with which
specifier.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import sys
import typing
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import dependents

PROG = "who-uses"
EXAMPLE = "who-uses --root /opt/stack oslo.db"

DESCRIPTION = """\
For each NAME (any spelling: oslo.db, oslo-db), every project of
projects.txt checked out under --root that lists it: the project, the
file and section (requirements.txt, test-requirements.txt,
doc/requirements.txt, setup.cfg [extras], pyproject.toml [project]
dependencies, optional-dependencies, dependency-groups, [build-system]
requires), the line and the requirement as written.  Exit 0 when every
name is listed somewhere, 1 when one is listed by no project, 2 on bad
input."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="+", metavar="NAME",
                        help="distribution name(s) to look for")
    _cli.add_projects_args(parser)
    parser.add_argument("--json", action="store_true",
                        help="print the uses as JSON")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="name the projects with no checkout")


def _render(use: dependents.Use) -> str:
    text = use.name + (f"[{','.join(use.extras)}]" if use.extras else "")
    text += f" @ {use.url}" if use.url else use.specifier
    return text + (f"; {use.marker}" if use.marker else "")


def _who(args: argparse.Namespace, out: TextIO) -> int:
    index = _cli.read_index(args)
    found = {name: index.users(name) for name in args.names}
    if args.json:
        import json

        json.dump({
            "projects": len(index.projects),
            "missing": list(index.missing),
            "warnings": [f.as_dict() for f in index.findings],
            "names": {name: [use.as_dict() for use in uses]
                      for name, uses in found.items()},
        }, out, indent=2)
        out.write("\n")
    else:
        _cli.report_index(out, index, args.verbose)
        for name, uses in found.items():
            for use in uses:
                print(f"{use.project}  {use.where}:{use.lineno}  "
                      f"{_render(use)}", file=out)
            projects = len({use.project for use in uses})
            print(f"{name}: listed by {projects} of {len(index.projects)} "
                  f"projects ({len(uses)} line(s))", file=out)
    return errors.EXIT_OK if all(found.values()) else errors.EXIT_FINDINGS


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _who, stdout)


if __name__ == "__main__":
    sys.exit(main())
