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

"""update-requirements core: hard/soft merge -> new files + Changes. Pure.

:func:`plan` takes a :class:`project.Project` (already read), the central
list and the blacklist, and returns the new text of every file with the
changes it makes and the findings it raised.  Nothing here opens a file,
reads the environment or prints.

The rule for each project requirement whose name is in the central list:
the line is rebuilt from the central entries (one per marker), keeping the
project's extras; the central exclusions, caps, markers and license
comment replace the project's.  A central lower bound wins; without one,
the project's own lower bound is kept, unless the central list excludes
exactly that version, in which case it is dropped and reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import enum
import itertools
import re

from openstack_requirements import errors
from openstack_requirements import project as project_mod
from openstack_requirements import reqfile
from openstack_requirements import requirement

#: The header old tooling put at the top of requirements files.
OLD_HEADER = frozenset({
    "# The order of packages is significant, because pip processes them "
    "in the order",
    "# of appearance. Changing the order has an impact on the overall "
    "integration",
    "# process, which may cause wedges in the gate later.",
})
HACKING = "hacking"
Finding = errors.Finding
_SPEC_RE = re.compile(r"^(===|~=|==|!=|<=|>=|<|>)\s*(.*)$")
# Operators that set a minimum version.
_LOWER_OPS = frozenset({">=", ">", "~=", "==", "==="})


class Mode(enum.Enum):
    HARD = "hard"  # a name missing from the central list is an error
    SOFT = "soft"  # ... is passed through unchanged


@dataclasses.dataclass(frozen=True, slots=True)
class Central:
    """The central list indexed by canonical name, and the blacklist."""

    source: str
    entries: Mapping[str, tuple[reqfile.Line, ...]]
    blacklist: frozenset[str] = frozenset()


def central(
    global_doc: reqfile.RequirementsFile,
    blacklist_doc: reqfile.RequirementsFile | None = None,
) -> Central:
    """Index the central list and the blacklist.

    :raises ParseError: a line of either cannot be parsed.
    """
    global_doc.require_valid()
    entries: dict[str, list[reqfile.Line]] = {}
    for line in global_doc.requirements():
        if line.kind is reqfile.Kind.REQUIREMENT and line.req is not None:
            entries.setdefault(line.req.canonical, []).append(line)
    names: frozenset[str] = frozenset()
    if blacklist_doc is not None:
        blacklist_doc.require_valid()
        names = frozenset(
            line.req.canonical for line in blacklist_doc.requirements()
            if line.req is not None)
    return Central(global_doc.source,
                   {k: tuple(v) for k, v in entries.items()}, names)


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """One requirement name whose lines changed in one file."""

    name: str
    old: tuple[str, ...]  # lines removed or rewritten, as written
    new: tuple[str, ...]  # lines written in their place

    def pairs(self) -> list[tuple[str, str]]:
        return list(itertools.zip_longest(self.old, self.new,
                                          fillvalue=""))


@dataclasses.dataclass(frozen=True, slots=True)
class FilePlan:
    """Old and new text of one project file."""

    file: str  # relative to the project's top
    path: str  # as given (project dir joined)
    old: str
    new: str
    changes: tuple[Change, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    files: tuple[FilePlan, ...]  # every file read, changed or not
    errors: tuple[Finding, ...]  # nothing may be written
    warnings: tuple[Finding, ...]  # reported; files still written

    @property
    def changed(self) -> list[FilePlan]:
        return [f for f in self.files if f.changed]


@dataclasses.dataclass(frozen=True, slots=True)
class Options:
    mode: Mode = Mode.HARD
    hacking: bool = False  # also sync hacking (-H)
    drop_unknown: bool = False  # hard mode: drop, warn (NON_STANDARD_REQS)


@dataclasses.dataclass(slots=True)
class SectionResult:
    """Replacement lines for each line of a section, and what happened."""

    replacements: list[tuple[reqfile.Line, ...]]
    changes: list[Change]
    errors: list[Finding]
    warnings: list[Finding]
    changed: bool = False


def plan(
    proj: project_mod.Project,
    central_list: Central,
    options: Options = Options(),
) -> Plan:
    """Sync every file of *proj* to *central_list*.

    :raises ParseError: a project line cannot be parsed; nothing is
        planned for any file then.
    """
    for section in proj.sections():
        section.lines.require_valid()
    files = []
    all_errors: list[errors.Finding] = list()
    warnings: list[errors.Finding] = []
    for rel, doc in proj.files.items():
        edits: dict[str, list[tuple[reqfile.Line, ...]]] = {}
        changes: list[Change] = []
        for section in project_mod.sections_of(rel, doc):
            result = sync_section(section, central_list, options)
            changes.extend(result.changes)
            all_errors.extend(result.errors)
            warnings.extend(result.warnings)
            if result.changed:
                edits[section.name] = result.replacements
        old = doc.render()
        new = project_mod.render_with(doc, edits) if edits else old
        files.append(FilePlan(rel, proj.path(rel), old, new,
                              tuple(changes)))
    return Plan(tuple(files), tuple(all_errors), tuple(warnings))


def sync_section(
    section: project_mod.Section,
    central_list: Central,
    options: Options = Options(),
) -> SectionResult:
    """Replacement lines for every line of one section."""
    lines = section.lines.lines
    result = SectionResult([], [], [], [])
    own: dict[str, list[reqfile.Line]] = {}
    for line in lines:
        if _syncable(line):
            assert line.req is not None
            own.setdefault(line.req.canonical, []).append(line)
    done: set[str] = set()
    source = section.lines.source
    for line in lines:
        if line.kind is reqfile.Kind.COMMENT and line.text in OLD_HEADER:
            result.replacements.append(())
            continue
        if not _syncable(line):
            result.replacements.append((line,))
            continue
        assert line.req is not None
        name = line.req.canonical
        entries = central_list.entries.get(name)
        if name == HACKING and not options.hacking:
            result.replacements.append((line,))  # projects move on their own
        elif name in central_list.blacklist and not (
                name == HACKING and entries):
            result.replacements.append((line,))
        elif entries:
            if name in done:
                result.replacements.append(())  # collapsed into the first
                continue
            done.add(name)
            new = _rebuild(entries, own[name], section, central_list,
                           result.warnings)
            result.replacements.append(new)
            removed = [o.text.strip() for o in own[name]
                       if not any(o is n for n in new)]
            added = [n.text.strip() for n in new
                     if not any(n is o for o in own[name])]
            if removed or added:
                result.changes.append(
                    Change(line.req.name, tuple(removed), tuple(added)))
        elif options.mode is Mode.SOFT:
            result.replacements.append((line,))
        elif options.drop_unknown:
            result.replacements.append(())
            result.changes.append(
                Change(line.req.name, (line.text.strip(),), ()))
            result.warnings.append(errors.Finding(
                source, line.lineno,
                f"{line.req.name} is not in {central_list.source}; "
                "dropped (NON_STANDARD_REQS=1)", code="dropped-unknown"))
        else:
            result.replacements.append((line,))
            result.errors.append(errors.Finding(
                source, line.lineno,
                f"{line.req.name} is not in {central_list.source}; add it "
                "there first, or pass -s to keep names the global list "
                "lacks, or set NON_STANDARD_REQS=1 to drop them",
                code="unknown-name"))
    result.replacements = _terminate(result.replacements,
                                     section.style.newline)
    result.changed = any(
        len(new) != 1 or new[0] is not old
        for old, new in zip(lines, result.replacements, strict=True))
    return result


def _terminate(
    groups: Sequence[tuple[reqfile.Line, ...]], newline: str
) -> list[tuple[reqfile.Line, ...]]:
    """End every line but the last with a newline.

    A file's last line may lack one; once a collapsed group moves it up,
    it needs one, or the next line would be glued to it.
    """
    out = [list(group) for group in groups]
    places = [(g, i) for g, group in enumerate(out) for i in range(len(group))]
    for g, i in places[:-1]:
        line = out[g][i]
        if newline and not line.newline:
            out[g][i] = dataclasses.replace(line, raw=line.raw + newline)
    return [tuple(group) for group in out]


def _syncable(line: reqfile.Line) -> bool:
    # URL lines, "-e" lines and "name @ URL" pass through untouched.
    return (line.kind is reqfile.Kind.REQUIREMENT and line.req is not None
            and not line.req.url)


def _norm_marker(req: requirement.Requirement) -> str:
    marker = req.marker_obj
    return str(marker) if marker is not None else ""


def _split(spec: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(lower bounds as (op, version), every other specifier)."""
    lower = []
    other = []
    for item in spec.split(","):
        if not item:
            continue
        m = _SPEC_RE.match(item)
        if m and m.group(1) in _LOWER_OPS:
            lower.append((m.group(1), m.group(2).strip()))
        else:
            other.append(item)
    return lower, other


def _own_lower(spec: str) -> list[tuple[str, str]]:
    """The project's minimum: '>=' and '>' kept, '~=V' and '==V' -> '>=V'."""
    out = []
    for op, version in _split(spec)[0]:
        if op in (">=", ">"):
            out.append((op, version))
        elif "*" not in version:
            out.append((">=", version))
    return out


def _excluded(version: str, others: Iterable[str]) -> str | None:
    """The central specifier that excludes exactly *version*, if any."""
    from packaging.specifiers import Specifier
    from packaging.version import InvalidVersion
    from packaging.version import Version

    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    for spec in others:
        if spec.startswith("!=") and not Specifier(spec).contains(
                parsed, prereleases=True):
            return spec
    return None


def _rebuild(
    entries: Sequence[reqfile.Line],
    own: Sequence[reqfile.Line],
    section: project_mod.Section,
    central_list: Central,
    warnings: list[errors.Finding],
) -> tuple[reqfile.Line, ...]:
    """The lines the central *entries* give the project's lines *own*."""
    style = section.style
    extras: list[str] = []
    for line in own:
        assert line.req is not None
        for extra in line.req.extras:
            if requirement.canonical_name(extra) not in (
                    requirement.canonical_name(e) for e in extras):
                extras.append(extra)
    out = []
    for index, entry in enumerate(entries):
        assert entry.req is not None
        marker = _norm_marker(entry.req)
        # The project's lines for the same marker speak for this entry.
        same = [o for o in own
                if o.req is not None and _norm_marker(o.req) == marker]
        base = same[0] if same else own[0]
        lower, others = _split(entry.req.specifier)
        if lower:  # a central minimum wins
            spec = entry.req.specifier
        else:
            # The first line for the same marker that has a minimum; with
            # no line for that marker, the first line that has one.  (Not
            # falling back past same-marker lines keeps this idempotent.)
            holder = next((o for o in (same or own) if o.req is not None
                           and _own_lower(o.req.specifier)), None)
            minimum = []
            if holder is not None and holder.req is not None:
                for op, version in _own_lower(holder.req.specifier):
                    excluded = _excluded(version, others) \
                        if op == ">=" else None
                    if excluded is None:
                        minimum.append(op + version)
                        continue
                    warnings.append(errors.Finding(
                        section.lines.source, holder.lineno,
                        f"{entry.req.name}: the lower bound >={version} is "
                        f"excluded by {central_list.source}:{entry.lineno} "
                        f"({excluded}); dropped it, set a lower bound the "
                        "global list allows", code="excluded-lower-bound"))
            spec = ",".join(minimum + others)
        req = entry.req.replace(
            extras=tuple(extras) if extras else entry.req.extras,
            specifier=spec)
        comment = ""
        if style.comments:
            comment = entry.comment or base.comment
        match = next((o for o in same if _same(o, req, comment, style)),
                     None)
        if match is not None:  # already right: keep its bytes
            out.append(match)
            continue
        last = index == len(entries) - 1
        newline = base.newline if last else (base.newline or style.newline)
        text = base.text
        indent = text[: len(text) - len(text.lstrip())]
        sep = (base.marker_sep or style.marker_sep) if req.marker else ""
        line = reqfile.make_line(req, comment, newline, sep or ";",
                                 base.options)
        out.append(dataclasses.replace(line, raw=indent + line.raw,
                                       lineno=base.lineno))
    return tuple(out)


def _same(
    line: reqfile.Line,
    req: requirement.Requirement,
    comment: str,
    style: project_mod.Style,
) -> bool:
    """Whether *line* already says what *req* and *comment* say."""
    old = line.req
    assert old is not None
    if style.comments and line.license != comment.strip().lstrip(
            "#").strip():
        return False
    return (
        old.canonical == req.canonical
        and sorted(map(requirement.canonical_name, old.extras))
        == sorted(map(requirement.canonical_name, req.extras))
        and sorted(old.specifiers) == sorted(req.specifiers)
        and _norm_marker(old) == _norm_marker(req)
    )
