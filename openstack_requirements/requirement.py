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

"""One requirement: the PEP 508 body of a line, names. Pure: no I/O.

The text of a requirement is kept as written (specifier order, marker
spelling) so that an unmodified line renders back unchanged; ``packaging``
validates each part and supplies the objects that evaluate them.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from packaging.markers import InvalidMarker
from packaging.markers import Marker
from packaging.specifiers import InvalidSpecifier
from packaging.specifiers import Specifier
from packaging.specifiers import SpecifierSet

#: A PEP 508 distribution name (and, by PEP 685, an extra): letters and
#: digits, with ``.`` ``_`` ``-`` inside.  The one copy of the pattern;
#: compose it into larger patterns or match names with :data:`NAME_RE`.
NAME_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
NAME_RE = re.compile(NAME_PATTERN, re.ASCII)

_CANONICAL_RE = re.compile(r"[-_.]+")
_LEADING_NAME_RE = re.compile(rf"\s*({NAME_PATTERN})\s*", re.ASCII)


class InvalidRequirement(ValueError):
    """The text is not a valid requirement; the message says why."""


def canonical_name(name: str) -> str:
    """PEP 503 normalised form of a distribution name."""
    return _CANONICAL_RE.sub("-", name).lower()


@dataclasses.dataclass(frozen=True, slots=True)
class Requirement:
    """A parsed requirement; fields hold the text as written.

    ``specifier`` is the comma-joined specifiers in their written order,
    each normalised by ``packaging`` (``>= 1.0`` becomes ``>=1.0``);
    ``marker`` is the marker text, stripped; ``url`` is set for
    ``name @ URL`` requirements and for URL lines named by ``#egg=``.
    """

    name: str
    extras: tuple[str, ...] = ()
    specifier: str = ""
    marker: str = ""
    url: str = ""

    @property
    def canonical(self) -> str:
        return canonical_name(self.name)

    @property
    def specifiers(self) -> tuple[str, ...]:
        return tuple(s for s in self.specifier.split(",") if s)

    @property
    def specifier_set(self) -> SpecifierSet:
        return _specifier_set(self.specifier)

    @property
    def marker_obj(self) -> Marker | None:
        return _marker(self.marker) if self.marker else None

    def render(self, marker_sep: str = ";") -> str:
        """Text of the requirement in the central lists' compact style."""
        text = self.name
        if self.extras:
            text += "[" + ",".join(self.extras) + "]"
        if self.url:
            text += " @ " + self.url
            if self.marker:
                text += " "
        text += self.specifier
        if self.marker:
            text += marker_sep + self.marker
        return text

    def replace(self, **changes: str | tuple[str, ...]) -> Requirement:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


# The caches below memoise pure functions of a string: bounded, keyed by
# the text alone, and holding values nobody mutates.  The same few
# specifiers and markers recur thousands of times across 200 projects.


@functools.lru_cache(maxsize=4096)
def _specifier_set(text: str) -> SpecifierSet:

    return SpecifierSet(text)


@functools.lru_cache(maxsize=1024)
def _marker(text: str) -> Marker:

    return Marker(text)


@functools.lru_cache(maxsize=8192)
def _normalise_specifier(text: str) -> str:

    try:
        return str(Specifier(text))
    except InvalidSpecifier as exc:
        raise InvalidRequirement(
            f"invalid version specifier {text.strip()!r}"
        ) from exc


@functools.lru_cache(maxsize=1024)
def _check_marker(text: str) -> None:

    try:
        _marker(text)
    except InvalidMarker as exc:
        first = str(exc).splitlines()[0]
        raise InvalidRequirement(
            f"invalid environment marker {text!r}: {first}"
        ) from exc


def split_marker(text: str, legacy_colon: bool = True) -> tuple[str, str, str]:
    """Split ``body;marker`` into (body, separator, marker).

    The old ``name>=1:python_version<'3'`` spelling of setup.cfg extras is
    understood when *legacy_colon* is set and the text is not a URL.
    """
    if "@" in text or "://" in text:
        # PEP 508: a URL ends at whitespace, so the marker needs " ;".
        m = re.search(r"\s;", text)
        if m:
            return text[: m.start()], ";", text[m.end():]
        if "://" not in text and ";" in text:
            body, _, marker = text.partition(";")
            return body, ";", marker
        return text, "", ""
    if ";" in text:
        body, _, marker = text.partition(";")
        return body, ";", marker
    if legacy_colon and ":" in text:
        body, _, marker = text.partition(":")
        return body, ":", marker
    return text, "", ""


def parse(text: str, legacy_colon: bool = True) -> Requirement:
    """Parse the PEP 508 text of one requirement.

    :raises InvalidRequirement: with a message fit for a user.
    """
    body, sep, marker = split_marker(text, legacy_colon)
    marker = marker.strip()
    m = _LEADING_NAME_RE.match(body)
    if not m:
        raise InvalidRequirement(
            f"expected a distribution name at the start of {text.strip()!r}"
        )
    name = m.group(1)
    rest = body[m.end():]
    extras: tuple[str, ...] = ()
    if rest.startswith("["):
        close = rest.find("]")
        if close < 0:
            raise InvalidRequirement(f"unclosed '[' in extras of {name}")
        items = [e.strip() for e in rest[1:close].split(",")]
        items = [e for e in items if e]
        for extra in items:
            if not NAME_RE.fullmatch(extra):
                raise InvalidRequirement(f"invalid extra {extra!r} of {name}")
        extras = tuple(items)
        rest = rest[close + 1:].strip()
    url = ""
    specifier = ""
    if rest.startswith("@"):
        url = rest[1:].strip()
        if not url or any(c.isspace() for c in url):
            raise InvalidRequirement(f"invalid URL after '@' for {name}")
    elif rest:
        if rest.startswith("(") and rest.endswith(")"):
            rest = rest[1:-1]
        parts = rest.split(",")
        specifier = ",".join(_normalise_specifier(p) for p in parts)
    if marker:
        _check_marker(marker)
    elif sep:
        raise InvalidRequirement(f"empty environment marker after {name}")
    return Requirement(name, extras, specifier, marker, url)
