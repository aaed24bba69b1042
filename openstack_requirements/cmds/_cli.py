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

"""Shared command-line plumbing: parsers, the one catch site, reports.

Only this package (``cmds``) reads ``sys.argv``, the environment or the
working directory, and only it writes to streams.  Heavy modules are
imported by each command after its arguments are parsed, so ``--help``
stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import contextlib
import os
import sys
from typing import Any
from typing import TextIO
from typing import TYPE_CHECKING

from openstack_requirements import errors

if TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import dependents
    from openstack_requirements import reqfile


class NotImplementedYet(errors.RequirementsError):
    exit_code = errors.EXIT_USAGE


#: The distribution whose version ``--version`` prints.
DISTRIBUTION = "openstack-requirements"
#: Commands that run uv: their ``--version`` names the uv they would use.
USES_UV = ("generate-constraints", "build-wheel-mirror")


def version_text(prog: str) -> str:
    """What ``PROG --version`` prints.

    The package version, as ``importlib.metadata`` reports it, and the
    uv version for the commands that run uv.
    """
    from importlib import metadata

    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version = "(not installed: no package metadata)"
    lines = [f"{prog} {version}"]
    if prog in USES_UV:
        from openstack_requirements import interpreters

        try:
            uv = interpreters.find_uv(os.environ)
            lines.append(f"{uv.version} ({uv.path})")
        except errors.ToolError as exc:
            lines.append(f"uv: {exc.msg}")
    return "\n".join(lines)


class _Version(argparse.Action):
    """``--version``: print :func:`version_text` and exit 0."""

    def __init__(self, option_strings: Sequence[str], dest: str,
                 **kwargs: Any) -> None:
        super().__init__(option_strings, argparse.SUPPRESS, nargs=0,
                         default=argparse.SUPPRESS,
                         help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser,
                 namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(version_text(parser.prog))
        parser.exit()


def parser_for(
    prog: str,
    description: str,
    example: str,
    add_args: Callable[[argparse.ArgumentParser], None],
) -> argparse.ArgumentParser:
    """An argparse parser whose --help ends with one real invocation."""
    parser = argparse.ArgumentParser(**_help(prog, description, example))
    parser.add_argument("--version", action=_Version)
    add_args(parser)
    return parser


def _help(prog: str, description: str, example: str) -> dict[str, Any]:
    """The parser arguments every --help shares: ends with *example*."""
    return {"prog": prog, "description": description,
            "epilog": f"example:\n  {example}",
            "formatter_class": argparse.RawDescriptionHelpFormatter}


def run(
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    body: Callable[[argparse.Namespace, TextIO], int],
    stdout: TextIO | None = None,
) -> int:
    """Parse *argv*, call *body*; turn our exceptions into exit codes.

    This is the only place that catches ``RequirementsError``: it prints
    the message (``path:line: what is wrong``) to stderr, no traceback.
    """
    out = stdout if stdout is not None else sys.stdout
    try:
        with contextlib.redirect_stdout(out):  # --help goes to *stdout*
            args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else errors.EXIT_USAGE
    try:
        code = body(args, out)
        out.flush()  # a closed pipe shows up here, not after we return
        return code
    except errors.RequirementsError as exc:
        out.flush()
        print(f"{parser.prog}: error: {exc}" if not isinstance(
            exc, (errors.ParseError, errors.InputError)) else str(exc),
            file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return errors.EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. "| head") before the verdict was
        # written: exit as a shell does on SIGPIPE (128 + 13), never 0,
        # so "set -o pipefail" cannot mistake a cut-off report for a pass.
        # Point stdout at /dev/null so the flush at exit stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return errors.EXIT_BROKEN_PIPE


def not_implemented(prog: str, issue: int) -> Callable[
    [argparse.Namespace, TextIO], int
]:
    """Body of a command whose issue is not done: exit 2, no fake success."""

    def body(args: argparse.Namespace, out: TextIO) -> int:
        raise NotImplementedYet(
            f"not implemented yet (tracked in issue #{issue})"
        )

    return body


def shipped_dir() -> str:
    """Directory of the central lists shipped with this package.

    Looked for beside the package (a source checkout), then under this
    interpreter's prefixes and the user's ``~/.local``.
    """
    from openstack_requirements import lists

    home = os.path.expanduser("~/.local")
    return lists.locate_shipped((sys.prefix, sys.base_prefix, home))


def read_doc(path: str) -> reqfile.RequirementsFile:
    """Parse the requirements file at *path*."""
    from openstack_requirements import lists

    return lists.read_doc(path)


def report(
    out: TextIO, findings: Iterable[errors.Finding]
) -> int:
    """Print one line per finding; return how many there were."""
    count = 0
    for finding in findings:
        print(finding, file=out)
        count += 1
    return count


def add_json(parser: argparse.ArgumentParser) -> None:
    """``--json``, the one spelling of the machine-readable report."""
    parser.add_argument("--json", action="store_true",
                        help="print a machine-readable report (JSON) "
                        "instead; see doc/source/conventions.rst")


def report_json(
    out: TextIO, findings: Sequence[errors.Finding], **extra: object
) -> None:
    """The machine form of every command's report, one shape for all.

    ``{"ok": ..., "findings": [...], ...}``: ``ok`` is true without
    findings, each finding is :meth:`errors.Finding.as_dict` (``source``,
    ``line``, ``code``, ``message``); a command adds its own keys
    (*extra*) beside these two, never inside them.
    """
    import json

    document: dict[str, object] = {
        "ok": not findings, "findings": [f.as_dict() for f in findings]}
    document.update(extra)
    json.dump(document, out, indent=2)
    out.write("\n")


def redraws(
    stream: TextIO, environ: Mapping[str, str] | None = None
) -> bool:
    """Whether *stream* may get cursor-control codes (redraw in place).

    The one rule for every command: only a terminal whose ``TERM`` is
    set and not ``dumb``, and only without ``NO_COLOR`` (no-color.org:
    set and not empty).  Everything else gets plain lines.
    """
    env = os.environ if environ is None else environ
    return (stream.isatty() and env.get("TERM", "") not in ("", "dumb")
            and not env.get("NO_COLOR"))


def add_projects_args(parser: argparse.ArgumentParser) -> None:
    """PROJECTS_ROOT and --source: every project of projects.txt."""
    parser.add_argument("--root", required=True, metavar="PROJECTS_ROOT",
                        help="directory holding the projects' checkouts "
                        "(ROOT/namespace/name or ROOT/name), as "
                        "update-requirements --all takes")
    parser.add_argument("--source", metavar="DIR",
                        help="directory holding projects.txt and "
                        "global-requirements.txt (default: the lists "
                        "shipped with this package)")


def read_index(args: argparse.Namespace) -> dependents.Index:
    """The reverse-dependency index of ``--root`` and ``--source``."""
    from openstack_requirements import dependents
    from openstack_requirements import lists

    source = args.source or shipped_dir()
    return dependents.read(args.root, os.path.join(source, lists.PROJECTS))


def report_index(out: TextIO, index: dependents.Index, verbose: bool) -> None:
    """The warnings of reading the projects, and which are missing."""
    for finding in index.findings:
        print(f"warning: {finding}", file=out)
    if index.missing:
        names = (": " + ", ".join(index.missing)) if verbose else \
            " (-v names them)"
        print(f"note: {len(index.missing)} project(s) of projects.txt "
              f"have no checkout{names}", file=out)


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


class _Parser(argparse.ArgumentParser):
    """argparse for a command whose subcommands are optional.

    argparse demands a parser's required options even when a subcommand
    follows, so the plain form's are marked optional and checked here,
    in argparse's words, when no subcommand is given.  A subcommand
    reports its unknown arguments itself, with its own usage.
    """

    plain_required: Sequence[argparse.Action] = ()

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None,
        namespace: argparse.Namespace | None = None,
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        missing = [action for action in self.plain_required
                   if parsed.command is None
                   and getattr(parsed, action.dest) in (None, [])]
        if missing:
            self.error("the following arguments are required: " + ", ".join(
                "/".join(action.option_strings) for action in missing))
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


Subcommand = tuple[str, str, str, Callable[[argparse.ArgumentParser], None]]


def parser_with_subcommands(
    prog: str,
    description: str,
    example: str,
    add_args: Callable[[argparse.ArgumentParser], None],
    subcommands: Iterable[Subcommand],
) -> argparse.ArgumentParser:
    """:func:`parser_for`, plus optional subcommands (``args.command``).

    Without a subcommand (``args.command`` is None) the plain form's
    options apply, and its usage is the one ``--help`` shows.  Each
    subcommand is ``(name, description, example, add_args)``.
    """
    parser = _Parser(**_help(prog, description, example))
    parser.add_argument("--version", action=_Version)
    add_args(parser)
    parser.usage = parser.format_usage().removeprefix("usage: ").rstrip()
    parser.plain_required = [action for action in parser._actions
                             if action.required]
    for action in parser.plain_required:
        action.required = False
    subcommands = list(subcommands)
    commands = parser.add_subparsers(
        dest="command", help=argparse.SUPPRESS,
        metavar="{" + ",".join(name for name, *_ in subcommands) + "}")
    for name, sub_description, sub_example, add_sub_args in subcommands:
        add_sub_args(commands.add_parser(name, **_help(
            f"{prog} {name}", sub_description, sub_example)))
    return parser
