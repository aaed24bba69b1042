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

"""Lossless requirements-file model. Pure: no I/O.

``parse(text).render() == text`` holds for every string: blank lines,
comments, spacing, CRLF, a missing final newline, ``\\`` continuations
and lines that cannot be understood all survive.  Requirement lines carry
a parsed :class:`requirement.Requirement`; pip option lines are kept as
opaque pass-through entries; malformed lines become ``INVALID`` entries
that :meth:`RequirementsFile.require_valid` turns into a ``ParseError``.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from collections.abc import Iterator
import dataclasses
import enum
import re

from openstack_requirements import errors
from openstack_requirements import requirement

# As pip: '#' starts a comment at line start or after whitespace only, so
# 'git+https://host/repo#egg=name' keeps its fragment.
_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_COMMENT_LINE_RE = re.compile(r"^\s*#")
# Options pip accepts after a requirement on the same line.
_REQ_OPTION_RE = re.compile(
    r"\s+(--(?:hash|config-settings|global-option|install-option)\b.*)$"
)
# A URL, or a local path: ".", "..", "./x", "../x", "/x", "~/x".
_URL_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|\.{1,2}(?:/|$)|/|~)")
_ARCHIVE_RE = re.compile(r"\.(whl|tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$")
_EGG_RE = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# "name @ URL" is a PEP 508 requirement even when the URL names an archive.
_NAMED_URL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")
# -e URL, -eURL, --editable URL, --editable=URL
_EDITABLE_RE = re.compile(r"^(?:-e\s*|--editable(?:\s*=\s*|\s+))(?P<url>.+)$")
# An sdist's file name: the version starts at the last "-<digit>".
_SDIST_RE = re.compile(r"^(?P<name>.+)-\d[^-]*$")

#: pip requirements-file options that pass through untouched, with
#: whether they take a value.
KNOWN_OPTIONS: dict[str, bool] = {
    "-i": True,
    "--index-url": True,
    "--extra-index-url": True,
    "--no-index": False,
    "-c": True,
    "--constraint": True,
    "-r": True,
    "--requirement": True,
    "-e": True,
    "--editable": True,
    "-f": True,
    "--find-links": True,
    "--no-binary": True,
    "--only-binary": True,
    "--prefer-binary": False,
    "--require-hashes": False,
    "--pre": False,
    "--trusted-host": True,
    "--use-feature": True,
    "--hash": True,
    "--config-settings": True,
    "--global-option": True,
}


class Kind(enum.Enum):
    BLANK = "blank"
    COMMENT = "comment"
    REQUIREMENT = "requirement"
    URL = "url"  # a URL or path requirement; named when #egg= says so
    OPTION = "option"  # -r, -c, -e, -f, --index-url ...: opaque
    INVALID = "invalid"


@dataclasses.dataclass(frozen=True, slots=True)
class Line:
    """One logical line: a physical line or a ``\\`` continuation."""

    lineno: int  # 1-based; first physical line of a continuation
    raw: str  # exact text, newline(s) included
    kind: Kind
    req: requirement.Requirement | None = None
    comment: str = ""  # trailing "  # Apache-2.0", leading spaces included
    options: str = ""  # per-requirement options, e.g. "--hash=sha256:..."
    marker_sep: str = ""  # ";" or the legacy ":" (setup.cfg extras)
    error: str | None = None  # why an INVALID line could not be parsed

    @property
    def name(self) -> str | None:
        """Canonical name of the distribution the line is about."""
        return self.req.canonical if self.req is not None else None

    @property
    def text(self) -> str:
        """The line without its newline."""
        return self.raw.rstrip("\r\n")

    @property
    def newline(self) -> str:
        if self.raw.endswith("\r\n"):
            return "\r\n"
        return "\n" if self.raw.endswith("\n") else ""

    @property
    def license(self) -> str:
        """The trailing comment's text without '#' and spaces."""
        return self.comment.strip().lstrip("#").strip()


@dataclasses.dataclass(frozen=True, slots=True)
class RequirementsFile:
    source: str  # label for messages; this module never opens it
    lines: tuple[Line, ...]

    def render(self) -> str:
        return "".join(line.raw for line in self.lines)

    @property
    def newline(self) -> str:
        """The file's newline style, from its first line ('\\n' default)."""
        for line in self.lines:
            if line.newline:
                return line.newline
        return "\n"

    def requirements(self) -> Iterator[Line]:
        """Lines that name a distribution, in file order."""
        return (line for line in self.lines if line.req is not None)

    def by_name(self) -> dict[str, list[Line]]:
        """Canonical name -> the lines for it, in file order."""
        index: dict[str, list[Line]] = collections.defaultdict(list)
        for line in self.lines:
            if line.req is not None:
                index[line.req.canonical].append(line)
        return dict(index)

    def invalid(self) -> list[Line]:
        return [line for line in self.lines if line.kind is Kind.INVALID]

    def require_valid(self) -> RequirementsFile:
        """Return self, or raise ParseError for the first invalid line."""
        for line in self.lines:
            if line.kind is Kind.INVALID:
                raise errors.ParseError(
                    self.source, line.lineno, line.raw, line.error or "invalid"
                )
        return self

    def with_lines(self, lines: Iterable[Line]) -> RequirementsFile:
        """A new document made of *lines*, renumbered."""
        out: list[Line] = []
        lineno = 1
        for line in lines:
            if line.lineno != lineno:
                line = dataclasses.replace(line, lineno=lineno)
            out.append(line)
            lineno += max(1, line.raw.count("\n"))
        return RequirementsFile(self.source, tuple(out))


def _physical_lines(text: str) -> Iterator[str]:
    # Split on "\n" only: str.splitlines() also breaks on \x0c, \u2028...
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


#: Why a ``\\`` continuation on the last line is refused: pip would join
#: it with nothing, but a tool appending a line would join it with that.
DANGLING = ("the file ends inside a '\\' continuation; remove the "
            "trailing '\\' or add the line it continues")


def _logical_lines(text: str) -> Iterator[tuple[int, str, str | None]]:
    """Yield (lineno, raw, content) with continuations joined as pip does.

    A continuation still open at the end of *text* comes last, with
    content None.
    """
    lineno = 0
    first = 0
    raw_parts: list[str] = []
    content_parts: list[str] = []
    for physical in _physical_lines(text):
        lineno += 1
        content = physical.rstrip("\r\n")
        if not raw_parts:
            first = lineno
        raw_parts.append(physical)
        if content.endswith("\\") and not _COMMENT_LINE_RE.match(content):
            content_parts.append(content[:-1])
            continue
        content_parts.append(content)
        yield first, "".join(raw_parts), "".join(content_parts)
        raw_parts, content_parts = [], []
    if raw_parts:
        yield first, "".join(raw_parts), None


def parse_line(
    lineno: int, raw: str, content: str | None = None
) -> Line:
    """Classify one logical line; never raises on content."""
    if content is None:
        content = raw.rstrip("\r\n").replace("\\\n", "")
    stripped = content.strip()
    if not stripped:
        return Line(lineno, raw, Kind.BLANK)
    if stripped.startswith("#"):
        return Line(lineno, raw, Kind.COMMENT)
    m = _COMMENT_RE.search(content)
    comment = content[m.start():] if m else ""
    body = content[:m.start()] if m else content
    if body.lstrip().startswith("-"):
        return _option_line(lineno, raw, body.strip(), comment)
    options = ""
    om = _REQ_OPTION_RE.search(body)
    if om:
        options = om.group(1).strip()
        body = body[:om.start()]
        error = _check_options(options)
        if error:
            return Line(lineno, raw, Kind.INVALID, comment=comment,
                        error=error)
    stripped_body = body.strip()
    if _URL_RE.match(stripped_body) or (
        _ARCHIVE_RE.search(stripped_body)
        and not _NAMED_URL_RE.match(stripped_body)
    ):
        return _url_line(lineno, raw, stripped_body, comment)
    try:
        req = requirement.parse(body)
    except requirement.InvalidRequirement as exc:
        return Line(lineno, raw, Kind.INVALID, comment=comment,
                    error=str(exc))
    sep = requirement.split_marker(body)[1]
    return Line(lineno, raw, Kind.REQUIREMENT, req, comment, options, sep)


def _check_options(text: str) -> str | None:
    tokens = text.split()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        name = token.split("=", 1)[0]
        if not name.startswith("-"):
            return f"unexpected {token!r}; expected a pip option"
        if len(name) > 2 and not name.startswith("--"):
            name = name[:2]  # -rfile.txt
        takes_value = KNOWN_OPTIONS.get(name)
        if takes_value is None:
            known = ", ".join(sorted(KNOWN_OPTIONS))
            return (f"unknown pip option {name!r}; this toolkit knows: "
                    f"{known}")
        attached = "=" in token or (len(token) > 2 and token[1] != "-")
        if takes_value and not attached:
            if i + 1 >= len(tokens):
                return f"pip option {name!r} needs a value"
            i += 1
        i += 1
    return None


def _option_line(lineno: int, raw: str, body: str, comment: str) -> Line:
    error = _check_options(body)
    if error:
        return Line(lineno, raw, Kind.INVALID, comment=comment, error=error)
    req = None
    m = _EDITABLE_RE.match(body)
    if m:
        url = m.group("url").strip()
        egg = _EGG_RE.search(url)
        if egg:
            req = requirement.Requirement(egg.group(1), url=url)
    return Line(lineno, raw, Kind.OPTION, req, comment)


def _url_line(lineno: int, raw: str, body: str, comment: str) -> Line:
    url, sep, marker = body.partition(" ;")
    if not sep:
        url, marker = body, ""
    name = None
    m = _EGG_RE.search(url)
    if m:
        name = m.group(1)
    else:
        base = url.rsplit("/", 1)[-1]
        am = _ARCHIVE_RE.search(base)
        if am and am.group(1) == "whl":
            # Wheel names have "-" escaped as "_": the first field is it.
            stem = base[: am.start()]
            name = stem.split("-", 1)[0] if "-" in stem else None
        elif am:
            sm = _SDIST_RE.match(base[: am.start()])
            name = sm.group("name") if sm else None
    req = None
    if name:
        req = requirement.Requirement(name, url=url.strip(),
                                      marker=marker.strip())
    return Line(lineno, raw, Kind.URL, req, comment)


def parse(text: str, source: str = "<string>") -> RequirementsFile:
    """Parse the text of a requirements file; never raises on content."""
    lines = tuple(
        parse_line(lineno, raw, content) if content is not None
        else Line(lineno, raw, Kind.INVALID, error=DANGLING)
        for lineno, raw, content in _logical_lines(text)
    )
    return RequirementsFile(source, lines)


def make_line(
    req: requirement.Requirement,
    comment: str = "",
    newline: str = "\n",
    marker_sep: str = ";",
    options: str = "",
) -> Line:
    """A requirement line rendered in the central lists' style."""
    text = req.render(marker_sep)
    if options:
        text += " " + options
    if comment and not comment[:1].isspace():
        comment = "  " + comment
    return Line(0, text + comment + newline, Kind.REQUIREMENT, req, comment,
                options, marker_sep if req.marker else "")
