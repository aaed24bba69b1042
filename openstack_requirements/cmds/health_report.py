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

"""health-report: a static HTML report (or JSON) of the whole contract."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import datetime
import os
import sys
from typing import TextIO

from openstack_requirements.cmds import _cli
from openstack_requirements.cmds import _jsonapi

PROG = "health-report"
EXAMPLE = "health-report -o health.html"
DESCRIPTION = """\
Write one static, self-contained HTML page (no network needed to view
it) about every pin of upper-constraints.txt: the pinned version, the
newest release the global list and the holds allow, the newest overall,
the age of the pinned release, its license class, advisories
("unknown" when the index has no advisory data for the release), holds
with their expiry, and the Python versions the pin covers; summary
figures and a chart of pin age on top; sortable and filterable in the
browser.  --json prints the same data.  One pass over the index's JSON
API (cached like what-broke's and check-security's).
Exit 0 written; 2 bad input; 3 some look-ups failed (nothing written)."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--global", dest="global_", metavar="FILE",
                        help="global-requirements.txt (default: shipped)")
    parser.add_argument("--upper", metavar="FILE",
                        help="upper-constraints.txt (default: shipped)")
    parser.add_argument("--holds", metavar="FILE",
                        help="holds.txt (default: beside the global list, "
                        "if there; '' for none)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the HTML page here (default: stdout "
                        "unless --json)")
    parser.add_argument("--json", action="store_true",
                        help="print the report's data as JSON")
    parser.add_argument("--today", metavar="YYYY-MM-DD",
                        help="the date ages and expiries are measured "
                        "against (default: today, UTC)")
    parser.add_argument("--jobs", type=int, default=8, metavar="N",
                        help="parallel index requests (default 8)")
    _jsonapi.add_index_args(parser)


def _report(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from openstack_requirements import constraints
    from openstack_requirements import errors
    from openstack_requirements import fileio
    from openstack_requirements import health

    if args.jobs < 1:
        raise errors.InputError("--jobs must be at least 1")
    try:
        today = (datetime.date.fromisoformat(args.today) if args.today
                 else datetime.datetime.now(datetime.timezone.utc).date())
    except ValueError as exc:
        raise errors.InputError(
            f"--today {args.today!r} is not a date; write YYYY-MM-DD"
        ) from exc
    fileio.require_parent_dir(args.output)
    global_doc, upper_doc, pins, holds, specifiers = (
        _jsonapi.read_contract(args))
    pythons, _ = constraints.covered(upper_doc)
    client = _jsonapi.client(args)
    # -- I/O below this line
    found, projects, _, failed = _jsonapi.fetch(
        client, sorted({(p.canonical, p.version) for p in pins}),
        sorted({p.canonical for p in pins}), args.jobs)
    if failed:
        for failure in failed:
            print(f"{PROG}: failed: {failure}", file=sys.stderr)
        return errors.EXIT_TOOL
    report = health.build(pins, projects, found, specifiers, holds,
                          pythons, today)
    title = f"Health of {os.path.basename(upper_doc.source)}"
    if args.output:
        fileio.atomic_write(args.output, health.render_html(report, title))
    if args.json:
        json.dump(report.as_dict(), out, indent=2)
        out.write("\n")
    elif not args.output:
        out.write(health.render_html(report, title))
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _report, stdout)
