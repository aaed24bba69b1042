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

"""what-broke: list releases published since a date for the names in the
central list.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import datetime
import os
import typing
from typing import TextIO

from openstack_requirements.cmds import _cli
from openstack_requirements.cmds import _jsonapi

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import reqfile

PROG = "what-broke"
EXAMPLE = (
    'what-broke --since 2026-11-01'
)

DESCRIPTION = """\
List the releases published after a point in time for every name in the
global list and upper-constraints, newest first, marking with '*' those
the global specifiers let in (not yanked, not a pre-release, not kept
out by a hold of holds.txt): the usual suspects when the gate breaks
overnight.  The time is --since (a date or
an ISO date-time, UTC unless it says otherwise), or the last change of
--since-file; the default is the last 24 hours.
Exit 0: nothing new gets in; 1: some new release gets in; 2: bad input;
3: some look-ups failed (the rest is still listed)."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--since", metavar="DATE",
                       help="e.g. 2026-11-01 or 2026-11-01T18:00+01:00")
    group.add_argument("--since-file", metavar="FILE",
                       help="use the modification time of FILE, e.g. "
                       "upper-constraints.txt")
    parser.add_argument("--global", dest="global_", metavar="FILE",
                        help="global-requirements.txt (default: shipped)")
    parser.add_argument("--upper", metavar="FILE",
                        help="upper-constraints.txt (default: shipped; "
                        "'' for none)")
    parser.add_argument("--holds", metavar="FILE",
                        help="holds.txt: its releases are marked held, "
                        "not let in (default: holds.txt beside the global "
                        "list; '' for none)")
    parser.add_argument("--name", action="append", metavar="NAME",
                        help="look only at NAME (repeatable)")
    parser.add_argument("--jobs", type=int, default=8, metavar="N",
                        help="parallel index requests (default 8)")
    parser.add_argument("--json", action="store_true",
                        help="print the releases as JSON")
    _jsonapi.add_index_args(parser)


def parse_since(text: str) -> datetime.datetime:
    from openstack_requirements import errors

    try:
        when = datetime.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise errors.InputError(
            f"--since {text!r} is not a date; use YYYY-MM-DD or an ISO "
            "date-time such as 2026-11-01T18:00Z") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when


def _since(args: argparse.Namespace) -> datetime.datetime:
    from openstack_requirements import errors

    if args.since:
        return parse_since(args.since)
    if args.since_file:
        try:
            mtime = os.stat(args.since_file).st_mtime
        except OSError as exc:
            raise errors.InputError(
                f"cannot read its modification time: {exc.strerror}",
                args.since_file) from exc
        return datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc)
    return (datetime.datetime.now(datetime.timezone.utc)
            - datetime.timedelta(days=1))


def _list(
    path: str | None, name: str
) -> reqfile.RequirementsFile | None:
    from openstack_requirements import lists

    if path == "":
        return None
    return lists.read_doc(
        lists.pick(path, name, _cli.shipped_dir)).require_valid()


def _what_broke(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from openstack_requirements import errors
    from openstack_requirements import lists
    from openstack_requirements import releases
    from openstack_requirements import requirement

    since = _since(args)
    global_doc = _list(args.global_, lists.GLOBAL_REQUIREMENTS)
    upper_doc = _list(args.upper, lists.UPPER_CONSTRAINTS)
    holds = lists.read_holds(
        (lists.holds_beside(global_doc.source) if global_doc else None)
        if args.holds is None else args.holds or None).require_valid()
    names = releases.names_of(global_doc, upper_doc)
    if args.name:
        names = sorted({requirement.canonical_name(n) for n in args.name})
    if args.jobs < 1:
        raise errors.InputError("--jobs must be at least 1")
    if not names:
        read = [doc.source for doc in (global_doc, upper_doc)
                if doc is not None]
        raise errors.InputError(
            "nothing to check: " + (
                " and ".join(read) + " name no project" if read
                else "no list was given")
            + "; give a --global or --upper file with requirements, "
            "or --name NAME")
    client = _jsonapi.client(args)
    # -- I/O below this line
    _, projects, missing, failed = _jsonapi.fetch(client, [], names,
                                                  args.jobs)
    found = releases.what_broke(projects, since, global_doc, upper_doc,
                                holds)
    allowed = [r for r in found if r.allowed]
    if args.json:
        json.dump({"since": since.isoformat(), "checked": len(names),
                   "releases": [r.as_dict() for r in found],
                   "not_on_index": missing, "failed": failed},
                  out, indent=2)
        out.write("\n")
    else:
        print(f"Releases since {since.isoformat(timespec='minutes')} of "
              f"{len(names)} project(s), newest first; "
              "* = the global specifiers let it in", file=out)
        for rel in found:
            pin = f", pinned {rel.pinned}" if rel.pinned else ""
            print(f"{'*' if rel.allowed else ' '} "
                  f"{rel.uploaded:%Y-%m-%d %H:%M}  {rel.name} "
                  f"{rel.version}  ({rel.why}{pin})", file=out)
        print(f"{len(found)} new release(s), {len(allowed)} let in",
              file=out)
        if missing:
            print("not on the index: " + ", ".join(missing), file=out)
        for failure in failed:
            print(f"failed: {failure}", file=out)
    if failed:
        return errors.EXIT_TOOL
    return errors.EXIT_FINDINGS if allowed else errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _what_broke, stdout)
