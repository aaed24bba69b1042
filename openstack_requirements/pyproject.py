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

"""Requirement lists of a ``pyproject.toml``. Pure: no I/O.

``[project] dependencies``, each list of ``[project.optional-dependencies]``
and each PEP 735 ``[dependency-groups]`` list are read with ``tomlkit``;
every string becomes a :class:`reqfile.Line` (``{include-group = ...}``
tables pass through).  Edits go through ``tomlkit`` as well, so comments,
quoting, indentation and every other table stay exactly as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import typing

from openstack_requirements import errors
from openstack_requirements import reqfile

if typing.TYPE_CHECKING:  # pragma: no cover
    import tomlkit.items


@dataclasses.dataclass(frozen=True, slots=True)
class Array:
    """One TOML list of requirement strings.

    ``lines[i]`` is the string at index ``positions[i]`` of the list; its
    ``lineno`` is where the string sits in the file (0 if not found).
    """

    keys: tuple[str, ...]  # ("project", "optional-dependencies", "db")
    lines: reqfile.RequirementsFile
    positions: tuple[int, ...]

    @property
    def name(self) -> str:
        """Dotted name: ``project.dependencies``, ``dependency-groups.x``."""
        return ".".join(self.keys)


@dataclasses.dataclass(frozen=True, slots=True)
class PyProject:
    source: str
    text: str
    arrays: tuple[Array, ...]

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
        import tomlkit

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
    from tomlkit.items import String
    from tomlkit.items import StringType

    return isinstance(item, String) and item.type is StringType.SLL


def _string(value: str, literal: bool) -> tomlkit.items.String:
    import tomlkit

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


def _candidates(doc: typing.Any) -> Iterator[tuple[str, ...]]:
    project = _lookup(doc, ("project",))
    if project is not None and hasattr(project, "get"):
        if isinstance(project.get("dependencies"), list):
            yield ("project", "dependencies")
        optional = project.get("optional-dependencies")
        if hasattr(optional, "items"):
            for name in optional:
                yield ("project", "optional-dependencies", str(name))
    groups = _lookup(doc, ("dependency-groups",))
    if hasattr(groups, "items"):
        for name in groups:
            yield ("dependency-groups", str(name))


class _Locator:
    """Best-effort line numbers: find each quoted string in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.used: set[int] = set()

    def lineno(self, value: str) -> int:
        for quoted in (f'"{value}"', f"'{value}'"):
            start = 0
            while True:
                pos = self.text.find(quoted, start)
                if pos < 0:
                    break
                if pos not in self.used:
                    self.used.add(pos)
                    return self.text.count("\n", 0, pos) + 1
                start = pos + 1
        return 0


def parse(text: str, source: str = "pyproject.toml") -> PyProject:
    """Read the requirement lists of a pyproject.toml.

    :raises ParseError: the text is not TOML.
    """
    import tomlkit
    from tomlkit.exceptions import ParseError as TOMLError

    try:
        doc = tomlkit.parse(text)
    except TOMLError as exc:
        physical = text.split("\n")
        line = physical[exc.line - 1] if 0 < exc.line <= len(physical) \
            else ""
        message = str(exc).split(" at line ")[0]
        raise errors.ParseError(
            source, exc.line, line,
            f"not valid TOML: {message}; fix the syntax") from None
    locate = _Locator(text)
    arrays = []
    for keys in _candidates(doc):
        value = _lookup(doc, keys)
        if not isinstance(value, list):
            continue
        lines = []
        positions = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                continue  # {include-group = "..."} and the like
            string = str(item)
            lines.append(reqfile.parse_line(locate.lineno(string), string))
            positions.append(index)
        arrays.append(Array(keys, reqfile.RequirementsFile(source,
                                                           tuple(lines)),
                            tuple(positions)))
    return PyProject(source, text, tuple(arrays))
