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

"""Known vulnerabilities of the pins and the smallest fixing bump. Pure.

The data is the ``vulnerabilities`` list the PyPI JSON API returns for
one release (``/pypi/NAME/VERSION/json``, the source pip-audit uses:
OSV advisories with ``id``, ``aliases``, ``fixed_in``, ``link``,
``withdrawn``).  :func:`parse` narrows it; :func:`check` decides, for
each pin of upper-constraints (each marker slice on its own), which
advisories apply, which are accepted (``--ignore``), and the smallest
release that fixes them all and that the global list and the holds
still allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import holds as holds_mod
from openstack_requirements import releases


@dataclasses.dataclass(frozen=True, slots=True)
class Advisory:
    """One advisory of one release."""

    id: str
    aliases: tuple[str, ...] = ()
    fixed_in: tuple[str, ...] = ()
    link: str = ""
    summary: str = ""

    def fixed_by(self, version: Version) -> bool:
        """*version* is at or past a fixing release of this advisory."""
        for fixed in self.fixed_in:
            try:
                if Version(fixed) <= version:
                    return True
            except InvalidVersion:
                continue
        return False

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "aliases": list(self.aliases),
                "fixed_in": list(self.fixed_in), "link": self.link,
                "summary": self.summary}


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, (str, int, float)))


def parse(document: object, source: str) -> list[Advisory]:
    """The advisories in a release's JSON document; withdrawn ones left out.

    :raises ToolError: the document is not what the API returns.
    """
    if not isinstance(document, Mapping):
        raise errors.ToolError(f"{source}: not a JSON API document")
    found = []
    for entry in document.get("vulnerabilities") or ():
        if not isinstance(entry, Mapping) or entry.get("withdrawn"):
            continue
        ident = str(entry.get("id") or "")
        if not ident:
            continue
        found.append(Advisory(
            id=ident, aliases=_strings(entry.get("aliases")),
            fixed_in=_strings(entry.get("fixed_in")),
            link=str(entry.get("link") or ""),
            summary=str(entry.get("summary") or entry.get("details")
                        or "")[:200]))
    return found


@dataclasses.dataclass(frozen=True, slots=True)
class Affected:
    """A pin with advisories, and the bump that fixes them."""

    pin: constraints.Pin
    advisories: tuple[Advisory, ...]
    fix: str  # the smallest allowed fixing version, "" if none
    why_no_fix: str = ""  # when *fix* is "": why
    ignored: tuple[tuple[str, str], ...] = ()  # (id, reason) accepted

    def __str__(self) -> str:
        where = f"{self.pin.source}:{self.pin.lineno}: "
        marker = f";{self.pin.marker}" if self.pin.marker else ""
        ids = ", ".join(
            a.id + (f" ({', '.join(a.aliases)})" if a.aliases else "")
            for a in self.advisories)
        fixed = sorted({f for a in self.advisories for f in a.fixed_in})
        head = (f"{where}{self.pin.name}==={self.pin.version}{marker}: "
                f"{ids}; fixed in {', '.join(fixed) or 'no release'}")
        if self.fix:
            return f"{head}; smallest allowed fix: {self.fix}"
        return f"{head}; no allowed version fixes it ({self.why_no_fix})"

    def as_dict(self) -> dict[str, object]:
        return {"name": self.pin.name, "version": self.pin.version,
                "marker": self.pin.marker, "line": self.pin.lineno,
                "advisories": [a.as_dict() for a in self.advisories],
                "fix": self.fix, "why_no_fix": self.why_no_fix,
                "ignored": [{"id": i, "reason": r}
                            for i, r in self.ignored]}


def _allowed(version: Version, specifiers: Sequence[str]) -> bool:
    if not specifiers:
        return True
    return any(SpecifierSet(s).contains(version, prereleases=True)
               for s in specifiers)


def smallest_fix(
    canonical: str,
    pinned: str,
    advisories: Sequence[Advisory],
    project: releases.Project | None,
    specifiers: Sequence[str],
    holds: holds_mod.Holds,
) -> tuple[str, str]:
    """The smallest release after *pinned* that fixes every advisory.

    Only releases that exist on the index (not yanked, not pre-releases)
    and that the global list (*specifiers*, one per line) and the holds
    allow.  Returns (version, "") or ("", why there is none).
    """
    try:
        current = Version(pinned)
    except InvalidVersion:
        return "", f"{pinned} is not a PEP 440 version"
    if not all(a.fixed_in for a in advisories):
        return "", "an advisory names no fixed release"
    fixing = []
    for rel in project.releases if project else ():
        parsed = rel.parsed
        if (parsed is None or parsed <= current or rel.yanked
                or rel.prerelease or not rel.has_files):
            continue
        if all(a.fixed_by(parsed) for a in advisories):
            fixing.append((parsed, rel.version))
    if not fixing:
        return "", "no release on the index fixes it"
    fixing.sort()
    refused = []
    for parsed, version in fixing:
        held = holds.keeping_out(canonical, version)
        if not _allowed(parsed, specifiers):
            refused.append(f"{version} is excluded by the global list "
                           f"({' / '.join(specifiers)})")
        elif held:
            refused.append(f"{version} is held by {held[0].describe()}")
        else:
            return version, ""
    return "", "; ".join(refused)


def check(
    pins: Sequence[constraints.Pin],
    advisories: Mapping[tuple[str, str], Sequence[Advisory]],
    projects: Mapping[str, releases.Project],
    global_specifiers: Mapping[str, Sequence[str]],
    holds: holds_mod.Holds,
    ignore: Mapping[str, str],
) -> tuple[list[Affected], list[Affected]]:
    """Affected pins, and pins whose every advisory is ignored.

    :param advisories: (canonical name, version) -> its advisories.
    :param projects: canonical name -> the project (for the bump).
    :param ignore: advisory id or alias -> the reason it is accepted.
    """
    affected: list[Affected] = []
    accepted: list[Affected] = []
    for pin in pins:
        found = advisories.get((pin.canonical, pin.version), ())
        if not found:
            continue
        live, ignored = [], []
        for adv in found:
            hit = next((k for k in (adv.id, *adv.aliases) if k in ignore),
                       None)
            if hit is None:
                live.append(adv)
            else:
                ignored.append((adv.id, ignore[hit]))
        if not live:
            accepted.append(Affected(pin, tuple(found), "", "",
                                     tuple(ignored)))
            continue
        fix, why = smallest_fix(
            pin.canonical, pin.version, live, projects.get(pin.canonical),
            global_specifiers.get(pin.canonical, ()), holds)
        affected.append(Affected(pin, tuple(live), fix, why,
                                 tuple(ignored)))
    return affected, accepted
