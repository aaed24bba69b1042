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

"""Which changed pins of a constraints file break a command: the changed
pins, the groups that must move together, the binary search, the
proposed hold. Pure: no I/O.

bisect-constraints (:mod:`openstack_requirements.bisecting` runs the
steps) installs the old constraints file with some of the changes
applied, runs the test command, and halves the suspects each time.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses

from packaging import markers as markers_mod
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import reqfile
from openstack_requirements import requirement


@dataclasses.dataclass(frozen=True, slots=True)
class PinChange:
    """One name whose pins differ between the old and the new file."""

    name: str  # as the new file writes it (the old one if removed)
    old: tuple[reqfile.Line, ...]  # its lines in the old file
    new: tuple[reqfile.Line, ...]  # its lines in the new file

    @property
    def canonical(self) -> str:
        return requirement.canonical_name(self.name)

    @property
    def old_version(self) -> str:
        return _version(self.old)

    @property
    def new_version(self) -> str:
        return _version(self.new)

    def __str__(self) -> str:
        return (f"{self.name} {self.old_version or '(none)'} -> "
                f"{self.new_version or '(removed)'}")


def _version(lines: Sequence[reqfile.Line]) -> str:
    """The versions of *lines* (several with markers), or ""."""
    found: list[str] = []
    for line in lines:
        if line.req is None:
            continue
        spec = line.req.specifier.lstrip("=")
        if spec and spec not in found:
            found.append(spec)
    return "/".join(found)


def _by_name(doc: reqfile.RequirementsFile) -> dict[str, list[reqfile.Line]]:
    out: dict[str, list[reqfile.Line]] = {}
    for line in doc.requirements():
        assert line.req is not None
        out.setdefault(line.req.canonical, []).append(line)
    return out


def _texts(lines: Iterable[reqfile.Line]) -> list[str]:
    return sorted(line.text.strip() for line in lines)


def changes(old: reqfile.RequirementsFile,
            new: reqfile.RequirementsFile) -> list[PinChange]:
    """The names whose lines differ, in the new file's order.

    :raises ParseError: a line of either file is invalid.
    """
    old_lines = _by_name(old.require_valid())
    new_lines = _by_name(new.require_valid())
    found = []
    for name in list(new_lines) + [n for n in old_lines
                                   if n not in new_lines]:
        before = old_lines.get(name, [])
        after = new_lines.get(name, [])
        if _texts(before) != _texts(after):
            written = (after or before)[0].req
            assert written is not None
            found.append(PinChange(written.name, tuple(before),
                                   tuple(after)))
    return found


def step_text(old: reqfile.RequirementsFile,
              new: reqfile.RequirementsFile,
              applied: Iterable[PinChange]) -> str:
    """The old file with the *applied* changes taken from the new one."""
    taken = {change.canonical: change for change in applied}
    out = []
    for line in old.lines:
        if line.req is not None and line.req.canonical in taken:
            continue
        out.append(line.text.rstrip("\r\n") + "\n")
    for change in taken.values():
        out.extend(line.text.rstrip("\r\n") + "\n" for line in change.new)
    return "".join(out)


# -- groups -----------------------------------------------------------


def _satisfies(version: str, req: PackagingRequirement) -> bool:
    if not version:
        return False
    try:
        return req.specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return True  # cannot tell: do not tie


def groups(
    found: Sequence[PinChange],
    requires: Iterable[tuple[str, str, Sequence[str]]],
    environment: Mapping[str, str],
) -> list[tuple[PinChange, ...]]:
    """The changes, joined where one cannot move without the other.

    *requires* holds (canonical name, version, ``Requires-Dist`` lines)
    of the installed wheels (of the new set, and of any other set
    installed so far: an old and a new version each say what they
    need).  Two changed names move together when the new
    version of one requires a version of the other that its old pin
    does not satisfy, or the old version of one excludes the other's new
    pin.  *environment* evaluates the markers (extras are ignored:
    an extra's dependencies are only needed when asked for).
    """
    by_name = {change.canonical: change for change in found}
    parent = {name: name for name in by_name}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    env = dict(environment, extra="")
    for name, version, lines in requires:
        change = by_name.get(name)
        if change is None:
            continue
        if version == change.new_version:
            side = "new"
        elif version == change.old_version:
            side = "old"
        else:
            continue
        for text in lines:
            try:
                req = PackagingRequirement(text)
            except InvalidRequirement:
                continue
            other = by_name.get(requirement.canonical_name(req.name))
            if other is None or other is change:
                continue
            if req.marker is not None:
                try:
                    if not req.marker.evaluate(env):
                        continue
                except markers_mod.UndefinedEnvironmentName:
                    continue
            # The new version needs what the old pin cannot give, or the
            # old version refuses the new pin.
            against = (other.old_version if side == "new"
                       else other.new_version)
            if not _satisfies(against, req):
                parent[root(name)] = root(other.canonical)
    joined: dict[str, list[PinChange]] = {}
    for change in found:
        joined.setdefault(root(change.canonical), []).append(change)
    return [tuple(members) for members in joined.values()]


def join(
    current: Sequence[tuple[PinChange, ...]], names: Iterable[str]
) -> list[tuple[PinChange, ...]] | None:
    """*current* with the groups of *names* joined into one.

    None when that joins nothing (fewer than two groups named).
    """
    wanted = {requirement.canonical_name(name) for name in names}
    hit = [g for g in current if any(c.canonical in wanted for c in g)]
    if len(hit) < 2:
        return None
    merged = tuple(c for g in hit for c in g)
    out: list[tuple[PinChange, ...]] = []
    for group in current:
        if group in hit:
            if group is hit[0]:
                out.append(merged)
        else:
            out.append(group)
    return out


# -- the search -------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Search:
    """The state of the binary search over groups of changes.

    Invariant: the old file with the ``base`` groups applied passes
    (or is assumed to: see ``base_verified``) and with ``base`` and
    ``suspects`` applied fails.
    """

    groups: tuple[tuple[PinChange, ...], ...]
    base: tuple[int, ...] = ()  # indices into groups
    suspects: tuple[int, ...] = ()
    base_verified: bool = False

    @classmethod
    def start(cls, found: Sequence[tuple[PinChange, ...]]) -> Search:
        return cls(tuple(found), (), tuple(range(len(found))))

    @property
    def done(self) -> bool:
        return len(self.suspects) <= 1

    def trial(self) -> tuple[int, ...]:
        """The groups to apply next: the base and the first half."""
        half = self.suspects[:(len(self.suspects) + 1) // 2]
        return self.base + half

    def record(self, failed: bool) -> Search:
        """The state after :meth:`trial` failed (True) or passed."""
        half = (len(self.suspects) + 1) // 2
        if failed:
            return dataclasses.replace(self, suspects=self.suspects[:half])
        return dataclasses.replace(
            self, base=self.base + self.suspects[:half],
            suspects=self.suspects[half:], base_verified=True)

    def applied(self, indices: Iterable[int]) -> list[PinChange]:
        return [change for index in indices
                for change in self.groups[index]]

    @property
    def culprits(self) -> tuple[PinChange, ...]:
        return tuple(self.applied(self.suspects))


def steps_needed(count: int) -> int:
    """Install+test steps of a search over *count* groups (new set too).

    One step shows that the new file fails, then each halves the
    suspects: 1 + ceil(log2(count)).
    """
    steps = 1
    while count > 1:
        count = (count + 1) // 2
        steps += 1
    return steps


# -- the proposed hold ----------------------------------------------------


def hold_lines(culprits: Iterable[PinChange], command: Sequence[str],
               expires: str, link: str = "", owner: str = "") -> list[str]:
    """Proposed entries of the holds file for *culprits*.

    One line per culprit that has a new version: the requirement
    ``name!=version`` (that release held back) with a trailing comment
    of ``key=value`` fields: ``reason="..."`` (the failing command),
    ``link=``, ``owner=``, ``expires=YYYY-MM-DD``.  A name the new file
    removed gets no line.
    """
    what = " ".join(command).replace('"', "'")
    out = []
    for change in culprits:
        for version in change.new_version.split("/"):
            if not version:
                continue
            reason = (f"bisect-constraints: `{what}` fails with "
                      f"{change.name} {version} (was "
                      f"{change.old_version or 'not pinned'})")
            out.append(f"{change.name}!={version}  # reason=\"{reason}\" "
                       f"link={link} owner={owner} expires={expires}")
    return out
