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

"""cap-requirements: cap a project's requirements at their pinned versions
for a stable branch, or take the caps off (--uncap).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import sys
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

PROG = "cap-requirements"
EXAMPLE = "cap-requirements -c upper-constraints.txt /opt/stack/nova"

DESCRIPTION = """\
Add a '<=VERSION' cap at the pinned version to every requirement of the
project's files (requirements files, setup.cfg [extras], pyproject.toml
lists) that has no upper bound yet, for a stable branch.  The pins come
from a constraints file (name===version) or a 'pip freeze' (name==version).
Only the specifiers of the capped lines change; comments, markers,
spacing and quoting stay.  A name with no pin, already bounded above or
whose pin its specifiers exclude is left alone, with a note.  --uncap
removes the '<=PIN' caps again: cap then uncap with the same pins gives
the original bytes.  Exit 0 when done, 1 when --dry-run would change
files, 2 on bad input."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT_DIR",
                        help="the project to cap")
    parser.add_argument("-c", "--constraints", required=True,
                        metavar="FILE",
                        help="the pins: upper-constraints.txt or the "
                        "output of pip freeze")
    parser.add_argument("--uncap", action="store_true",
                        help="remove the caps at the pins instead")
    parser.add_argument("--dry-run", action="store_true",
                        help="write nothing; print a unified diff")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="do not print the lines left alone")


def _cap(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import caps
    from openstack_requirements import fileio
    from openstack_requirements import project
    from openstack_requirements import sync

    pins = caps.pinned(_cli.read_doc(args.constraints))
    proj = project.read(args.project)
    edit = caps.uncap if args.uncap else caps.cap
    plan = edit(proj, pins, args.constraints)
    if not args.quiet:
        for note in plan.notes:
            print(f"note: {note}", file=out)
    files = [sync.Output(f, f.path) for f in plan.files]
    if not args.dry_run:
        fileio.write_all([(f.path, f.text) for f in files])
    for line in sync.describe(files, args.dry_run):
        print(line, file=out)
    if args.dry_run:
        out.writelines(sync.unified_diff(f) for f in plan.files)
        if plan.files:
            return errors.EXIT_FINDINGS
    if not plan.files:
        print(f"{args.project}: nothing to "
              f"{'uncap' if args.uncap else 'cap'}", file=out)
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _cap, stdout)


if __name__ == "__main__":
    sys.exit(main())
