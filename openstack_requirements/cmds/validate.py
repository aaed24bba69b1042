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

"""validate-constraints: check the global list, upper constraints and the
blacklist against each other."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

PROG = "validate-constraints"
EXAMPLE = (
    "validate-constraints global-requirements.txt upper-constraints.txt "
    "blacklist.txt"
)
DESCRIPTION = """\
Check the three central lists against each other:
  format        every constraint is 'name===version[;marker]' and the
                global list follows its dialect (license comments, names
                only, no duplicates)
  compatibility each pinned version satisfies the global specifiers for
                the markers it applies to
  coverage      every global requirement is pinned or blacklisted, never
                both
One line per problem; exit 1 if there is any."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("global_requirements", metavar="GLOBAL_REQS")
    parser.add_argument("upper_constraints", metavar="UPPER_CONSTRAINTS")
    parser.add_argument("blacklist", metavar="BLACKLIST")
    parser.add_argument("--json", action="store_true",
                        help="print the findings as JSON")


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import policy

    global_doc = _cli.read_doc(args.global_requirements)
    upper_doc = _cli.read_doc(args.upper_constraints)
    blacklist_doc = _cli.read_doc(args.blacklist)
    sections = [
        (f"Checking {args.global_requirements} format",
         policy.check_global(global_doc)),
        (f"Checking {args.upper_constraints} format",
         policy.check_constraints(upper_doc)),
        (f"Checking {args.blacklist} format",
         policy.check_names(blacklist_doc)),
        ("Checking pins are compatible with the global specifiers",
         policy.check_compatibility(global_doc, upper_doc,
                                    policy.environments())),
        ("Checking every global requirement is pinned or blacklisted",
         policy.check_coverage(global_doc, upper_doc, blacklist_doc)),
    ]
    findings = [f for _, section in sections for f in section]
    if args.json:
        _cli.report_json(out, findings)
    else:
        for header, section in sections:
            print(header, file=out)
            _cli.report(out, section)
        if findings:
            print(f"{len(findings)} problem(s) found", file=out)
    return errors.exit_code(findings)


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _validate, stdout)
