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

"""list-cruft: global-requirements entries that no project of projects.txt
needs, with the evidence.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import os
import sys
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

PROG = "list-cruft"
EXAMPLE = "list-cruft --root /opt/stack --python /opt/stack/venv/bin/python"

DESCRIPTION = """\
List the entries of global-requirements.txt that no project of
projects.txt (checked out under --root) lists directly, in any of its
requirement files and sections.  With --python, the distributions
installed for that interpreter (e.g. the venv a devstack or tox run
built) give the dependency graph: an unlisted entry that some listed
name needs, through Requires-Dist and extras, is kept, with the chain
that needs it; the others are candidates for removal.  Exit 0 with no
candidate, 1 with some, 2 on bad input, 3 when the interpreter fails."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    _cli.add_projects_args(parser)
    parser.add_argument("--global", dest="global_requirements",
                        metavar="FILE",
                        help="the global list (default: "
                        "global-requirements.txt of --source)")
    parser.add_argument("--python", metavar="PYTHON",
                        help="interpreter whose installed distributions "
                        "give the dependency graph")
    parser.add_argument("--json", action="store_true",
                        help="print the candidates and the evidence as "
                        "JSON")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print the entries kept because "
                        "something needs them")


def _cruft(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import cruft
    from openstack_requirements import dependents
    from openstack_requirements import interpreters
    from openstack_requirements import lists

    source = args.source or _cli.shipped_dir()
    global_path = lists.pick(args.global_requirements,
                             lists.GLOBAL_REQUIREMENTS, lambda: source)
    global_doc = lists.read_doc(global_path).require_valid()
    index = _cli.read_index(args)
    graph = None
    label = ""
    if args.python:
        env = interpreters.clean_env(os.environ)
        marker_env, dists = interpreters.installed(args.python, env)
        graph = dependents.graph(dists, marker_env)
        label = f"the environment of {args.python}"
    report = cruft.find(global_doc, index, graph, label)
    if args.json:
        _cli.report_json(
            out, report.candidates,
            kept=[k.as_dict() for k in report.kept],
            not_installed=list(report.not_installed),
            projects=len(index.projects), missing=list(index.missing),
            warnings=[f.as_dict() for f in index.findings])
    else:
        _cli.report_index(out, index, args.verbose)
        if report.not_installed:
            shown = report.not_installed if args.verbose \
                else report.not_installed[:10]
            more = len(report.not_installed) - len(shown)
            print(f"note: {len(report.not_installed)} name(s) the projects "
                  f"list are not installed in {label}, so what they need "
                  "is unknown: " + ", ".join(shown)
                  + (f" and {more} more (-v)" if more else ""), file=out)
        if args.verbose:
            for kept in report.kept:
                print(f"kept: {kept}", file=out)
        _cli.report(out, report.candidates)
        print(f"{len(report.candidates)} candidate(s) for removal, "
              f"{len(report.kept)} kept as needed by a listed name, "
              f"{len(index.projects)} project(s) read", file=out)
    return errors.EXIT_FINDINGS if report.candidates else errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _cruft, stdout)


if __name__ == "__main__":
    sys.exit(main())
