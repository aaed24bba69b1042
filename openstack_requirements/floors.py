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

"""Lower bounds that are true: a project's floors, the requirements to
resolve at the lowest direct versions, which floors cannot hold and why,
the organisation's conflicts, floors raised to a working set. Pure: no
I/O.

check-floors resolves what :func:`requirements_text` writes with uv's
``--resolution lowest-direct``: each direct dependency at the lowest
version its floors and the others' dependencies allow.  A floor the
resolution had to raise cannot hold; resolving again with that floor
pinned (:func:`pinned_text`) makes uv say why.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses

from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import buildlog
from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import policy
from openstack_requirements import project
from openstack_requirements import reqfile
from openstack_requirements import requirement
from openstack_requirements import sync

#: uv's resolution that takes the lowest allowed direct dependencies.
LOWEST_DIRECT = "lowest-direct"
#: The files whose requirements are installed together (what the old
#: lower-constraints jobs installed), and pyproject's dependencies.
INSTALLED_FILES = ("requirements.txt", "test-requirements.txt")


@dataclasses.dataclass(frozen=True, slots=True)
class Floor:
    """One declared lower bound and where it stands."""

    name: str
    version: str
    text: str  # the requirement as written: "oslo.config>=6.0"
    source: str
    lineno: int

    @property
    def canonical(self) -> str:
        return requirement.canonical_name(self.name)


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """A floor that cannot hold: the smallest that works, and why."""

    floor: Floor
    smallest: str
    reason: str

    def finding(self, python_version: str) -> errors.Finding:
        return errors.Finding(
            self.floor.source, self.floor.lineno,
            f"{self.floor.text} cannot hold on Python {python_version}: "
            f"{self.reason}; the smallest floor that works is "
            f">={self.smallest}", code="floor")


def installed_entries(proj: project.Project) -> list[project.Entry]:
    """The project's requirements that are installed together."""
    return [entry for entry in proj.requirements()
            if entry.file in INSTALLED_FILES
            or (entry.file == project.PYPROJECT
                and entry.section == "project.dependencies")]


def floor_of(req: requirement.Requirement) -> str:
    """The lowest version *req* allows by its own bounds, or ""."""
    lowest = ""
    for spec in req.specifiers:
        for op in policy.LOWER_BOUND_OPERATORS:
            if spec.startswith(op) and not spec.startswith(op + "="):
                version = spec[len(op):].strip().removesuffix(".*")
                if not lowest or _key(version) > _key(lowest):
                    lowest = version
                break
    return lowest


def _key(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        return Version("0")


def floors(entries: Iterable[project.Entry], root: str = "") -> list[Floor]:
    """Every declared floor of *entries*."""
    out = []
    for entry in entries:
        req = entry.req
        if req is None or req.url:
            continue
        version = floor_of(req)
        if version:
            out.append(Floor(req.name, version, req.render(),
                             _source(root, entry.file), entry.lineno))
    return out


def _source(root: str, rel: str) -> str:
    return f"{root.rstrip('/')}/{rel}" if root else rel


def _exclusions(global_doc: reqfile.RequirementsFile | None,
                name: str) -> list[str]:
    if global_doc is None:
        return []
    out: list[str] = []
    for line in global_doc.by_name().get(name, []):
        if line.req is not None:
            out.extend(s for s in line.req.specifiers if s not in out)
    return out


def requirements_text(
    entries: Iterable[project.Entry],
    global_doc: reqfile.RequirementsFile | None = None,
) -> str:
    """What to resolve: each requirement within the global list's entry.

    The global list carries exclusions (and caps) only; they are added
    to the project's own specifiers, as update-requirements would.
    """
    out = []
    for entry in entries:
        req = entry.req
        if req is None or req.url:
            continue
        specs = list(req.specifiers)
        specs += [s for s in _exclusions(global_doc, req.canonical)
                  if s not in specs]
        out.append(req.replace(specifier=",".join(specs)).render() + "\n")
    return "".join(out)


def pinned_text(entries: Iterable[project.Entry],
                resolved: Mapping[str, str], held: Floor) -> str:
    """Each direct requirement pinned as resolved, *held* at its floor.

    Resolving it fails with the reason *held*'s floor cannot hold.
    """
    out = []
    for entry in entries:
        req = entry.req
        if req is None or req.url:
            continue
        version = (held.version if req.canonical == held.canonical
                   else resolved.get(req.canonical))
        if version:
            out.append(req.replace(specifier=f"=={version}").render()
                       + "\n")
    return "".join(out)


def raised(found: Sequence[Floor],
           resolved: Mapping[str, str]) -> list[tuple[Floor, str]]:
    """The floors the resolution raised, with the version it took."""
    out = []
    for floor in found:
        version = resolved.get(floor.canonical)
        if version and _key(version) > _key(floor.version):
            out.append((floor, version))
    return out


def reason(failure: buildlog.Failure | None, floor: Floor) -> str:
    """Why *floor* cannot hold, from the failed resolve pinning it."""
    if failure is None:
        return ("the other floors' dependencies need a newer "
                f"{floor.name}")
    chain = failure.chain
    if len(chain) >= 2 and buildlog.requirement_name(
            chain[0]) != floor.canonical:
        return f"the floor of {chain[0]} needs {chain[1]}"
    if failure.requirement and "no version" in " ".join(
            failure.error_lines):
        return f"{floor.name} {floor.version} is not on the index"
    return failure.reason


# -- the organisation -------------------------------------------------


def conflicts(
    projects: Mapping[str, Sequence[Floor]],
    resolved: Mapping[str, str],
    python_version: str,
) -> list[errors.Finding]:
    """The floors below the organisation's lowest co-installable set.

    Each names the projects whose floor of the same name is what the
    set took (the floors it conflicts with).
    """
    holders: dict[str, list[str]] = {}
    for name, found in projects.items():
        for floor in found:
            if resolved.get(floor.canonical) == floor.version:
                holders.setdefault(floor.canonical, []).append(
                    f"{name} ({floor.text})")
    out = []
    for name, found in projects.items():
        for floor, version in raised(found, resolved):
            others = [h for h in holders.get(floor.canonical, [])
                      if not h.startswith(f"{name} (")]
            why = (f"the floor of {', '.join(others)}" if others
                   else "the dependencies of the other floors")
            out.append(errors.Finding(
                floor.source, floor.lineno,
                f"{name}: {floor.text} conflicts on Python "
                f"{python_version} with {why}: the lowest co-installable "
                f"{floor.name} is {version}", code="floor-conflict"))
    return out


# -- raising floors (update-requirements --raise-floors) -----------------


def raise_floors(proj: project.Project,
                 working: Mapping[str, str]) -> sync.Plan:
    """*proj* with every floor below *working* raised to it.

    *working* maps canonical names to the versions of a working set (a
    lower-constraints.txt).  A floor is only ever raised: one at or
    above the working version, and a requirement without a floor, are
    left alone.  The edits go through the documents' own line editing
    (:func:`project.render_with`), as update-requirements' sync does.
    """
    files = []
    for rel, doc in proj.files.items():
        edits: dict[str, list[tuple[reqfile.Line, ...]]] = {}
        changes: list[sync.Change] = []
        for section in project.sections_of(rel, doc):
            groups: list[tuple[reqfile.Line, ...]] = []
            touched = False
            for line in section.lines.lines:
                new = _raise_line(line, working, section.style)
                groups.append((new,))
                if new is not line:
                    touched = True
                    assert line.req is not None
                    changes.append(sync.Change(
                        line.req.name, (line.text.strip(),),
                        (new.text.strip(),)))
            if touched:
                edits[section.name] = groups
        old = doc.render()
        new_text = project.render_with(doc, edits) if edits else old
        files.append(sync.FilePlan(rel, proj.path(rel), old, new_text,
                                   tuple(changes)))
    return sync.Plan(tuple(files), (), ())


def working_set(pins: Iterable[constraints.Pin]) -> dict[str, str]:
    """Canonical name -> version of a lower-constraints file's pins.

    A name pinned per Python version takes its lowest version: a floor
    raised to it holds on the oldest Python, and the newer ones resolve
    their own higher versions above it.
    """
    out: dict[str, str] = {}
    for pin in pins:
        known = out.get(pin.canonical)
        if known is None or _key(pin.version) < _key(known):
            out[pin.canonical] = pin.version
    return out


def _raise_line(line: reqfile.Line, working: Mapping[str, str],
                style: project.Style) -> reqfile.Line:
    req = line.req
    if req is None or req.url or line.kind is not reqfile.Kind.REQUIREMENT:
        return line
    target = working.get(req.canonical)
    current = floor_of(req)
    if not target or not current or _key(target) <= _key(current):
        return line
    specs = [f">={target}"]
    for spec in req.specifiers:
        if any(spec.startswith(op) and not spec.startswith(op + "=")
               for op in policy.LOWER_BOUND_OPERATORS):
            continue
        specs.append(spec)
    new = reqfile.make_line(
        req.replace(specifier=",".join(specs)), line.comment,
        line.newline, line.marker_sep or style.marker_sep, line.options)
    text = line.text
    indent = text[: len(text) - len(text.lstrip())]
    return dataclasses.replace(new, raw=indent + new.raw,
                               lineno=line.lineno)
