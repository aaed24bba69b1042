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

"""check-security: known vulnerabilities of the pins, and the fix."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli
from openstack_requirements.cmds import _jsonapi

PROG = "check-security"
EXAMPLE = "check-security --ignore PYSEC-2017-94='not reachable: no AES'"
DESCRIPTION = """\
Look up every pin of upper-constraints.txt (each marker slice on its
own) in the index's JSON API ('vulnerabilities' of /pypi/NAME/VERSION/json,
the data pip-audit uses) and report each affected pin with its advisory
ids, aliases (CVE), the fixed releases and the smallest release that
fixes them all and that the global list and the holds (holds.txt beside
it) still allow; or 'no allowed version fixes it' and why.  For a stable
branch, give that branch's --global and --upper: nothing outside its
global list is proposed.
Exit 0: nothing affected; 1: some pin is affected; 2: bad input; 3: some
look-ups failed (the rest is still reported)."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--global", dest="global_", metavar="FILE",
                        help="global-requirements.txt (default: shipped)")
    parser.add_argument("--upper", metavar="FILE",
                        help="upper-constraints.txt (default: shipped)")
    parser.add_argument("--holds", metavar="FILE",
                        help="holds.txt (default: beside the global list, "
                        "if there; '' for none)")
    parser.add_argument("--ignore", action="append", default=[],
                        metavar="ID=REASON",
                        help="accept the risk of advisory ID (or a CVE "
                        "alias), with the reason (repeatable)")
    parser.add_argument("--jobs", type=int, default=8, metavar="N",
                        help="parallel index requests (default 8)")
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON")
    _jsonapi.add_index_args(parser)


def _ignore(given: Sequence[str]) -> dict[str, str]:
    from openstack_requirements import errors

    found = {}
    for item in given:
        ident, _, reason = item.partition("=")
        if not ident.strip() or not reason.strip():
            raise errors.InputError(
                f"--ignore {item!r}: write ID=REASON, e.g. "
                "--ignore PYSEC-2017-94='not reachable: no AES'")
        found[ident.strip()] = reason.strip()
    return found


def _check(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from openstack_requirements import advisories
    from openstack_requirements import errors

    if args.jobs < 1:
        raise errors.InputError("--jobs must be at least 1")
    ignore = _ignore(args.ignore)
    global_doc, upper_doc, pins, holds, specifiers = (
        _jsonapi.read_contract(args))
    keys = sorted({(pin.canonical, pin.version) for pin in pins})
    client = _jsonapi.client(args)
    # -- I/O below this line
    found, _, missing, failed = _jsonapi.fetch(client, keys, [], args.jobs)
    hit = sorted({name for (name, _), advs in found.items() if advs})
    _, projects, _, more = _jsonapi.fetch(client, [], hit, args.jobs)
    failed += more
    affected, accepted = advisories.check(
        pins, found, projects, specifiers, holds, ignore)
    # A release the index has no document for was not checked: say so,
    # never count it as clean (an index or proxy that answers 404 for
    # every release would otherwise give "0 affected").
    unknown = missing  # in the order asked: sorted
    if args.json:
        json.dump({"checked": len(found),
                   "affected": [a.as_dict() for a in affected],
                   "ignored": [a.as_dict() for a in accepted],
                   "not_on_index": unknown,
                   "failed": failed}, out, indent=2)
        out.write("\n")
    else:
        for each in affected:
            print(each, file=out)
        for each in accepted:
            reasons = "; ".join(f"{i}: {r}" for i, r in each.ignored)
            print(f"ignored: {each.pin.name}==={each.pin.version} "
                  f"({reasons})", file=out)
        for failure in failed:
            print(f"failed: {failure}", file=out)
        for release in unknown:
            print(f"not checked: {release} is not on the index", file=out)
        print(f"{len(found)} pin(s) checked, {len(affected)} affected, "
              f"{len(accepted)} accepted (--ignore)"
              + (f", {len(unknown)} not on the index (not checked)"
                 if unknown else ""), file=out)
    if failed or (keys and not found):
        # Nothing checked at all is no verdict: the index gave no data.
        return errors.EXIT_TOOL
    return errors.EXIT_FINDINGS if affected else errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _check, stdout)
