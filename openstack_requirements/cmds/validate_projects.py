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

"""validate-projects: check projects.txt: sorted namespace/name lines, no
duplicates.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

PROG = "validate-projects"
EXAMPLE = (
    'validate-projects projects.txt'
)

DESCRIPTION = """\
Check projects.txt: every line is 'namespace/name', the lines are
sorted (case folded, -_. alike), with no duplicates, blank lines, comments or
stray spaces, and the file ends with a newline.  One line per problem,
with its line number; exit 1 if there is any, 2 on unreadable input."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("projects", metavar="PROJECTS_TXT",
                        help="the projects.txt file to check")
    parser.add_argument("--json", action="store_true",
                        help="print the findings as JSON")


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import lists

    findings = lists.read_projects(args.projects)[1]
    if args.json:
        _cli.report_json(out, findings)
    else:
        _cli.report(out, findings)
        if findings:
            print(f"{len(findings)} problem(s) found", file=out)
    return errors.EXIT_FINDINGS if findings else errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _validate, stdout)
