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

"""bisect-constraints: find the changed pins of a new constraints file
that make a test command fail.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import datetime
import os
import sys
import typing
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)
from openstack_requirements.cmds import _progress
from openstack_requirements.cmds import _sources

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import bisecting

PROG = "bisect-constraints"
EXAMPLE = ("bisect-constraints upper-constraints.txt.old "
           "upper-constraints.txt -r requirements.txt -- "
           "python -m pytest -x tests")
DESCRIPTION = """\
Find the smallest set of changed pins of NEW that makes COMMAND fail.
Each step installs OLD with some of NEW's changes applied into a new
throwaway venv (a warm uv install), then runs COMMAND there; the changed
pins are halved each time, in groups that must move together (one's new
release needs the other's new pin, read from the installed wheels'
metadata).  A step whose install fails is reported as such, never as a
test failure.  Exit 0 when NEW passes (nothing to find), 1 when the
culprits are found (or OLD already fails), 2 on bad input, 3 when a
step cannot be installed."""

HOLD_DAYS = 90


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="constraints that pass")
    parser.add_argument("new", metavar="NEW", help="constraints that fail")
    parser.add_argument("-r", "--requirements", action="append",
                        default=[], metavar="FILE",
                        help="install FILE under the constraints "
                             "(repeatable; default: every pin)")
    parser.add_argument("--python", default=sys.executable, metavar="PATH",
                        help="interpreter of the venvs (default: this one)")
    parser.add_argument("--log-dir", metavar="DIR",
                        help="keep the steps' logs here (default: a new "
                             "temporary directory, kept for failing steps)")
    parser.add_argument("--propose-hold", action="store_true",
                        help="print a holds-file entry for the culprits")
    _sources.add_args(parser)  # the same sources as generate


def _bisect(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import bisecting
    from openstack_requirements import bisection
    from openstack_requirements import interpreters
    from openstack_requirements import procs

    command = list(args.command)
    if not command:
        raise errors.InputError("give the test command after --; see --help")
    old = _cli.read_doc(args.old)
    new = _cli.read_doc(args.new)
    for path in args.requirements:
        _cli.read_doc(path).require_valid()
    env = interpreters.clean_env(os.environ)
    interpreter = interpreters.probe(args.python, env)
    index = _sources.index_options(args, interpreters.Installer.UV)
    log_dir, temporary = procs.log_dir(args.log_dir, "bisect-constraints-")
    print(f"logs: {log_dir}", file=sys.stderr)
    options = bisecting.Options(
        python=interpreter.path, command=tuple(command),
        requirements=tuple(os.path.abspath(p) for p in args.requirements),
        index=index, env=env, log_dir=log_dir, cwd=os.getcwd(),
        environment=dict(interpreter.env))
    line = _progress.Line(sys.stderr, _progress.plain(os.environ))
    try:
        report = bisecting.bisect(old, new, options, line.update)
    finally:
        line.close()
    if temporary:
        bisecting.remove_passing_logs(report)
    _print(report, out)
    if report.outcome is bisecting.Outcome.FOUND and args.propose_hold:
        expires = (datetime.date.today()
                   + datetime.timedelta(days=HOLD_DAYS)).isoformat()
        print("proposed hold:", file=out)
        for entry in bisection.hold_lines(report.culprits, command,
                                          expires):
            print(f"  {entry}", file=out)
    return _exit_code(report)


def _print(report: bisecting.Report, out: TextIO) -> None:
    from openstack_requirements import bisecting

    print(f"{len(report.changes)} changed pins, {report.groups} groups, "
          f"{len(report.steps)} install+test steps", file=out)
    for record in report.steps:
        print(f"  step {record.number}: {record.applied} changed pins "
              f"applied: {record.result} ({record.seconds:.1f}s)",
              file=out)
        if record.failure is not None:
            for text in str(record.failure).split("\n"):
                print(f"    {text}", file=out)
    outcome = report.outcome
    if outcome is bisecting.Outcome.FOUND:
        print("culprits:", file=out)
        for change in report.culprits:
            print(f"  {change}", file=out)
    elif outcome is bisecting.Outcome.NO_CHANGES:
        print("the two files pin the same versions; nothing to bisect",
              file=out)
    elif outcome is bisecting.Outcome.NEW_PASSES:
        print("the command passes with the new constraints; nothing to "
              "find", file=out)
    elif outcome is bisecting.Outcome.OLD_FAILS:
        print("the command fails with the old constraints too; it is not "
              "a changed pin", file=out)
    else:
        print("a step's install failed (see above): the pins it mixes "
              "cannot be installed together", file=out)
    failing = report.failing_step
    if failing is not None and outcome is not bisecting.Outcome.NEW_PASSES:
        print(f"failing step: {failing.log} (constraints: "
              f"{failing.constraints})", file=out)


def _exit_code(report: bisecting.Report) -> int:
    from openstack_requirements import bisecting

    if report.outcome in (bisecting.Outcome.FOUND,
                          bisecting.Outcome.OLD_FAILS):
        return errors.EXIT_FINDINGS
    if report.outcome is bisecting.Outcome.INSTALL_FAILED:
        return errors.EXIT_TOOL
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    # Everything after "--" is the test command, options included.
    given = list(sys.argv[1:] if argv is None else argv)
    cut = given.index("--") if "--" in given else len(given)
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    parser.usage = f"{PROG} [options] OLD NEW -- COMMAND [ARG...]"

    def body(args: argparse.Namespace, out: TextIO) -> int:
        args.command = given[cut + 1:]
        return _bisect(args, out)

    return _cli.run(parser, given[:cut], body, stdout)
