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

"""CI job core: a project's requirements vs the global list. Pure: no I/O.

The rules of the requirements-check job, each a function returning
:class:`errors.Finding` objects:

* :func:`check_line` -- a requirement not on the blacklist is in the
  global list, with the same markers, exclusions that are a subset of the
  global ones and a lower bound;
* :func:`check_counts` -- a section has as many lines for a name as the
  global list has;
* :func:`check_duplicates` -- no duplicate entries within one file
  (relaxed on ``stable/`` branches);
* :func:`flatten_groups` -- PEP 735 ``include-group`` entries are
  expanded; a cycle or an unknown group is a finding;
* :func:`check_build_system` -- on the main branch, a pyproject.toml with
  a ``[build-system]`` table using the required backend.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses
import re
import typing

from packaging.utils import canonicalize_version
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import errors
from openstack_requirements import policy
from openstack_requirements import project as project_mod
from openstack_requirements import reqfile
from openstack_requirements.requirement import Requirement

#: The build backend the main branch requires by default.
if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements.lists import Lists

DEFAULT_BUILD_BACKEND = "pbr.build"
MAIN_BRANCHES = ("master", "main")
#: Operators that exclude versions; a project may only use the global
#: list's own exclusions.
EXCLUDING = ("!=", "<", "<=")
_BACKPORT_RE = re.compile(
    r"^python_(full_)?version\s*<=?\s*['\"][0-9.]+['\"]$")
_PY2 = {"python_version": "2.7", "python_full_version": "2.7.18"}


def is_main(branch: str) -> bool:
    """True for the development branch: ``master`` and ``main`` alike."""
    return branch in MAIN_BRANCHES


def is_stable(branch: str) -> bool:
    return branch.startswith(("stable/", "unmaintained/"))


@dataclasses.dataclass(frozen=True, slots=True)
class Options:
    branch: str = "master"
    build_backend: str = DEFAULT_BUILD_BACKEND  # "" accepts any backend
    python_versions: tuple[str, ...] = policy.PYTHON_VERSIONS


def _code(req: Requirement) -> str:
    return f"`{req.render()}`"


def _global_text(lines: Iterable[reqfile.Line]) -> str:
    return " or ".join(_code(line.req) for line in lines if line.req)


def _evaluates(req: Requirement, env: Mapping[str, str]) -> bool:
    marker = req.marker_obj
    return marker is None or marker.evaluate(dict(env))


def is_python3_only(req: Requirement, envs: list[dict[str, str]]) -> bool:
    """A marker that selects every supported Python 3 and not Python 2."""
    if not req.marker:
        return False
    py2 = dict(envs[0])
    py2.update(_PY2)
    return all(_evaluates(req, e) for e in envs) and not _evaluates(req, py2)


def is_backport_marker(req: Requirement) -> bool:
    """``python_version<'3.x'``: a backport needed on old Pythons only."""
    return bool(_BACKPORT_RE.match(req.marker.strip()))


def exclusions(req: Requirement) -> set[tuple[str, str]]:
    """The ``!=``/``<``/``<=`` specifiers, versions canonicalised."""

    out = set()
    for spec in req.specifiers:
        op = re.match(r"[<>=!~]+", spec)
        if op and op.group(0) in EXCLUDING:
            version = spec[op.end():]
            out.add((op.group(0), canonicalize_version(version)))
    return out


def has_lower_bound(req: Requirement) -> bool:
    for spec in req.specifiers:
        op = re.match(r"[<>=!~]+", spec)
        if op and op.group(0) in policy.LOWER_BOUND_OPERATORS:
            return True
    return False


def _matching(
    req: Requirement,
    global_lines: list[reqfile.Line],
    backports: frozenset[str],
    envs: list[dict[str, str]],
) -> list[reqfile.Line]:
    """The global lines whose markers agree with *req*'s."""
    key = policy.marker_key(req)
    same = [g for g in global_lines
            if g.req is not None and policy.marker_key(g.req) == key]
    if same:
        return same
    # A python3-only marker on one side only is allowed.
    if not req.marker:
        py3 = [g for g in global_lines
               if g.req is not None and is_python3_only(g.req, envs)]
        if py3:
            return py3
    elif is_python3_only(req, envs):
        bare = [g for g in global_lines
                if g.req is not None and not g.req.marker]
        if bare:
            return bare
    # A backport may be limited to the old Pythons that need it.
    if req.canonical in backports and is_backport_marker(req):
        bare = [g for g in global_lines
                if g.req is not None and not g.req.marker]
        return bare or list(global_lines)
    return []


def check_line(
    source: str,
    line: reqfile.Line,
    lists: Lists,
    global_index: Mapping[str, list[reqfile.Line]],
    envs: list[dict[str, str]],
) -> list[errors.Finding]:
    """Findings for one line of a project file."""
    gsrc = lists.global_doc.source
    if line.kind is reqfile.Kind.INVALID:
        return [errors.Finding(source, line.lineno,
                               f"{line.error}; fix the line", errors.INVALID)]
    req = line.req
    if req is None:
        if line.kind is reqfile.Kind.URL:
            return [errors.Finding(
                source, line.lineno,
                "cannot tell which distribution this URL installs; add "
                "'#egg=NAME' or list the name from the global list",
                "location")]
        return []  # -r/-c/-f and other pip options
    name = req.canonical
    if name in lists.blacklist:
        # Blacklisted names are managed by each project as it likes.
        return []
    global_lines = global_index.get(name)
    if not global_lines:
        return [errors.Finding(
            source, line.lineno,
            f"{req.name} is not in the global list ({gsrc}); propose it "
            "there first or remove it", "not-in-global")]
    if req.url:
        return [errors.Finding(
            source, line.lineno,
            f"{req.name} is installed from a URL ({req.url}); global list "
            f"has {_global_text(global_lines)}; use the name and a "
            "version specifier", "location")]
    candidates = _matching(req, global_lines, lists.backports, envs)
    findings = []
    if not candidates:
        mine = f"`{req.marker}`" if req.marker else "no marker"
        findings.append(errors.Finding(
            source, line.lineno,
            f"{req.name}: markers differ: global list has "
            f"{_global_text(global_lines)}; you have {_code(req)} "
            f"({mine}); use the global list's markers", "markers"))
    else:
        mine_excl = exclusions(req)
        if not any(mine_excl <= exclusions(g.req)
                   for g in candidates if g.req is not None):
            best = candidates[0]
            assert best.req is not None
            extra = sorted(mine_excl - exclusions(best.req))
            shown = ",".join(op + v for op, v in extra)
            findings.append(errors.Finding(
                source, line.lineno,
                f"{req.name} excludes versions the global list does not "
                f"({shown}): global list has {_code(best.req)}; you have "
                f"{_code(req)}; drop those exclusions or get them into "
                "the global list first", "exclusions"))
    if not has_lower_bound(req):
        findings.append(errors.Finding(
            source, line.lineno,
            f"{req.name} has no lower bound: you have {_code(req)}; "
            + lower_bound_hint(req, lists.pins.get(name, ())),
            "lower-bound"))
    return findings


def lower_bound_hint(req: Requirement, pins: Iterable[str]) -> str:
    """How to add the floor *req* lacks, given the upper-constraints pins.

    The floor is the oldest version the project supports: its choice,
    which no list here knows, so the hint names none.  A pin is no
    floor; it only limits one from above (a floor over the pin fails the
    gate), and is mentioned only where the line's own specifiers admit
    it: a hint never asks for a range they leave empty (``sphinx<9`` and
    the pin 9.0.4).
    """
    text = (f"add the oldest version the project supports, "
            f"`{req.name}>=X.Y`; that floor is the project's choice")
    admitted = []
    for pin in pins:
        try:
            version = Version(pin)
        except InvalidVersion:
            continue
        if req.specifier_set.contains(version, prereleases=True):
            admitted.append(version)
    if admitted:
        text += (f", at most {min(admitted)}, the version the upper "
                 "constraints pin")
    return text


def _named(
    lines: Iterable[tuple[str, reqfile.Line]], lists: Lists,
    global_index: Mapping[str, list[reqfile.Line]],
) -> dict[tuple[str, tuple[str, ...]], list[tuple[str, reqfile.Line]]]:
    out: dict[tuple[str, tuple[str, ...]],
              list[tuple[str, reqfile.Line]]] = {}
    for source, line in lines:
        req = line.req
        if req is None or req.url or req.canonical in lists.blacklist:
            continue
        if req.canonical not in global_index:
            continue
        extras = tuple(sorted(e.lower() for e in req.extras))
        out.setdefault((req.canonical, extras), []).append((source, line))
    return out


def check_counts(
    label: str,
    lines: Iterable[tuple[str, reqfile.Line]],
    lists: Lists,
    global_index: Mapping[str, list[reqfile.Line]],
    envs: list[dict[str, str]],
    allow_duplicates: bool = False,
) -> list[errors.Finding]:
    """A name has as many lines in a section as in the global list.

    Global lines whose markers select none of the supported Pythons may
    be left out.  With *allow_duplicates* (stable branches) entries with
    the same markers count once.
    """
    findings = []
    for (name, _), entries in _named(lines, lists, global_index).items():
        global_lines = global_index[name]
        supported = [
            g for g in global_lines
            if g.req is not None and any(_evaluates(g.req, e) for e in envs)
        ]
        count = len(entries)
        if allow_duplicates:
            count = len({policy.marker_key(ln.req) for _, ln in entries
                         if ln.req is not None})
        if count in (len(global_lines), len(supported)):
            continue
        source, first = entries[0]
        assert first.req is not None
        findings.append(errors.Finding(
            source, first.lineno,
            f"{first.req.name} has {count} line(s) in {label} but the "
            f"global list has {len(global_lines)}: "
            f"{_global_text(global_lines)}; use one line per global "
            "line, with the same markers", "line-count"))
    return findings


def check_duplicates(
    label: str, lines: Iterable[tuple[str, reqfile.Line]]
) -> list[errors.Finding]:
    """No entry twice (same name, extras and markers) in one section."""
    findings = []
    seen: dict[tuple[str, tuple[str, ...], str], tuple[str, int]] = {}
    for source, line in lines:
        req = line.req
        if req is None:
            continue
        key = (req.canonical, tuple(sorted(e.lower() for e in req.extras)),
               policy.marker_key(req))
        if key in seen:
            where, lineno = seen[key]
            at = f"line {lineno}" if where == source else \
                f"{where}:{lineno}"
            findings.append(errors.Finding(
                source, line.lineno,
                f"{req.name} is already listed in {label} ({at}); remove "
                "one of the entries", "duplicate"))
        else:
            seen[key] = (source, line.lineno)
    return findings


def flatten_groups(
    sections: Iterable[project_mod.Section],
) -> tuple[dict[str, list[tuple[str, reqfile.Line]]], list[errors.Finding]]:
    """Expand PEP 735 ``include-group`` entries.

    :returns: normalised group name -> its lines with those of the groups
        it includes, and findings for cycles and unknown groups.
    """
    groups = {project_mod.group_name(s.key): s for s in sections
              if s.kind == project_mod.GROUP}
    findings: list[errors.Finding] = []
    done: dict[str, list[tuple[str, reqfile.Line]]] = {}
    reported: set[tuple[str, int, str]] = set()

    def expand(name: str, stack: tuple[str, ...]) -> list[
            tuple[str, reqfile.Line]]:
        if name in done:
            return done[name]
        section = groups[name]
        out = [(section.source, line) for line in section.lines.lines]
        for include, lineno in section.includes:
            target = project_mod.group_name(include)
            if target not in groups:
                if (section.source, lineno, include) not in reported:
                    reported.add((section.source, lineno, include))
                    findings.append(errors.Finding(
                        section.source, lineno,
                        f"dependency group {section.key!r} includes "
                        f"{include!r}, which is not defined in "
                        "[dependency-groups]; define it or remove the "
                        "include", "include-group"))
                continue
            if target in stack or target == name:
                if (section.source, lineno, include) not in reported:
                    reported.add((section.source, lineno, include))
                    path = " -> ".join(
                        groups[g].key for g in stack + (name, target))
                    findings.append(errors.Finding(
                        section.source, lineno,
                        f"dependency group {section.key!r} includes "
                        f"{include!r}, which forms a cycle ({path}); "
                        "remove one include (PEP 735 forbids cycles)",
                        "include-cycle"))
                continue
            out.extend(expand(target, stack + (name,)))
        done[name] = out
        return out

    result = {name: expand(name, ()) for name in groups}
    return result, findings


def check_build_system(
    project: project_mod.Project, options: Options
) -> list[errors.Finding]:
    """On the main branch: pyproject.toml with the required backend."""
    if not is_main(options.branch):
        return []
    want = options.build_backend
    using = f" using build-backend = \"{want}\"" if want else ""
    if project.pyproject is None:
        source = project.path(project_mod.PYPROJECT)
        return [errors.Finding(
            source, None,
            f"missing; on the {options.branch} branch a project needs a "
            f"pyproject.toml with a [build-system] table{using}",
            "build-system")]
    build = project.build_system
    if build is None:
        return [errors.Finding(
            project.pyproject, None,
            f"no [build-system] table; add one{using}", "build-system")]
    if want and build.backend != want:
        have = f"\"{build.backend}\"" if build.backend else "none"
        return [errors.Finding(
            project.pyproject, build.lineno,
            f"build-backend is {have}; the {options.branch} branch "
            f"requires build-backend = \"{want}\"", "build-system")]
    return []


def check_project(
    project: project_mod.Project,
    lists: Lists,
    options: Options | None = None,
) -> list[errors.Finding]:
    """Every finding for *project* against *lists*."""
    options = options or Options()
    envs = policy.environments(options.python_versions)
    global_index = lists.global_doc.by_name()
    findings: list[errors.Finding] = []
    sections = project.sections()
    for section in sections:
        for line in section.lines.lines:
            findings.extend(
                check_line(section.source, line, lists, global_index, envs))
    # Count and duplicate rules apply per list: a file, an extra, an
    # optional-dependency table, or a dependency group with its includes.
    lists_to_check: list[tuple[str, list[tuple[str, reqfile.Line]]]] = []
    for section in sections:
        if section.kind != project_mod.GROUP:
            lists_to_check.append(
                (section.title, [(section.source, ln)
                                 for ln in section.lines.lines]))
    groups, group_findings = flatten_groups(sections)
    findings.extend(group_findings)
    by_name = {project_mod.group_name(s.key): s for s in sections
               if s.kind == project_mod.GROUP}
    for name, lines in groups.items():
        lists_to_check.append((by_name[name].title, lines))
    for label, lines in lists_to_check:
        findings.extend(check_counts(
            label, lines, lists, global_index, envs,
            allow_duplicates=is_stable(options.branch)))
        if not is_stable(options.branch):
            findings.extend(check_duplicates(label, lines))
    findings.extend(check_build_system(project, options))
    seen = set()
    unique = []
    for finding in findings:
        if finding not in seen:
            seen.add(finding)
            unique.append(finding)
    return unique


def count_requirements(project: project_mod.Project) -> int:
    return len(project.requirements())


def _overlaps(a: Requirement, b: Requirement,
              envs: list[dict[str, str]]) -> bool:
    return any(_evaluates(a, e) and _evaluates(b, e) for e in envs)


def check_against_constraints(
    project: project_mod.Project,
    global_doc: reqfile.RequirementsFile,
    upper_doc: reqfile.RequirementsFile,
    blacklist: frozenset[str] = frozenset(),
    check_global_specifiers: bool = False,
    python_versions: tuple[str, ...] = policy.PYTHON_VERSIONS,
) -> list[errors.Finding]:
    """check-constraints: project requirements vs the upper constraints.

    Each requirement not on the blacklist is in the global list and in
    the upper constraints, and its specifier admits every pin that
    applies where it does.  With *check_global_specifiers*, each version
    a lower bound or pin of the project names is also admitted by the
    global specifier.
    """
    envs = policy.environments(python_versions)
    global_index = global_doc.by_name()
    upper_index = upper_doc.by_name()
    findings: list[errors.Finding] = []
    for section, line in ((s, ln) for s in project.sections()
                          for ln in s.lines.lines):
        source = section.source
        if line.kind is reqfile.Kind.INVALID:
            findings.append(errors.Finding(
                source, line.lineno, f"{line.error}; fix the line",
                errors.INVALID))
            continue
        req = line.req
        if req is None or req.url or req.canonical in blacklist:
            continue
        if req.canonical not in global_index:
            findings.append(errors.Finding(
                source, line.lineno,
                f"{req.name} is not in the global list ({global_doc.source})"
                "; propose it there first or remove it", "not-in-global"))
        candidates = [p for p in upper_index.get(req.canonical, ())
                      if p.req is not None]
        # A pin with the same markers first; else the pins that apply
        # where the requirement does.
        pins = [p for p in candidates if p.req is not None and
                policy.marker_key(p.req) == policy.marker_key(req)]
        if not pins:
            pins = [p for p in candidates if p.req is not None and
                    _overlaps(req, p.req, envs)]
        if not pins and not any(_evaluates(req, e) for e in envs):
            continue  # applies to no supported Python: nothing to pin
        if not pins:
            findings.append(errors.Finding(
                source, line.lineno,
                f"{req.name} is not pinned in {upper_doc.source}"
                + (f" for `{req.marker}`" if req.marker else "")
                + "; add a pin or remove the requirement", "not-pinned"))
        for pin_line in pins:
            version = policy.pin(pin_line)
            if version is None or not req.specifier:
                continue
            if not req.specifier_set.contains(version, prereleases=True):
                findings.append(errors.Finding(
                    source, line.lineno,
                    f"{_code(req)} does not admit the upper constraint "
                    f"{req.name}==={version} ({upper_doc.source}:"
                    f"{pin_line.lineno}); widen the specifier or lower "
                    "the pin", "upper"))
        if not check_global_specifiers:
            continue
        for gline in global_index.get(req.canonical, ()):
            greq = gline.req
            if greq is None or not greq.specifier or \
                    not _overlaps(req, greq, envs):
                continue
            for spec in req.specifiers:
                op = re.match(r"[<>=!~]+", spec)
                if not op or (
                        op.group(0) not in policy.LOWER_BOUND_OPERATORS):
                    continue
                version = spec[op.end():]
                if not greq.specifier_set.contains(version,
                                                   prereleases=True):
                    findings.append(errors.Finding(
                        source, line.lineno,
                        f"{req.name}{spec} names a version the global "
                        f"list excludes: global list has {_code(greq)} "
                        f"({global_doc.source}:{gline.lineno}); you have "
                        f"{_code(req)}", "global-specifier"))
    return findings
