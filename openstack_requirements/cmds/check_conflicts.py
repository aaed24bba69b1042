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

"""check-conflicts: check that the installed distributions' requirements are
satisfied.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import typing
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import conflicts

PROG = "check-conflicts"
EXAMPLE = (
    'check-conflicts upper-constraints.txt xfails.txt'
)

DESCRIPTION = """\
In the current environment (the interpreter running this command), check
that every installed distribution's declared requirements are satisfied
by the installed versions, as 'pip check' does; each conflict names the
upper-constraints pin of the required name.  XFAILS lists, one name per
line, distributions whose conflicts are known: they are reported as
expected and do not fail the run.  Exit 0 with no unexpected conflict, 1
with some, 2 on bad input."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("constraints", metavar="UPPER_CONSTRAINTS",
                        help="upper constraints the environment was "
                        "installed with")
    parser.add_argument("xfails", metavar="XFAILS", nargs="?",
                        help="known conflicts: names of requiring "
                        "distributions, one per line")
    _cli.add_json(parser)


def installed() -> list[conflicts.Distribution]:
    """The distributions importlib.metadata finds on sys.path."""
    import importlib.metadata

    from openstack_requirements import conflicts

    dists = []
    for dist in importlib.metadata.distributions():
        names = dist.metadata.get_all("Name") or []
        name = str(names[0]) if names else ""
        if not name:
            continue  # a broken .dist-info without a name
        dists.append(conflicts.Distribution(
            name, dist.version, tuple(dist.requires or ())))
    return dists


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from packaging.markers import default_environment

    from openstack_requirements import conflicts
    from openstack_requirements import constraints

    upper = _cli.read_doc(args.constraints).require_valid()
    pins: dict[str, str] = {}
    for pin in constraints.pins(upper, strict=False):
        pins.setdefault(pin.canonical, pin.version)
    xfails: frozenset[str] = frozenset()
    if args.xfails:
        xfails = frozenset(_cli.read_doc(args.xfails).require_valid()
                           .by_name())
    env = {k: str(v) for k, v in default_environment().items()}
    dists = installed()
    found = conflicts.find(dists, env)
    result = conflicts.report(found, xfails, pins, args.constraints)
    count = len(conflicts.unique(dists))
    if args.json:
        _cli.report_json(
            out, result.failures,
            expected=[f.as_dict() for f in result.expected],
            unused_xfails=list(result.unused_xfails), distributions=count)
        return errors.exit_code(result.failures)
    _cli.report(out, result.failures)
    for finding in result.expected:
        print(f"xfail: {finding}", file=out)
    for name in result.unused_xfails:
        print(f"note: {name} is in {args.xfails} but has no conflict; "
              "remove it from the xfails file", file=out)
    if result.failures:
        print(f"FAILED: {len(result.failures)} conflict(s) among {count} "
              "installed distribution(s)", file=out)
        return errors.EXIT_FINDINGS
    print(f"OK: no unexpected conflict among {count} installed "
          f"distribution(s) ({len(result.expected)} expected)", file=out)
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _check, stdout)


if __name__ == "__main__":
    # python -m, e.g. with another environment's interpreter.
    import sys

    sys.exit(main())
