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

"""check-constraints: a project's requirements against upper constraints."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

PROG = "check-constraints"
EXAMPLE = (
    'check-constraints /opt/stack/nova -u upper-constraints.txt'
)

DESCRIPTION = """\
Check a project's requirements (the same files check-requirements reads)
against upper constraints: each requirement not on the blacklist is in
the global list and pinned in the upper constraints, and the project's
specifier admits the pinned version.  -G also checks that every version
the project's lower bounds and pins name is allowed by the global
specifier.  Defaults are the shipped lists.  Exit 0 when all is well, 1
with findings, 2 on bad input."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT",
                        help="top directory of the project")
    parser.add_argument("-u", "--upper", metavar="FILE",
                        help="upper constraints (default: shipped)")
    parser.add_argument("-g", "--global", dest="global_", metavar="FILE",
                        help="global requirements (default: shipped)")
    parser.add_argument("-b", "--blacklist", metavar="FILE",
                        help="blacklist (default: shipped)")
    parser.add_argument("-G", "--check-global", action="store_true",
                        help="also check the project's versions against "
                        "the global specifiers")
    parser.add_argument("--json", action="store_true",
                        help="print the findings as JSON")


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import check
    from openstack_requirements import lists
    from openstack_requirements import project as project_mod

    shipped = _cli.shipped_dir
    # An empty option (-u '') means the shipped file, as it always did.
    upper = lists.pick(args.upper or None, lists.UPPER_CONSTRAINTS, shipped)
    global_ = lists.pick(args.global_ or None, lists.GLOBAL_REQUIREMENTS,
                         shipped)
    blacklist = lists.pick_blacklist(args.blacklist or None, shipped)
    global_doc = lists.read_doc(global_).require_valid()
    upper_doc = lists.read_doc(upper).require_valid()
    names = lists.read_names(blacklist)
    project = project_mod.read(args.project)
    findings = check.check_against_constraints(
        project, global_doc, upper_doc, names, args.check_global)
    if args.json:
        _cli.report_json(out, findings,
                         skipped=[f.as_dict() for f in project.skipped])
        return errors.exit_code(findings)
    for skipped in project.skipped:
        print(f"warning: {skipped}", file=out)
    _cli.report(out, findings)
    if findings:
        print(f"FAILED: {len(findings)} problem(s) in {args.project} "
              f"against {upper}", file=out)
    else:
        count = check.count_requirements(project)
        print(f"OK: {count} requirement(s) of {args.project} admit the "
              f"pins in {upper}", file=out)
    return errors.exit_code(findings)


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _check, stdout)
