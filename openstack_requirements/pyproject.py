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

"""Requirement lists and ``[build-system]`` of a ``pyproject.toml``.

Pure: no I/O.  ``[project] dependencies``, each list of
``[project.optional-dependencies]`` and each PEP 735 ``[dependency-groups]``
list are read with ``tomlkit``; every string becomes a
:class:`reqfile.Line` and every ``{include-group = ...}`` table an include
of its group.  A list of the wrong shape is a :class:`ParseError`.  Edits
go through ``tomlkit`` as well, so comments, quoting, indentation and every
other table stay exactly as written.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import re
import sys
import typing

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import String
from tomlkit.items import StringType

from openstack_requirements import errors
from openstack_requirements import reqfile

if typing.TYPE_CHECKING:  # pragma: no cover
    import tomlkit.items

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = None


@dataclasses.dataclass(frozen=True, slots=True)
class Array:
    """One TOML list of requirement strings.

    ``lines[i]`` is the string at index ``positions[i]`` of the list; its
    ``lineno`` is where the string sits in the file (0 if not found).
    """

    keys: tuple[str, ...]  # ("project", "optional-dependencies", "db")
    lines: reqfile.RequirementsFile
    positions: tuple[int, ...]
    #: PEP 735 ``{include-group = "x"}`` entries: (group name, lineno).
    includes: tuple[tuple[str, int], ...] = ()

    @property
    def name(self) -> str:
        """Dotted name: ``project.dependencies``, ``dependency-groups.x``."""
        return ".".join(self.keys)


@dataclasses.dataclass(frozen=True, slots=True)
class BuildSystem:
    """The ``[build-system]`` table."""

    lineno: int
    backend: str | None
    requires: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class PyProject:
    source: str
    text: str
    arrays: tuple[Array, ...]
    build_system: BuildSystem | None = None

    def render(self) -> str:
        return self.text

    def with_items(
        self, edits: Mapping[str, Sequence[Sequence[reqfile.Line]]]
    ) -> str:
        """Text with the lists named in *edits* rewritten.

        ``edits[name][i]`` replaces the i-th string of that list with zero
        or more strings (each a line's ``raw``); untouched strings keep
        their quoting and comments.
        """

        doc = tomlkit.parse(self.text)
        for array in self.arrays:
            replacements = edits.get(array.name)
            if replacements is None:
                continue
            target = _lookup(doc, array.keys)
            assert target is not None
            pairs = list(zip(array.lines.lines, array.positions,
                             replacements, strict=True))
            for old, index, new in reversed(pairs):
                if len(new) == 1 and new[0] is old:
                    continue
                literal = _is_literal(target[index])
                if not new:
                    del target[index]
                    continue
                target[index] = _string(new[0].raw, literal)
                for offset, line in enumerate(new[1:], start=1):
                    target.insert(index + offset, _string(line.raw, literal))
        return tomlkit.dumps(doc)


def _is_literal(item: object) -> bool:

    return isinstance(item, String) and item.type is StringType.SLL


def _string(value: str, literal: bool) -> tomlkit.items.String:

    return tomlkit.string(value, literal=literal and "'" not in value)


def _lookup(doc: typing.Any, keys: Sequence[str]) -> typing.Any:
    node = doc
    for key in keys:
        if not hasattr(node, "get"):
            return None
        node = node.get(key)
        if node is None:
            return None
    return node


class _Locator:
    """Line numbers for the values tomlkit returns without positions.

    Table headers, keys and strings are searched for in the text, each
    from where the enclosing one was found and strings in list order, so
    the same string in two lists (or twice in one) gets its own line.
    """

    def __init__(self, text: str) -> None:

        self.text = text
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._bisect = bisect.bisect_right

    def lineno(self, pos: int) -> int:
        return self._bisect(self._starts, pos)

    def header(self, name: str) -> int | None:
        """Offset of the ``[a.b]`` header of table *name*, if written."""
        parts = r"\s*\.\s*".join(
            "(?:" + re.escape(p) + "|\"" + re.escape(p) + "\")"
            for p in name.split("."))
        m = re.search(r"^[ \t]*\[[ \t]*" + parts + r"[ \t]*\]",
                      self.text, re.MULTILINE)
        return m.start() if m else None

    def table(self, name: str, start: int = 0) -> int:
        """Offset of table *name*: its header, else its key from *start*."""
        header = self.header(name)
        if header is None:
            return self.key(start, name.rsplit(".", 1)[-1])
        return header

    def key(self, start: int, key: str) -> int:
        """Offset of the first ``key =`` line from *start* (else *start*)."""
        pattern = re.compile(r"^[ \t]*([\"']?)" + re.escape(key)
                             + r"\1[ \t]*=", re.MULTILINE)
        m = pattern.search(self.text, start)
        return m.start() if m else start

    def value(self, start: int, value: object) -> tuple[int, int]:
        """(offset, end) of the first quoted *value* from *start*.

        A tomlkit string is searched for as written (escapes and all),
        then as its plain value in either quote style.
        """
        written = getattr(value, "as_string", None)
        spellings = [written()] if callable(written) else []
        spellings += [f'"{value}"', f"'{value}'"]
        found = [(pos, pos + len(quoted))
                 for quoted in spellings
                 for pos in (self.text.find(quoted, start),) if pos >= 0]
        return min(found) if found else (start, start)


def _strict_error(text: str) -> Exception | None:
    """What the standard library's reader (pip's and build's) refuses.

    tomlkit accepts a few documents that ``tomllib`` refuses, and the
    other way round; a file either of them refuses is not TOML.
    """
    if tomllib is None:  # pragma: no cover (Python 3.10)
        return None
    try:
        tomllib.loads(text)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError
        return exc
    return None


def _toml_error(
    source: str, text: str, exc: Exception, where: Exception | None = None
) -> errors.ParseError:
    """ParseError for *exc*, at the line *where* names (else *exc*)."""
    lineno = int(getattr(where or exc, "line", 0) or 0)
    found = re.search(r"\(at line (\d+), column \d+\)$", str(where or exc))
    if found:
        lineno = int(found[1])
    elif "(at end of document)" in str(where or exc):
        lineno = text.count("\n") + (not text.endswith("\n"))
    lineno = max(lineno, 1)
    physical = text.split("\n")
    line = physical[lineno - 1] if 0 < lineno <= len(physical) else ""
    msg = re.sub(r"\s*at line \d+ col \d+$", "", str(exc)).rstrip(".")
    msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$",
                 "", msg).rstrip(".")
    if isinstance(exc, RecursionError):
        msg = "nested too deeply"
    msg = msg.replace("Unexpected character: '\\x00'",
                      "unexpected end of file")
    return errors.ParseError(
        source, lineno, line, f"invalid TOML: {msg}; fix the syntax")


def _build_system(
    doc: typing.Any, source: str, loc: _Locator
) -> BuildSystem | None:
    table = doc.get("build-system")
    if table is None:
        return None
    at = loc.table("build-system")
    lineno = loc.lineno(at)
    if not isinstance(table, dict):
        raise errors.ParseError(source, lineno, "",
                                "[build-system] must be a table")
    backend = table.get("build-backend")
    if backend is not None and not isinstance(backend, str):
        raise errors.ParseError(
            source, loc.lineno(loc.key(at, "build-backend")), "",
            "build-backend must be a string")
    requires = table.get("requires", [])
    if not isinstance(requires, list) or not all(
            isinstance(item, str) for item in requires):
        raise errors.ParseError(
            source, lineno, "",
            "[build-system] requires must be an array of requirement "
            "strings")
    return BuildSystem(lineno, None if backend is None else str(backend),
                       tuple(str(item) for item in requires))


def _array(
    keys: tuple[str, ...], value: object, source: str, loc: _Locator,
    at: int, what: str,
) -> Array:
    """One list; *at* is the offset of its key, *what* names it."""
    group = keys[0] == "dependency-groups"
    if not isinstance(value, list) or not group and not all(
            isinstance(item, str) for item in value):
        raise errors.ParseError(
            source, loc.lineno(at), "",
            f"{what} must be an array"
            + ("" if group else " of requirement strings"))
    lines = []
    positions = []
    includes = []
    start = at
    for index, item in enumerate(value):
        if isinstance(item, str):
            string = str(item)
            pos, start = loc.value(start, item)
            lines.append(reqfile.parse_line(loc.lineno(pos), string))
            positions.append(index)
        elif (isinstance(item, dict) and list(item) == ["include-group"]
                and isinstance(item["include-group"], str)):
            name = str(item["include-group"])
            pos, start = loc.value(start, item["include-group"])
            includes.append((name, loc.lineno(pos)))
        else:
            raise errors.ParseError(
                source, loc.lineno(at), "",
                f"{what}: entries must be requirement strings or "
                "{include-group = \"name\"} tables (PEP 735)")
    return Array(keys, reqfile.RequirementsFile(source, tuple(lines)),
                 tuple(positions), tuple(includes))


def _check_table(
    value: object, source: str, loc: _Locator, at: int, what: str
) -> None:
    if not isinstance(value, dict):
        raise errors.ParseError(source, loc.lineno(at), "",
                                f"{what} must be a table")


def parse(text: str, source: str = "pyproject.toml") -> PyProject:
    """Read the requirement lists and [build-system] of a pyproject.toml.

    :raises ParseError: the text is not TOML, or a requirement list or
        [build-system] has the wrong shape.
    """

    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        # Some (KeyAlreadyPresent) carry no line; the strict reader's
        # message names one.
        located = None if getattr(exc, "line", None) else _strict_error(text)
        raise _toml_error(source, text, exc, located) from None
    strict = _strict_error(text)
    if strict is not None:
        raise _toml_error(source, text, strict)
    loc = _Locator(text)
    build = _build_system(doc, source, loc)
    arrays = []
    project = doc.get("project")
    if project is not None:
        start = loc.table("project")
        _check_table(project, source, loc, start, "[project]")
        deps = project.get("dependencies")
        if deps is not None:
            arrays.append(_array(
                ("project", "dependencies"), deps, source, loc,
                loc.key(start, "dependencies"), "[project] dependencies"))
        optional = project.get("optional-dependencies")
        if optional is not None:
            at = loc.table("project.optional-dependencies", start)
            _check_table(optional, source, loc, at,
                         "[project.optional-dependencies]")
            for name, values in optional.items():
                arrays.append(_array(
                    ("project", "optional-dependencies", str(name)), values,
                    source, loc, loc.key(at, str(name)),
                    f"optional-dependencies {str(name)!r}"))
    groups = doc.get("dependency-groups")
    if groups is not None:
        at = loc.table("dependency-groups")
        _check_table(groups, source, loc, at, "[dependency-groups]")
        for name, values in groups.items():
            arrays.append(_array(
                ("dependency-groups", str(name)), values, source, loc,
                loc.key(at, str(name)), f"dependency group {str(name)!r}"))
    return PyProject(source, text, tuple(arrays), build)
