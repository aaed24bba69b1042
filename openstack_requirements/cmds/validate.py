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
EXAMPLE = "validate-constraints ."
DESCRIPTION = """\
Check the three central lists against each other, as the upstream
validate job does (the finding code in brackets, shown by --json):
  format         [invalid names-only license spelling duplicate format]
                 every constraint is 'name===version[;marker]' and the
                 global list follows its dialect (license comments,
                 names only, no duplicates)
  lower bounds   [lower-bound] the global list sets no floor (>=)
  formatting     [formatting] the global list is written as
                 normalize-requirements writes it
  compatibility  [compatibility] each pin satisfies the global
                 specifiers for the markers it applies to
  coverage       [coverage] every global requirement is pinned or
                 blacklisted, never both; not demanded: pip, setuptools,
                 wheel, distribute, argparse, wsgiref, and entries whose
                 markers are false on every Python version and platform
                 the constraints cover (what their header and markers
                 say; Linux and the supported Pythons when they say
                 nothing; or --python/--platform)
Give the directory holding global-requirements.txt, upper-constraints.txt
and blacklist.txt (or denylist.txt), or the three files; with no argument
the shipped lists.  One line per problem; exit 1 if there is any."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="DIR | GLOBAL_REQS UPPER_CONSTRAINTS "
        "BLACKLIST",
        help="a directory of the central lists, or the three files "
        "(default: the shipped lists)")
    parser.add_argument(
        "--python", action="append", metavar="X.Y",
        help="a Python version the constraints cover (repeat; default: "
        "what the file says)")
    parser.add_argument(
        "--platform", action="append", metavar="SYS_PLATFORM",
        help="a platform the constraints cover, as sys.platform says it: "
        "linux, darwin, win32 (repeat; default: what the file says, "
        "else linux)")
    parser.add_argument(
        "--no-lower-bound-check", dest="lower_bounds",
        action="store_false",
        help="allow lower bounds in the global list [lower-bound]")
    parser.add_argument(
        "--no-formatting-check", dest="formatting", action="store_false",
        help="allow any formatting of the global list [formatting]")
    parser.add_argument("--json", action="store_true",
                        help="print the findings as JSON")


def _paths(given: Sequence[str]) -> tuple[str, str, str]:
    from openstack_requirements import lists

    if len(given) == 3:
        return given[0], given[1], given[2]
    if len(given) > 1:
        raise errors.InputError(
            f"expected a directory or three files, got {len(given)} "
            "arguments")
    return lists.validate_files(given[0] if given else _cli.shipped_dir())


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import constraints
    from openstack_requirements import policy

    global_path, upper_path, blacklist_path = _paths(args.paths)
    global_doc = _cli.read_doc(global_path)
    upper_doc = _cli.read_doc(upper_path)
    blacklist_doc = _cli.read_doc(blacklist_path)
    pythons, platforms = constraints.covered(upper_doc)
    envs = policy.environments(
        tuple(args.python or pythons), tuple(args.platform or platforms))
    sections = [
        (f"Checking {global_path} format", policy.check_global(global_doc)),
        (f"Checking {upper_path} format",
         policy.check_constraints(upper_doc)),
        (f"Checking {blacklist_path} format",
         policy.check_names(blacklist_doc)),
    ]
    if args.lower_bounds:
        sections.append((f"Checking {global_path} sets no lower bounds",
                         policy.check_lower_bounds(global_doc)))
    if args.formatting:
        sections.append((f"Checking {global_path} is uniformly formatted",
                         policy.check_formatting(global_doc)))
    sections += [
        ("Checking pins are compatible with the global specifiers",
         policy.check_compatibility(global_doc, upper_doc, envs)),
        ("Checking every global requirement is pinned or blacklisted "
         f"(Python {', '.join(args.python or pythons)}; "
         f"{', '.join(args.platform or platforms)})",
         policy.check_coverage(global_doc, upper_doc, blacklist_doc,
                               envs=envs)),
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
