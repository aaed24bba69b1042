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

"""generate-constraints: generate upper-constraints.txt by installing the
global list into throwaway virtualenvs (or resolving it), one per
interpreter, and combining the freezes.

Three forms::

    generate-constraints -p PY [-p PY ...] -r FILE ...   freeze all + combine
    generate-constraints freeze -p PY -r FILE -o F.json  one interpreter
    generate-constraints combine F.json [F.json ...]     merge artifacts
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import os
import sys
from typing import TextIO

from openstack_requirements.cmds import _cli
from openstack_requirements.cmds import _generate_steps as steps
from openstack_requirements.cmds import _sources
import openstack_requirements.errors as errors  # ruff/hacking order

PROG = "generate-constraints"
EXAMPLE = (
    "generate-constraints -p python3.11 -p python3.12 -r global-"
    "requirements.txt -b blacklist.txt -o upper-constraints.txt"
)
DESCRIPTION = """\
Generate upper-constraints.txt: for each interpreter install the global
list into a throwaway virtualenv (uv by default, or pip exactly as the
reference method does), freeze it, and combine the freezes into
'name===version' lines with python_version markers where interpreters
disagree.  --method resolve asks uv's resolver instead, without
installing anything: one universal resolve split per Python version
(--per-version: one resolve per version).

Subcommands for CI fan-out (one job per interpreter and platform):
  generate-constraints freeze -p PY -r FILE -o freeze-PY.json
  generate-constraints combine freeze-*.json [-b FILE] -o FILE

Exit status: 0 written, 2 bad input, 3 an install failed (nothing is
written; the report names the requirement, the interpreter and the log).
"""


# -- arguments -------------------------------------------------------------


def _add_run_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-r", "--requirements", metavar="FILE",
                        required=True, help="global-requirements.txt")
    parser.add_argument("--installer", choices=("uv", "pip"), default="uv",
                        help="install with uv (default) or with python -m "
                             "venv + pip like the reference method")
    parser.add_argument("--method", choices=("install", "resolve"),
                        default="install",
                        help="install: real install + freeze per "
                             "interpreter (default); resolve: uv pip "
                             "compile per Python version, -p names a "
                             "version such as 3.13")
    parser.add_argument("--python-platform", metavar="TRIPLE", default="",
                        help="with --method resolve: target platform "
                             "(default: this machine's; implies "
                             "--per-version)")
    parser.add_argument("--per-version", action="store_true",
                        help="with --method resolve and several versions: "
                             "one uv pip compile per version instead of "
                             "one universal resolve split per version")
    parser.add_argument("--log-dir", metavar="DIR",
                        help="keep the full logs here (default: a temp "
                             "dir, printed, removed after a success)")
    parser.add_argument("--json-report", metavar="FILE",
                        help="write what happened (failures included) as "
                             "JSON")
    _sources.add_args(parser)


def _add_combine_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-b", "--blacklist", metavar="FILE",
                        help="names to leave out (blacklist/denylist)")
    parser.add_argument("--version-map", action="append", default=[],
                        metavar="SRC:DST",
                        help="use the SRC Python's freeze for DST too, "
                             "without running DST (e.g. 3.12:3.13)")
    parser.add_argument("--sort", choices=("hash", "name"), default="hash",
                        help="line order: hash of the name like the "
                             "reference (default) or name")
    parser.add_argument("--diff", metavar="OLD", help="print what changed "
                        "against an existing constraints file")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here (atomically) instead of stdout")
    parser.add_argument("--companions", metavar="DIR",
                        help="also write the companion formats here: "
                             "'==' constraints, a uv constraint-"
                             "dependencies fragment, a PEP 751 "
                             "pylock.toml per Python version (and "
                             "platform)")
    parser.add_argument("--propose", action="store_true",
                        help="-o is in a clean git checkout: write it "
                             "(and the companions), commit on a new "
                             "branch with a reviewer's message; never "
                             "pushes; 'no change' when the pins are "
                             "unchanged")
    parser.add_argument("--projects-root", metavar="DIR",
                        help="with --propose: the projects' checkouts, "
                             "to name the affected projects in the "
                             "message (projects.txt next to -o, or the "
                             "shipped one)")


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--python", action="append", default=[],
                        metavar="PYTHON", required=True,
                        help="interpreter path or name on PATH; a version "
                             "like 3.13 with --method resolve "
                             "(repeatable)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="interpreters run at once (default: all, "
                             "at most the CPU count; with --method "
                             "resolve all)")
    _add_run_args(parser)
    _add_combine_args(parser)


def _add_freeze_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--python", metavar="PYTHON", required=True,
                        help="interpreter path or name on PATH (a version "
                             "with --method resolve)")
    parser.add_argument("-o", "--output", metavar="FILE", required=True,
                        help="the JSON artifact to write")
    parser.add_argument("--lock", action="store_true",
                        help="also record the files (URL, SHA-256) of "
                             "every pinned release, for the pylock.toml "
                             "companions of 'combine --companions'")
    _add_run_args(parser)


def _add_combine_only_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("freezes", nargs="+", metavar="FREEZE.json",
                        help="artifacts written by 'freeze'")
    _add_combine_args(parser)


_SUBCOMMANDS: list[_cli.Subcommand] = [
    ("freeze",
     "Install (or resolve) the global list for one interpreter and "
     "write a JSON artifact for 'combine'.",
     f"{PROG} freeze -p python3.12 -r global-requirements.txt "
     "-o freeze-3.12.json", _add_freeze_args),
    ("combine",
     "Merge freeze artifacts (made on any machine) into an upper "
     "constraints file.",
     f"{PROG} combine freeze-*.json -b denylist.txt "
     "-o upper-constraints.txt", _add_combine_only_args),
]


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _cli.parser_with_subcommands(PROG, DESCRIPTION, EXAMPLE,
                                          _add_args, _SUBCOMMANDS)
    bodies = {None: _generate, "freeze": _freeze, "combine": _combine}
    return _cli.run(parser, args_list, lambda a, o: bodies[a.command](
        a, o, args_list), stdout)


# -- shell -----------------------------------------------------------------


def _generate(args: argparse.Namespace, out: TextIO,
              argv: Sequence[str]) -> int:
    import shutil

    from openstack_requirements import constraints
    from openstack_requirements import fileio
    from openstack_requirements import freezing
    from openstack_requirements import lists

    targets, options = steps.prepare(args, args.python,
                                     bool(args.companions))
    index = options.index
    blacklist, blacklist_label = lists.read_blacklist(args.blacklist)
    freezing.check_version_map(
        constraints.parse_version_map(args.version_map), targets)
    fileio.require_parent_dir(args.output)
    fileio.require_parent_dir(args.json_report)
    steps.check_propose(args)
    if args.diff:
        _cli.read_doc(args.diff).require_valid()  # fail before the work
    jobs = freezing.jobs(args.jobs, targets, os.cpu_count() or 1)
    log_dir, temporary = steps.log_dir(args)
    keep_logs = False
    try:
        freezes, failures = steps.run(targets, options, log_dir, jobs)
        if failures:
            keep_logs = True  # the full logs are the evidence
            return steps.report_failures(PROG, args, freezes, failures)
        installer = (", ".join(sorted({f.installer for f in freezes}))
                     if freezes else args.installer)
        provenance = constraints.Provenance(
            method=args.method,
            installer=installer, exclude_newer=index.exclude_newer,
            requirements=lists.labelled(args.requirements),
            blacklist=blacklist_label,
            index=index.describe(local_paths=False))
        spellings = (steps.resolve_spellings(
            args.requirements, args.output, args.diff)
            if targets.resolve else None)
        changes, affected = steps.finish(
            args, out, freezes, provenance, blacklist, spellings)
        steps.report(args, freezes, [],
                     changes=[c.as_dict() for c in changes],
                     **({"affected": [a.as_dict() for a in affected]}
                        if affected is not None else {}),
                     output=args.output or "",
                     run=steps.run_details(_command_line(argv), args,
                                           targets, index))
        return errors.EXIT_OK
    finally:
        if temporary and not keep_logs:
            shutil.rmtree(log_dir, ignore_errors=True)


def _freeze(args: argparse.Namespace, out: TextIO,
            argv: Sequence[str]) -> int:
    import platform as host
    import shutil

    from openstack_requirements import artifact
    from openstack_requirements import fileio
    from openstack_requirements import freezing
    from openstack_requirements import lists

    fileio.require_parent_dir(args.output)
    targets, options = steps.prepare(args, [args.python], args.lock)
    index = options.index
    log_dir, temporary = steps.log_dir(args)
    freezes, failures = steps.run(targets, options, log_dir, 1)
    if failures:
        return steps.report_failures(PROG, args, freezes, failures)
    freeze = freezes[0]
    if targets.resolve:
        freeze = freezing.respell(
            freeze, steps.resolve_spellings(args.requirements))
    fileio.atomic_write(args.output, artifact.dump(freeze, {
        "generator": steps.generator(),
        "date": steps.now(),
        "command": _command_line(argv),
        "host": f"{host.system()} {host.machine()}",
        "exclude_newer": index.exclude_newer,
        "index": index.describe(local_paths=False),
        "requirements": lists.labelled(args.requirements),
    }))
    print(f"wrote {args.output}: {len(freeze.pins)} pins for Python "
          f"{freeze.python_version}", file=sys.stderr)
    steps.report(args, [freeze], [])
    if temporary:
        shutil.rmtree(log_dir, ignore_errors=True)
    return errors.EXIT_OK


def _combine(args: argparse.Namespace, out: TextIO,
             argv: Sequence[str]) -> int:
    from openstack_requirements import artifact
    from openstack_requirements import constraints
    from openstack_requirements import fileio
    from openstack_requirements import lists

    fileio.require_parent_dir(args.output)
    steps.check_propose(args)
    loaded = [artifact.load(fileio.read_text(path), path)
              for path in args.freezes]
    blacklist, blacklist_label = lists.read_blacklist(args.blacklist)
    freezes = [each.freeze for each in loaded]
    constraints.check_freezes(freezes, args.freezes)  # names the artifact
    provenance = artifact.provenance(loaded, blacklist=blacklist_label)
    steps.finish(args, out, freezes, provenance, blacklist)
    return errors.EXIT_OK


def _command_line(argv: Sequence[str]) -> str:
    import shlex

    return shlex.join([PROG, *argv])
