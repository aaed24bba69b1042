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

"""The ``[extras]`` section of a pbr ``setup.cfg``. Pure: no I/O.

The section is parsed with a parsley grammar into its extras, each a key
line followed by indented continuation lines; every value line then goes
through :mod:`reqfile` (PEP 508 via ``packaging``, with the legacy ``:``
marker separator).  Everything outside the section, and every byte inside
it that is not edited, renders back exactly as it was read.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import functools
import typing

import parsley
from parsley import ParseError as GrammarError

from openstack_requirements import errors
from openstack_requirements import reqfile

if typing.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

SECTION = "extras"

# INI as configparser reads it.  Two levels: the section is a sequence of
# physical lines, each tagged by what it starts with (see _tokens); an
# option is a key line at column 0 followed by indented continuation
# lines, and blank lines may sit inside a value when more indented lines
# follow.  A key line is then split character by character into its key,
# its delimiter ('=' or ':', whichever comes first) and the value's start.
GRAMMAR = r"""
tok :kind = anything:t ?(t[0] == kind) -> t[1]
blank = tok('blank')
comment = tok('comment') | tok('indented-comment')
cont = tok('indented') | tok('indented-comment')
body = cont | (blank+:b ~~cont -> ''.join(b))
entry = tok('key'):k body*:rest -> ('extra', k, rest)
item = entry | (blank:b -> ('blank', b)) | (comment:c -> ('comment', c))
section = item*:items anything*:rest -> (items, rest)

ws = (' ' | '\t')
key = (~('=' | ':' | ws | '#' | ';') anything)
      (~('=' | ':') anything)*
keyline = <key>:k <ws* ('=' | ':')>:sep <anything*>:value -> (k, sep, value)
"""

_HINT = (
    "expected 'name =' at the start of a line followed by requirements "
    "on lines indented by two spaces"
)


@functools.lru_cache(maxsize=1)
def _grammar() -> Callable[[object], typing.Any]:
    # Compiling the grammar costs ~0.1 s: do it once, on first use.

    return typing.cast("Callable[[object], typing.Any]",
                       parsley.makeGrammar(GRAMMAR, {}))


@dataclasses.dataclass(frozen=True, slots=True)
class Extra:
    """One extra: its key line up to the value, and the value's lines.

    ``body`` holds the text after the delimiter (the rest of the key line,
    often just a newline) followed by the continuation lines, parsed as a
    requirements file whose line numbers are those of ``setup.cfg``.
    """

    name: str
    head: str  # "mysql =" exactly as written
    body: reqfile.RequirementsFile

    def render(self) -> str:
        return self.head + self.body.render()

    @property
    def indent(self) -> str:
        """Indentation of the continuation lines (two spaces if none)."""
        for line in self.body.lines[1:]:
            text = line.text
            if text.strip():
                return text[: len(text) - len(text.lstrip())]
        return "  "


@dataclasses.dataclass(frozen=True, slots=True)
class SetupCfg:
    """A setup.cfg split around its ``[extras]`` section."""

    source: str
    before: str  # everything up to and including the [extras] header
    items: tuple[Extra | str, ...]  # extras and raw blank/comment lines
    after: str  # the next section onwards
    has_extras: bool

    def render(self) -> str:
        return self.before + "".join(
            item if isinstance(item, str) else item.render()
            for item in self.items
        ) + self.after

    def extras(self) -> Iterator[Extra]:
        return (item for item in self.items if isinstance(item, Extra))

    def with_bodies(
        self, bodies: Mapping[str, Sequence[reqfile.Line]]
    ) -> SetupCfg:
        """A copy whose extras named in *bodies* have those lines."""
        items: list[Extra | str] = []
        for item in self.items:
            if isinstance(item, Extra) and item.name in bodies:
                body = reqfile.RequirementsFile(
                    item.body.source, tuple(bodies[item.name]))
                item = dataclasses.replace(item, body=body)
            items.append(item)
        return dataclasses.replace(self, items=tuple(items))


def _split_lines(text: str) -> list[str]:
    # Split on "\n" only, newlines kept: str.splitlines() also breaks on
    # \x0c and \u2028, which may sit inside a value.
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _header(line: str, source: str, lineno: int) -> str | None:
    """The section name if *line* is a section header (configparser).

    :raises ParseError: a header that is not closed (``[extras``), which
        configparser refuses.
    """
    if not line.startswith("["):
        return None
    end = line.find("]")
    if end < 0:
        raise errors.ParseError(
            source, lineno, line,
            "the section header is not closed; end it with ']'")
    return line[1:end].strip()


def parse(text: str, source: str = "setup.cfg") -> SetupCfg:
    """Split *text* around its ``[extras]`` section and parse that.

    :raises ParseError: the text does not start with a section header,
        or the section does not follow INI continuation rules, defines
        an extra twice or appears twice.
    """
    lines = list(_split_lines(text))
    start = end = None
    headed = False
    for index, line in enumerate(lines):
        name = _header(line, source, index + 1)
        if name is None:
            if not headed and line.strip()[:1] not in ("", "#", ";"):
                # configparser (and so pbr) refuses the file.
                raise errors.ParseError(
                    source, index + 1, line,
                    "expected a [section] header first; this is not an "
                    "INI file")
            continue
        headed = True
        if start is not None and end is None:
            end = index
        if name == SECTION:
            if start is not None:
                raise errors.ParseError(
                    source, index + 1, line,
                    "a second [extras] section; merge the two")
            start = index + 1
    if start is None:
        return SetupCfg(source, text, (), "", False)
    if end is None:
        end = len(lines)
    before = "".join(lines[:start])
    section = "".join(lines[start:end])
    after = "".join(lines[end:])
    return SetupCfg(source, before, _parse_section(section, source, start),
                    after, True)


def _tokens(lines: list[str]) -> list[tuple[str, str]]:
    """Tag each physical line by its start, for the grammar."""
    tokens = []
    for line in lines:
        stripped = line.strip()
        indented = line[:1] in (" ", "\t")
        if not stripped:
            kind = "blank"
        elif stripped[0] in "#;":
            kind = "indented-comment" if indented else "comment"
        else:
            kind = "indented" if indented else "key"
        tokens.append((kind, line))
    return tokens


def _parse_section(
    section: str, source: str, offset: int
) -> tuple[Extra | str, ...]:

    lines = _split_lines(section)
    grammar = _grammar()
    # The grammar stops at the first line that is not part of an option;
    # that line is the error.
    parsed, rest = grammar(_tokens(lines)).section()
    if rest:
        index = len(lines) - len(rest)
        raise errors.ParseError(
            source, offset + index + 1, lines[index],
            f"cannot parse the [extras] section: {_HINT}")
    items: list[Extra | str] = []
    seen: dict[str, int] = {}  # lower-case name -> line, as pbr reads it
    lineno = offset + 1  # 1-based number of the next line
    for kind, *parts in parsed:
        if kind != "extra":
            items.append(parts[0])
            lineno += 1
            continue
        line, cont = parts
        try:
            key, sep, value = grammar(line).keyline()
        except GrammarError:
            raise errors.ParseError(
                source, lineno, line,
                f"cannot parse the [extras] section: {_HINT}") from None
        first = seen.setdefault(key.strip().lower(), lineno)
        if first != lineno:
            raise errors.ParseError(
                source, lineno, line,
                f"extra {key.strip()!r} is already defined on line "
                f"{first}; remove one")
        body_text = value + "".join(cont)
        body = reqfile.parse(body_text, source=source)
        shifted = tuple(
            dataclasses.replace(line, lineno=line.lineno + lineno - 1)
            for line in body.lines
        )
        items.append(Extra(key.strip(), key + sep,
                           reqfile.RequirementsFile(source, shifted)))
        lineno += 1 + sum(1 for part in cont for _ in _split_lines(part))
    return tuple(items)
