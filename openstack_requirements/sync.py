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
the project's own lower bound is kept -- also when the central list
excludes exactly that version (``>=V,!=V`` still means "above V"), which
is reported so that the project raises it.  A project pin or compatible
release becomes its minimum (``==V``, ``~=V``, ``==V.*`` -> ``>=V``), also
reported: the central list carries no caps, so the cap they implied goes.
A central exclusion the project's floor already rules out (``!=2.1.0``
next to ``>=5.8.0``) is left out: the gate only asks a project's
exclusions to be a subset of the central ones.  One at the floor itself
and every cap stay, and a line that still carries the redundant ones is
in sync.  A rewritten line is written whole in the central style, comment
spacing included; a change of the comment alone is reported as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import difflib
import enum
import itertools
import re

from packaging.specifiers import Specifier
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import errors
from openstack_requirements import policy
from openstack_requirements import project as project_mod
from openstack_requirements import reqfile
from openstack_requirements import requirement

#: The header old tooling put at the top of requirements files; removed
#: only as the whole block of three lines, in this order.
OLD_HEADER = (
    "# The order of packages is significant, because pip processes them "
    "in the order",
    "# of appearance. Changing the order has an impact on the overall "
    "integration",
    "# process, which may cause wedges in the gate later.",
)
HACKING = "hacking"
Finding = errors.Finding
_SPEC_RE = re.compile(r"^(===|~=|==|!=|<=|>=|<|>)\s*(.*)$")


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


class ChangeKind(enum.Enum):
    VERSION = "version"  # a specifier, marker or extra; a line added/gone
    COMMENT = "comment"  # the same requirements, only the comment differs


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """One requirement name whose lines changed in one file."""

    name: str
    old: tuple[str, ...]  # lines removed or rewritten, as written
    new: tuple[str, ...]  # lines written in their place
    kind: ChangeKind = ChangeKind.VERSION

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
    header = _old_header(lines)
    for index, line in enumerate(lines):
        if index in header:
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
            removed = [o for o in own[name]
                       if not any(o is n for n in new)]
            added = [n for n in new if not any(n is o for o in own[name])]
            if removed or added:
                result.changes.append(_change(line.req.name, removed, added))
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


def _change(
    name: str, removed: Sequence[reqfile.Line], added: Sequence[reqfile.Line]
) -> Change:
    """The change of one name; a comment change when only comments differ.

    Lines are paired in order, as the report shows them.
    """
    kind = ChangeKind.VERSION
    if len(removed) == len(added) and all(
            old.req is not None and new.req is not None
            and _same_requirement(old.req, new.req)
            for old, new in zip(removed, added, strict=True)):
        kind = ChangeKind.COMMENT
    return Change(name, tuple(line.text.strip() for line in removed),
                  tuple(line.text.strip() for line in added), kind)


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


def _words(text: str) -> str:
    return " ".join(text.split())


def _old_header(lines: Sequence[reqfile.Line]) -> set[int]:
    """Indexes of the lines of every complete old header block.

    Compared word by word, so CRLF, indentation and spacing differences do
    not matter; a single line of the block alone is a project's own
    comment and stays.
    """
    want = [_words(text) for text in OLD_HEADER]
    found: set[int] = set()
    size = len(want)
    for start in range(len(lines) - size + 1):
        block = lines[start:start + size]
        if all(line.kind is reqfile.Kind.COMMENT and _words(line.text) == text
               for line, text in zip(block, want, strict=True)):
            found.update(range(start, start + size))
    return found


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
        if m and m.group(1) in policy.LOWER_BOUND_OPERATORS:
            lower.append((m.group(1), m.group(2).strip()))
        else:
            other.append(item)
    return lower, other


@dataclasses.dataclass(frozen=True, slots=True)
class _Minimum:
    """One lower bound the project keeps, and what it was written as."""

    op: str  # ">=" or ">"
    version: str
    written: str  # the project's specifier, e.g. "~=1.2"

    @property
    def spec(self) -> str:
        return self.op + self.version


def _own_lower(spec: str) -> list[_Minimum]:
    """The project's minimum: '>=' and '>' kept, others become '>='.

    A pin or compatible release ('==V', '===V', '~=V', '==V.*') becomes
    '>=V'.
    """
    out = []
    for op, version in _split(spec)[0]:
        written = op + version
        if op in (">=", ">"):
            out.append(_Minimum(op, version, written))
            continue
        if op == "==" and version.endswith(".*"):
            version = version[:-2]
        if _valid_version(version):
            out.append(_Minimum(">=", version, written))
    return out


def _valid_version(version: str) -> bool:

    try:
        Version(version)
    except InvalidVersion:
        return False
    return "*" not in version


def _implied_cap(minimum: _Minimum) -> str | None:
    """The cap a compatible release (or a '==V.*' pin) also set."""

    release = list(Version(minimum.version).release)
    if minimum.written.startswith("~=") and len(release) > 1:
        release = release[:-1]  # "~=1.4.2" means ">=1.4.2,<1.5"
    elif not minimum.written.endswith(".*"):
        return None
    release[-1] += 1
    return "<" + ".".join(map(str, release))


def _ruled_out(
    minimum: Sequence[str], others: Sequence[str]
) -> list[str]:
    """The exclusions of *others* that the floor *minimum* rules out.

    ``!=2.1.0`` says nothing next to ``>=5.8.0``.  The gate only needs a
    project's exclusions to be a subset of the central ones, so these
    may be left out.  An exclusion at the floor itself (``>=V,!=V``)
    is not ruled out, and no cap is.
    """
    floors = [Specifier(spec) for spec in minimum]

    def below(spec: str) -> bool:
        if not spec.startswith("!=") or not floors:
            return False
        version = spec[2:].strip()
        if version.endswith(".*"):  # every version of the prefix
            try:
                release = list(Version(version[:-2]).release)
            except InvalidVersion:
                return False
            release[-1] += 1
            # The first version after the prefix; the floor must be at
            # or above it.
            top = Version(".".join(map(str, release)) + ".dev0")
            return any(floor.operator in (">=", ">")
                       and Version(floor.version) >= top
                       for floor in floors)
        try:
            parsed = Version(version)
        except InvalidVersion:
            return False
        return any(not floor.contains(parsed, prereleases=True)
                   for floor in floors)

    return [spec for spec in others if below(spec)]


def _excluded(version: str, others: Iterable[str]) -> str | None:
    """The central specifier that excludes exactly *version*, if any."""

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
        found: list[errors.Finding] = []
        redundant: list[str] = []
        if lower:  # a central minimum wins
            spec = entry.req.specifier
        else:
            # The first line for the same marker that has a minimum; with
            # no line for that marker, the first line that has one.  (Not
            # falling back past same-marker lines keeps this idempotent.)
            holder = next((o for o in (same or own) if o.req is not None
                           and _own_lower(o.req.specifier)), None)
            minimum = []
            if holder is None:
                found.extend(_report_no_minimum(same or own, section))
            if holder is not None and holder.req is not None:
                for own_min in _own_lower(holder.req.specifier):
                    minimum.append(own_min.spec)
                    found.extend(_report_minimum(
                        own_min, holder, entry, others, section,
                        central_list))
            redundant = _ruled_out(minimum, others)
            spec = ",".join(minimum + [o for o in others
                                       if o not in redundant])
        req = entry.req.replace(
            extras=tuple(extras) if extras else entry.req.extras,
            specifier=spec)
        comment = ""
        if style.comments:
            comment = entry.comment or base.comment
        match = next((o for o in same
                      if _same(o, req, comment, style, redundant)), None)
        if match is not None:  # already right: keep its bytes
            out.append(match)
            continue
        # Reported with the change that makes them, not on every run; one
        # project line may feed several central lines (one per marker).
        warnings.extend(f for f in found if f not in warnings)
        last = index == len(entries) - 1
        newline = base.newline if last else (base.newline or style.newline)
        text = base.text
        indent = text[: len(text) - len(text.lstrip())]
        if out and section.kind == project_mod.EXTRA \
                and base is section.lines.lines[0]:
            # The base sits on the key line ("b = foo"); lines added
            # after it are continuation lines, with the extra's indent.
            indent = style.indent
        sep = (base.marker_sep or style.marker_sep) if req.marker else ""
        # A rewritten line takes the central style as a whole, its
        # comment's spacing too (two spaces before '#', as normalize):
        # never the new requirement with the old line's comment spacing.
        line = reqfile.make_line(req, comment.strip(), newline, sep or ";",
                                 base.options)
        out.append(dataclasses.replace(line, raw=indent + line.raw,
                                       lineno=base.lineno))
    return tuple(out)


def _report_no_minimum(
    lines: Sequence[reqfile.Line], section: project_mod.Section
) -> list[errors.Finding]:
    """Warnings for lower bounds that give no version to keep.

    ``===foo`` (arbitrary equality with a string that is no version) or a
    wildcard of no release: nothing can become ``>=``; say so rather than
    silently writing a line without a lower bound.
    """
    found = []
    for line in lines:
        assert line.req is not None
        for op, version in _split(line.req.specifier)[0]:
            found.append(errors.Finding(
                section.lines.source, line.lineno,
                f"{line.req.name}: {op}{version} gives no minimum version "
                "to keep; dropped it, add a lower bound (>=)",
                code="no-minimum"))
    return found


def _report_minimum(
    minimum: _Minimum,
    holder: reqfile.Line,
    entry: reqfile.Line,
    others: Sequence[str],
    section: project_mod.Section,
    central_list: Central,
) -> list[errors.Finding]:
    """Warnings for a minimum the central list excludes, or rewritten."""
    assert entry.req is not None
    name = entry.req.name
    found = []
    if minimum.written != minimum.spec:
        cap = _implied_cap(minimum)
        what = f"its cap {cap} is gone" if cap else "it no longer pins"
        found.append(errors.Finding(
            section.lines.source, holder.lineno,
            f"{name}: {minimum.written} became {minimum.spec}, the project's "
            f"minimum; {what}, as the global list carries no caps (pins "
            "belong in upper-constraints.txt)", code="pin-to-minimum"))
    excluded = _excluded(minimum.version, others) \
        if minimum.op == ">=" else None
    if excluded is not None:
        found.append(errors.Finding(
            section.lines.source, holder.lineno,
            f"{name}: the lower bound {minimum.spec} is excluded by "
            f"{central_list.source}:{entry.lineno} ({excluded}); kept "
            f"it, so only versions above it are allowed; raise it to a "
            "version the global list allows", code="excluded-lower-bound"))
    return found


def _same(
    line: reqfile.Line,
    req: requirement.Requirement,
    comment: str,
    style: project_mod.Style,
    redundant: Sequence[str] = (),
) -> bool:
    """Whether *line* already says what *req* and *comment* say.

    A line that also carries *redundant* central exclusions (ruled out by
    its floor) says the same: it is left alone, not churned.
    """
    old = line.req
    assert old is not None
    if style.comments and line.license != comment.strip().lstrip(
            "#").strip():
        return False
    kept = [s for s in old.specifiers if s not in redundant]
    return _same_requirement(old.replace(specifier=",".join(kept)), req)


def _same_requirement(
    old: requirement.Requirement, new: requirement.Requirement
) -> bool:
    """Same name, extras, specifiers (in any order) and marker."""
    return (
        old.canonical == new.canonical
        and sorted(map(requirement.canonical_name, old.extras))
        == sorted(map(requirement.canonical_name, new.extras))
        and sorted(old.specifiers) == sorted(new.specifiers)
        and _norm_marker(old) == _norm_marker(new)
    )


# -- What update-requirements writes and says, per project and for --all.


@dataclasses.dataclass(frozen=True, slots=True)
class Output:
    """One file to write: its plan and where the new text goes."""

    plan: FilePlan
    path: str  # the file's path, or path.SUFFIX with -o

    @property
    def text(self) -> str:
        return self.plan.new


def outputs(sync_plan: Plan, suffix: str = "") -> list[Output]:
    """The files to write; none when the plan has errors.

    Without *suffix*, the changed files, in place.  With it, every file
    read goes to ``FILE.SUFFIX``, changed or not, so that a gate job can
    compare each original with its synced copy.
    """
    if sync_plan.errors:
        return []
    if not suffix:
        return [Output(f, f.path) for f in sync_plan.changed]
    return [Output(f, f"{f.path}.{suffix}") for f in sync_plan.files]


def exit_code(sync_plan: Plan, dry_run: bool) -> int:
    """1 for errors, or for a dry run that would change files; else 0."""
    if sync_plan.errors or (dry_run and sync_plan.changed):
        return errors.EXIT_FINDINGS
    return errors.EXIT_OK


def describe(files: Iterable[Output], dry_run: bool) -> list[str]:
    """The change report, a list of lines.

    For each changed file: the names, the path and one ``old -> new``
    line per change (``(none)`` for no line).  A dry run says ``Would
    update``: nothing was written.
    """
    verb = "Would update" if dry_run else "Updated"
    lines = []
    for output in files:
        file_plan = output.plan
        if not file_plan.changed:
            continue
        if not file_plan.changes:  # e.g. only the old header went
            lines.append(f"{verb} {output.path}")
            continue
        for kind, title in ((ChangeKind.VERSION, "Version change"),
                            (ChangeKind.COMMENT, "Comment change")):
            names = ", ".join(change.name for change in file_plan.changes
                              if change.kind is kind)
            if names:
                lines.append(f"{title} for: {names}")
        lines.append(f"{verb} {output.path}:")
        for change in file_plan.changes:
            for old, new in change.pairs():
                lines.append(f"    {old or '(none)'} -> {new or '(none)'}")
    return lines


def changes_as_dicts(
    files: Iterable[Output]
) -> list[dict[str, object]]:
    """The per-file change list of :func:`describe`, for ``--json``."""
    return [
        {"path": output.path, "file": output.plan.file,
         "changes": [{"name": change.name, "kind": change.kind.value,
                      "old": list(change.old), "new": list(change.new)}
                     for change in output.plan.changes]}
        for output in files if output.plan.changed
    ]


def split_lines(text: str) -> list[str]:
    """*text* split after each ``\\n``, newlines kept.

    Not ``str.splitlines``: that also breaks on ``\\x0c``, ``\\u2028`` and
    other characters a requirements file may hold inside a line.
    """
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(file_plan: FilePlan) -> str:
    """A unified diff of one file, ``a/FILE`` to ``b/FILE``."""

    lines = []
    for line in difflib.unified_diff(
            split_lines(file_plan.old), split_lines(file_plan.new),
            fromfile=f"a/{file_plan.file}", tofile=f"b/{file_plan.file}"):
        if not line.endswith("\n"):  # a last line without a newline
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


class ProjectState(enum.Enum):
    UP_TO_DATE = "up to date"
    CHANGED = "changed"
    FAILED = "failed"


def project_state(code: int, changed: int, dry_run: bool) -> ProjectState:
    """How one project of --all went, from its exit code.

    A dry run exits 1 when it would change files: that is not a failure.
    """
    if code not in (errors.EXIT_OK, errors.EXIT_FINDINGS) or (
            code and not dry_run):
        return ProjectState.FAILED
    return ProjectState.CHANGED if changed else ProjectState.UP_TO_DATE


def project_line(
    name: str, state: ProjectState, changed: int, dry_run: bool
) -> str:
    """``== openstack/nova: changed 2 file(s)`` and the like."""
    if state is ProjectState.FAILED:
        detail = "FAILED, nothing written"
    elif state is ProjectState.CHANGED:
        verb = "would change" if dry_run else "changed"
        detail = f"{verb} {changed} file(s)"
    else:
        detail = "up to date"
    return f"== {name}: {detail}"


def summary(
    states: Sequence[ProjectState],
    missing: Sequence[str],
    skipped: int,
    root: str,
    dry_run: bool,
) -> list[str]:
    """The last lines of --all: projects not found, then the counts."""
    lines = []
    if missing:
        lines.append(f"missing under {root}: {', '.join(missing)}")
    count = {state: states.count(state) for state in ProjectState}
    verb = "would change" if dry_run else "changed"
    line = (f"{len(states)} project(s): {count[ProjectState.CHANGED]} "
            f"{verb}, {count[ProjectState.UP_TO_DATE]} up to date, "
            f"{count[ProjectState.FAILED]} failed, {len(missing)} missing")
    if skipped:
        line += f", {skipped} skipped"
    lines.append(line)
    return lines
