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

"""The holds file: why a package is held back, and until when. Pure.

``holds.txt`` sits beside the central lists.  One hold a line: a
requirement that keeps releases out (``name!=version`` for one release,
``name<version`` for it and everything after it; several specifiers
joined by commas), then a comment of ``key=value`` fields, the format
``bisect-constraints --propose-hold`` writes::

    pkg!=2.0  # reason="breaks nova" link=https://bugs/1 expires=2027-03-01

``reason`` (quoted when it has spaces) and ``expires`` (``YYYY-MM-DD``)
are required, ``link`` and ``owner`` may be empty.  The generators pass
the holds to pip/uv as constraints (:meth:`Holds.constraints_text`);
validate-constraints checks them against the global list
(:func:`check`); what-broke, check-security and the report ask
:meth:`Holds.keeping_out` whether a release is held.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import datetime
import re

from packaging.specifiers import Specifier
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import errors
from openstack_requirements import reqfile

#: Operators a hold may use: it only ever keeps releases out.
OPERATORS = ("!=", "<", "<=")
FIELDS = ("reason", "link", "owner", "expires")
_FIELD = re.compile(r'\s*([A-Za-z_]+)=("(?:[^"\\]|\\.)*"|(?!")\S*)')
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclasses.dataclass(frozen=True, slots=True)
class Hold:
    """One hold: the releases it keeps out, and why."""

    name: str  # as written
    canonical: str
    specifier: str  # "!=2.0", "<3", "!=2.0,!=2.1"
    reason: str
    link: str = ""
    owner: str = ""
    expires: datetime.date | None = None
    lineno: int = 0
    marker: str = ""

    @property
    def requirement(self) -> str:
        """The constraint line pip/uv get."""
        marker = f"; {self.marker}" if self.marker else ""
        return f"{self.name}{self.specifier}{marker}"

    def keeps_out(self, version: str) -> bool:
        """True when this hold excludes *version*."""
        try:
            parsed = Version(version)
        except InvalidVersion:
            return False
        return not SpecifierSet(self.specifier).contains(
            parsed, prereleases=True)

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and self.expires < today

    def describe(self) -> str:
        """``pkg!=2.0 (reason; link; owner; until 2027-03-01)``."""
        parts = [self.reason]
        if self.link:
            parts.append(self.link)
        if self.owner:
            parts.append(f"owner {self.owner}")
        if self.expires is not None:
            parts.append(f"until {self.expires.isoformat()}")
        return f"{self.requirement} ({'; '.join(parts)})"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "specifier": self.specifier,
            "marker": self.marker, "reason": self.reason,
            "link": self.link, "owner": self.owner,
            "expires": self.expires.isoformat() if self.expires else "",
            "line": self.lineno,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Holds:
    """Every hold of a holds file, and what is wrong with its lines."""

    source: str = ""
    holds: tuple[Hold, ...] = ()
    #: Lines that are not a hold (code ``hold-format``/``invalid``).
    problems: tuple[errors.Finding, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.holds)

    def for_name(self, canonical: str) -> list[Hold]:
        return [h for h in self.holds if h.canonical == canonical]

    def keeping_out(self, canonical: str, version: str) -> list[Hold]:
        """The holds that exclude release *version* of *canonical*."""
        return [h for h in self.for_name(canonical) if h.keeps_out(version)]

    def names(self) -> frozenset[str]:
        return frozenset(h.canonical for h in self.holds)

    def constraints_text(self) -> str:
        """The holds as a constraints file for ``pip/uv -c``."""
        return "".join(f"{h.requirement}\n" for h in self.holds)

    def require_valid(self) -> Holds:
        """*self*, or the first problem as a ParseError.

        :raises ParseError: a line is not a well-formed hold.
        """
        if self.problems:
            first = self.problems[0]
            raise errors.ParseError(self.source, first.lineno or 0, "",
                                    first.message)
        return self


def _fields(comment: str) -> tuple[dict[str, str], str]:
    """The ``key=value`` fields of a comment; an error or ""."""
    text = comment.strip().lstrip("#")
    found: dict[str, str] = {}
    pos = 0
    while text[pos:].strip():
        match = _FIELD.match(text, pos)
        if match is None:
            return found, (f"cannot read {text[pos:].strip()[:40]!r}: "
                           'write key=value, quoting values with spaces '
                           '(reason="...")')
        key, value = match.group(1), match.group(2)
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if key not in FIELDS:
            return found, (f"unknown field {key!r}; a hold has "
                           f"{', '.join(FIELDS)}")
        if key in found:
            return found, f"{key} is given twice"
        found[key] = value
        pos = match.end()
    return found, ""


def _hold(line: reqfile.Line) -> tuple[Hold | None, str]:
    req = line.req
    assert req is not None
    if req.extras or line.kind is not reqfile.Kind.REQUIREMENT:
        return None, "a hold is a name and specifiers (no extras, URLs)"
    specs = list(SpecifierSet(req.specifier)) if req.specifier else []
    if not specs:
        return None, (f"{req.name} holds nothing back; give the releases "
                      f"to keep out ({req.name}!=VERSION or "
                      f"{req.name}<VERSION)")
    for spec in specs:
        if spec.operator not in OPERATORS:
            return None, (f"{spec} does not keep releases out; a hold uses "
                          f"{', '.join(OPERATORS)}")
    fields, error = _fields(line.comment)
    if error:
        return None, error
    if not fields.get("reason"):
        return None, 'a hold needs reason="why it is held"'
    expires_text = fields.get("expires", "")
    if not expires_text:
        return None, ("a hold needs expires=YYYY-MM-DD (when to look "
                      "at it again)")
    if not _DATE.fullmatch(expires_text):
        return None, f"expires={expires_text}: write YYYY-MM-DD"
    try:
        expires = datetime.date.fromisoformat(expires_text)
    except ValueError:
        return None, f"expires={expires_text} is not a real date"
    return Hold(
        name=req.name, canonical=req.canonical,
        specifier=",".join(str(s) for s in sorted(specs, key=str)),
        reason=fields["reason"], link=fields.get("link", ""),
        owner=fields.get("owner", ""), expires=expires,
        lineno=line.lineno, marker=req.marker or ""), ""


def parse(text: str, source: str = "holds.txt") -> Holds:
    """The holds in *text*; bad lines are :attr:`Holds.problems`."""
    doc = reqfile.parse(text, source)
    found: list[Hold] = []
    problems: list[errors.Finding] = []
    for line in doc.lines:
        if line.kind is reqfile.Kind.INVALID:
            problems.append(errors.Finding(
                source, line.lineno, line.error or "cannot parse this line",
                errors.INVALID))
        elif line.kind is reqfile.Kind.OPTION:
            problems.append(errors.Finding(
                source, line.lineno, "a holds file has no options",
                "hold-format"))
        elif line.req is not None:
            hold, error = _hold(line)
            if hold is None:
                problems.append(errors.Finding(
                    source, line.lineno, error, "hold-format"))
            else:
                found.append(hold)
    return Holds(source, tuple(found), tuple(problems))


def _pointless(hold: Hold, specifiers: Sequence[str]) -> bool:
    """The global list already keeps out all that *hold* keeps out.

    Every global line (one per marker) must: ``!=V`` is pointless when
    each line excludes V, ``<V`` when each line caps below V.
    """
    if not specifiers:
        return False
    for spec in SpecifierSet(hold.specifier):
        try:
            version = Version(spec.version)
        except InvalidVersion:
            return False
        for each in specifiers:
            sset = SpecifierSet(each)
            if spec.operator == "!=":
                if sset.contains(version, prereleases=True):
                    return False
            elif not any(_caps_below(s, version, spec.operator == "<=")
                         for s in sset):
                return False
    return True


def _caps_below(cap: Specifier, version: Version, inclusive: bool) -> bool:
    """*cap* keeps out all from *version* on (after it if *inclusive*)."""
    if cap.operator not in ("<", "<="):
        return False
    try:
        limit = Version(cap.version)
    except InvalidVersion:
        return False
    if cap.operator == "<":
        return limit <= version
    return limit < version or (inclusive and limit == version)


def check(
    holds: Holds,
    global_specifiers: Mapping[str, Sequence[str]],
    pins: Mapping[str, Iterable[str]],
    today: datetime.date,
) -> list[errors.Finding]:
    """Findings for a holds file against the central lists.

    :param global_specifiers: canonical name -> the global list's
        specifiers for it (one per line).
    :param pins: canonical name -> the versions upper-constraints pins.
    :param today: the date the expiry is checked against (the clock is
        the caller's).
    """
    findings = list(holds.problems)
    seen: dict[tuple[str, str, str], int] = {}
    for hold in holds.holds:
        def add(message: str, code: str, hold: Hold = hold) -> None:
            findings.append(errors.Finding(
                holds.source, hold.lineno, message, code))

        key = (hold.canonical, hold.specifier, hold.marker)
        if key in seen:
            add(f"{hold.requirement} is already held on line {seen[key]}; "
                "remove one", "duplicate")
        seen.setdefault(key, hold.lineno)
        if hold.canonical not in global_specifiers:
            add(f"{hold.name} is not in the global list; hold only what "
                "the global list names", "hold-unknown")
        elif _pointless(hold, global_specifiers[hold.canonical]):
            add(f"{hold.requirement} is pointless: the global list "
                f"already keeps that out "
                f"({' / '.join(global_specifiers[hold.canonical])}); "
                "remove the hold", "hold-pointless")
        for version in pins.get(hold.canonical, ()):
            if hold.keeps_out(version):
                add(f"{hold.name}==={version} is pinned although "
                    f"{hold.requirement} holds it back; regenerate the "
                    "constraints or lift the hold", "hold-pinned")
        if hold.expired(today):
            link = f" ({hold.link})" if hold.link else ""
            add(f"{hold.requirement} expired on {hold.expires}: "
                f"{hold.reason}{link}; lift it or extend expires=",
                "hold-expired")
    return sorted(findings, key=lambda f: f.lineno or 0)


# -- what a hold changed in generate-constraints -------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class KeptBack:
    """A pin a hold applies to, and what it would be without it."""

    name: str
    version: str
    otherwise: str  # "" when not known (the run without failed)
    pythons: tuple[str, ...]
    holds: tuple[Hold, ...]
    #: ``otherwise`` comes from a resolve standing in for an install
    #: (which is not repeated): what a resolver picks, not pip.
    estimated: bool = False

    def __str__(self) -> str:
        why = "; ".join(h.describe() for h in self.holds)
        where = f" [Python {', '.join(self.pythons)}]" if self.pythons else ""
        if not self.otherwise:
            return (f"held       {self.name} {self.version}{where} "
                    f"by {why}")
        if self.otherwise == self.version:
            without = ("a resolve picks the same without" if self.estimated
                       else "the same without")
            return (f"hold idle  {self.name} {self.version}{where}: "
                    f"{without} {why}; it may be lifted")
        would = ("a resolve without it picks" if self.estimated
                 else "would be")
        return (f"held back  {self.name} {self.version} ({would} "
                f"{self.otherwise}){where} by {why}")

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "version": self.version,
                "otherwise": self.otherwise, "estimated": self.estimated,
                "pythons": list(self.pythons),
                "holds": [h.as_dict() for h in self.holds]}


def kept_back(
    holds: Holds,
    held: Mapping[str, Mapping[str, tuple[str, str]]],
    unheld: Mapping[str, Mapping[str, tuple[str, str]]] | None,
    estimated: bool = False,
) -> list[KeptBack]:
    """What the holds did to the pins.

    :param held: Python version -> canonical name -> (name, version)
        of the run with the holds.
    :param unheld: the same without the holds, or None when that is
        not known (the alternative is then unknown).
    :param estimated: *unheld* comes from a resolve standing in for an
        install.
    """
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for python, pins in held.items():
        for canonical in sorted(holds.names()):
            if canonical not in pins:
                continue
            version = pins[canonical][1]
            other = ""
            if unheld is not None:
                other = unheld.get(python, {}).get(canonical, ("", "?"))[1]
            grouped.setdefault((canonical, version, other), []).append(
                python)
    # Named as the holds file writes it: a resolve knows only
    # normalised names.
    return [KeptBack(holds.for_name(canonical)[0].name, version, other,
                     tuple(pythons), tuple(holds.for_name(canonical)),
                     estimated and bool(other))
            for (canonical, version, other), pythons in sorted(
                grouped.items())]
