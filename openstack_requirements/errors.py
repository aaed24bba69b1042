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

"""Exception hierarchy, findings and exit codes. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
import dataclasses

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_TOOL = 3
#: Killed by a signal, as a shell reports it (128 + the signal number):
#: Ctrl-C (SIGINT), and a reader that went away (SIGPIPE).
EXIT_INTERRUPTED = 128 + 2
EXIT_BROKEN_PIPE = 128 + 13


#: The code of a finding that a line cannot be parsed at all.
INVALID = "invalid"


def exit_code(findings: Iterable[Finding]) -> int:
    """The one exit-code rule of every command that reports findings.

    A line that cannot be parsed is bad input (:data:`EXIT_USAGE`, 2)
    even when it is reported beside other findings; well-formed input
    that breaks the policy is :data:`EXIT_FINDINGS` (1); else 0.
    """
    codes = {finding.code for finding in findings}
    if INVALID in codes:
        return EXIT_USAGE
    return EXIT_FINDINGS if codes else EXIT_OK


class RequirementsError(Exception):
    """Base class: the command cannot continue."""

    exit_code = EXIT_USAGE


#: How much of a malformed line a message quotes: a huge line (a
#: minified blob, a binary file) must not flood the terminal.
QUOTE_LIMIT = 200


class ParseError(RequirementsError):
    """A line of an input file is malformed."""

    def __init__(self, source: str, lineno: int, line: str, msg: str) -> None:
        super().__init__(source, lineno, line, msg)
        self.source = source
        self.lineno = lineno
        self.line = line.rstrip("\r\n")
        self.msg = msg

    def __str__(self) -> str:
        text = f"{self.source}:{self.lineno}: {self.msg}"
        line = self.line
        if len(line) > QUOTE_LIMIT:
            line = f"{line[:QUOTE_LIMIT]}... ({len(line)} characters)"
        if line.strip():
            text += f"\n    {line}"
        return text


class InputError(RequirementsError):
    """A missing or unreadable input, or conflicting options."""

    def __init__(self, msg: str, source: str | None = None) -> None:
        super().__init__(msg, source)
        self.msg = msg
        self.source = source

    def __str__(self) -> str:
        if self.source:
            return f"{self.source}: {self.msg}"
        return self.msg


class ToolError(RequirementsError):
    """An interpreter, virtualenv, pip or uv run failed."""

    exit_code = EXIT_TOOL

    def __init__(
        self, msg: str, command: tuple[str, ...] = (), output: str = ""
    ) -> None:
        super().__init__(msg, command, output)
        self.msg = msg
        self.command = command
        self.output = output

    def __str__(self) -> str:
        text = self.msg
        if self.command:
            text += "\n    command: " + " ".join(self.command)
        tail = self.output.strip().splitlines()[-20:]
        if tail:
            text += "\n" + "\n".join("    " + line for line in tail)
        return text


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """A broken rule: where it is and what to do about it."""

    source: str
    lineno: int | None
    message: str
    code: str = ""

    def __str__(self) -> str:
        if self.lineno:
            return f"{self.source}:{self.lineno}: {self.message}"
        return f"{self.source}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "line": self.lineno,
            "code": self.code,
            "message": self.message,
        }
