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

"""Rules on the central lists -> Findings. Pure: no I/O.

Also the one home of the policy constants (the supported Python versions,
the lower-bound operators, the coverage exemptions) and of the
projects.txt grammar (:func:`parse_projects`).
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
import os
import re

from openstack_requirements import errors
from openstack_requirements import normalize
from openstack_requirements import reqfile
from openstack_requirements.requirement import canonical_name
from openstack_requirements.requirement import Requirement

#: Specifier operators that set a minimum version.  The global list
#: carries none of them (exclusions only); projects keep their own.
LOWER_BOUND_OPERATORS = (">=", ">", "~=", "==", "===")


def marker_key(req: Requirement) -> str:
    """Normalised marker text, to compare markers written differently."""
    marker = req.marker_obj
    return str(marker) if marker is not None else ""


def _invalid(doc: reqfile.RequirementsFile) -> list[errors.Finding]:
    return [
        errors.Finding(doc.source, line.lineno, line.error or "invalid line",
                       errors.INVALID)
        for line in doc.invalid()
    ]


def _duplicates(
    doc: reqfile.RequirementsFile, what: str
) -> list[errors.Finding]:
    findings = []
    seen: dict[tuple[str, str], reqfile.Line] = {}
    spelling: dict[str, reqfile.Line] = {}
    for line in doc.requirements():
        req = line.req
        assert req is not None
        first = spelling.setdefault(req.canonical, line)
        if first.req is not None and first.req.name != req.name:
            findings.append(errors.Finding(
                doc.source, line.lineno,
                f"{req.name} is spelled {first.req.name} on line "
                f"{first.lineno}; names must be unique after "
                "canonicalisation, use one spelling",
                "spelling",
            ))
        key = (req.canonical, marker_key(req))
        if key in seen:
            marker = f" with marker {req.marker!r}" if req.marker else ""
            findings.append(errors.Finding(
                doc.source, line.lineno,
                f"{req.name}{marker} is already {what} on line "
                f"{seen[key].lineno}; a name may repeat only with "
                "different markers, remove one of them",
                "duplicate",
            ))
        else:
            seen[key] = line
    return findings


def check_global(doc: reqfile.RequirementsFile) -> list[errors.Finding]:
    """Findings for the global-requirements dialect.

    Names only (no URLs, no options), valid PEP 508, a trailing license
    comment on every requirement, a name repeated only with different
    markers and spelled one way.
    """
    findings = _invalid(doc)
    for line in doc.lines:
        if line.kind in (reqfile.Kind.OPTION, reqfile.Kind.URL):
            findings.append(errors.Finding(
                doc.source, line.lineno,
                "the global list holds names only; remove this "
                f"{line.kind.value} line",
                "names-only",
            ))
        elif line.kind is reqfile.Kind.REQUIREMENT:
            assert line.req is not None
            if line.req.url:
                findings.append(errors.Finding(
                    doc.source, line.lineno,
                    f"{line.req.name} is given by URL; the global list "
                    "holds names and specifiers only",
                    "names-only",
                ))
            if line.options:
                findings.append(errors.Finding(
                    doc.source, line.lineno,
                    f"{line.req.name} carries pip options "
                    f"({line.options}); remove them",
                    "names-only",
                ))
            if not line.license:
                findings.append(errors.Finding(
                    doc.source, line.lineno,
                    f"{line.req.name} has no license comment; add one "
                    "after two spaces, e.g. '  # Apache-2.0'",
                    "license",
                ))
    findings.extend(_duplicates(doc, "listed"))
    return sorted(findings, key=lambda f: f.lineno or 0)


def pin(line: reqfile.Line) -> str | None:
    """The version of a ``name===version`` line, or None."""
    req = line.req
    if req is None or line.kind is not reqfile.Kind.REQUIREMENT:
        return None
    specs = req.specifiers
    if len(specs) == 1 and specs[0].startswith("==="):
        return specs[0][3:]
    return None


def check_constraints(doc: reqfile.RequirementsFile) -> list[errors.Finding]:
    """Findings for the upper-constraints dialect: ``name===version``."""
    findings = _invalid(doc)
    for line in doc.lines:
        if line.kind in (reqfile.Kind.OPTION, reqfile.Kind.URL):
            findings.append(errors.Finding(
                doc.source, line.lineno,
                "expected 'name===version[;marker]', found a "
                f"{line.kind.value} line",
                "format",
            ))
        elif line.kind is reqfile.Kind.REQUIREMENT:
            req = line.req
            assert req is not None
            if req.extras or req.url or line.options or pin(line) is None:
                findings.append(errors.Finding(
                    doc.source, line.lineno,
                    f"expected 'name===version[;marker]' for {req.name}, "
                    f"found {line.text.strip()!r}",
                    "format",
                ))
    findings.extend(_duplicates(doc, "pinned"))
    return sorted(findings, key=lambda f: f.lineno or 0)


def check_names(doc: reqfile.RequirementsFile) -> list[errors.Finding]:
    """Findings for a plain list of names (blacklist.txt, backports.txt)."""
    findings = _invalid(doc)
    seen: dict[str, int] = {}
    for line in doc.lines:
        if line.kind in (reqfile.Kind.OPTION, reqfile.Kind.URL):
            findings.append(errors.Finding(
                doc.source, line.lineno,
                "expected a distribution name", "format"))
        elif line.req is not None:
            if line.req.specifier or line.req.marker or line.req.extras:
                findings.append(errors.Finding(
                    doc.source, line.lineno,
                    f"expected a bare name, found {line.text.strip()!r}",
                    "format"))
            name = line.req.canonical
            if name in seen:
                findings.append(errors.Finding(
                    doc.source, line.lineno,
                    f"{line.req.name} is already listed on line "
                    f"{seen[name]}; remove one", "duplicate"))
            seen.setdefault(name, line.lineno)
    return sorted(findings, key=lambda f: f.lineno or 0)


#: Python versions and platforms the central lists are checked for.
PYTHON_VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORMS = (
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    {"sys_platform": "darwin", "platform_system": "Darwin",
     "os_name": "posix"},
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
)
#: The platform a constraints file covers when it names none: the
#: upstream generation job runs on Linux.
DEFAULT_PLATFORM = "linux"


def platform_environment(sys_platform: str) -> dict[str, str]:
    """The platform marker variables of one ``sys_platform`` value.

    One of :data:`PLATFORMS`, or for another value (``freebsd14``) that
    value with a POSIX ``os_name``.
    """
    for platform in PLATFORMS:
        if platform["sys_platform"] == sys_platform:
            return dict(platform)
    return {"sys_platform": sys_platform,
            "platform_system": sys_platform.rstrip("0123456789").title(),
            "os_name": "posix"}


def environments(
    python_versions: tuple[str, ...] = PYTHON_VERSIONS,
    platforms: tuple[str, ...] | None = None,
) -> list[dict[str, str]]:
    """Marker environments to check, one per Python version and platform.

    *platforms* are ``sys_platform`` values; every one of
    :data:`PLATFORMS` when None.
    """
    names = (platforms if platforms is not None
             else tuple(p["sys_platform"] for p in PLATFORMS))
    envs = []
    for version in python_versions:
        for name in names:
            env = platform_environment(name)
            env.update(python_version=version,
                       python_full_version=version + ".0",
                       implementation_name="cpython",
                       platform_python_implementation="CPython", extra="")
            envs.append(env)
    return envs


def _applies(req: Requirement, env: dict[str, str]) -> bool:
    marker = req.marker_obj
    return marker is None or marker.evaluate(env)


def check_compatibility(
    global_doc: reqfile.RequirementsFile,
    upper_doc: reqfile.RequirementsFile,
    envs: list[dict[str, str]],
) -> list[errors.Finding]:
    """Each pinned version satisfies the global specifiers it meets.

    A pin and a global line meet when some environment of *envs* selects
    both of them through their markers.
    """
    global_index = global_doc.by_name()
    findings = []
    for line in upper_doc.requirements():
        version = pin(line)
        req = line.req
        assert req is not None
        if version is None or req.canonical not in global_index:
            continue
        for gline in global_index[req.canonical]:
            greq = gline.req
            assert greq is not None
            if not greq.specifier:
                continue
            meets = [e for e in envs if _applies(req, e) and _applies(greq, e)]
            if not meets:
                continue
            if not greq.specifier_set.contains(version, prereleases=True):
                where = f" (for {greq.marker})" if greq.marker else ""
                findings.append(errors.Finding(
                    upper_doc.source, line.lineno,
                    f"{req.name}==={version} is not allowed by the global "
                    f"requirement {greq.render()}{where} at "
                    f"{global_doc.source}:{gline.lineno}; pin a version "
                    "that satisfies it or change the global specifier",
                    "compatibility",
                ))
    return findings


#: Names the central lists need not cover: neither a pin nor a blacklist
#: entry.  ``pip freeze`` never lists them, so a generated constraints
#: file cannot pin them: pip, setuptools, wheel and distribute are the
#: installer tooling it leaves out unless given ``--all``; argparse and
#: wsgiref are the standard-library names it always leaves out (Python
#: 2.7 shipped them with metadata).  Upstream's validate job exempts
#: the same names (and Windows-only ones, which :func:`check_coverage`
#: tells by their markers instead).  Not ``constraints.INSTALLER_TOOLING``:
#: that set is what generate-constraints leaves out of every freeze; this
#: one is a rule on the lists.
COVERAGE_EXEMPT = frozenset({
    "pip", "setuptools", "wheel", "distribute", "argparse", "wsgiref"})


def check_coverage(
    global_doc: reqfile.RequirementsFile,
    upper_doc: reqfile.RequirementsFile,
    blacklist_doc: reqfile.RequirementsFile,
    unpinned: frozenset[str] = COVERAGE_EXEMPT,
    *,
    envs: Sequence[dict[str, str]] | None = None,
) -> list[errors.Finding]:
    """Every global name is pinned or blacklisted, never both.

    Names in *unpinned* may be neither, and so may a name whose every
    line has markers false in each of *envs*, the environments the
    constraints cover (all of :func:`environments` when None): a Linux
    generation cannot pin ``pywin32;sys_platform=='win32'``.
    """
    pinned = upper_doc.by_name()
    blacklisted = blacklist_doc.by_name()
    findings = []
    for name, lines in global_doc.by_name().items():
        if name in unpinned or name in pinned or name in blacklisted:
            continue
        expected = [
            line for line in lines
            if line.req is not None and _applies_in(line.req, envs)]
        if not expected:
            continue
        req = expected[0].req
        assert req is not None
        findings.append(errors.Finding(
            global_doc.source, expected[0].lineno,
            f"{req.name} is neither in {upper_doc.source} nor in "
            f"{blacklist_doc.source}; add a pin "
            f"'{req.name}===VERSION' or blacklist it",
            "coverage",
        ))
    for name, lines in blacklisted.items():
        if name in pinned:
            first = pinned[name][0]
            findings.append(errors.Finding(
                upper_doc.source, first.lineno,
                f"{lines[0].req.name if lines[0].req else name} is "
                f"blacklisted in {blacklist_doc.source}:{lines[0].lineno} "
                "but pinned here; remove the pin or the blacklist entry",
                "coverage",
            ))
    return sorted(findings, key=lambda f: (f.source != global_doc.source,
                                           f.lineno or 0))


def _applies_in(
    req: Requirement, envs: Sequence[dict[str, str]] | None
) -> bool:
    if req.marker_obj is None:
        return True
    return any(_applies(req, env) for env in (
        envs if envs is not None else environments()))


def check_lower_bounds(
    doc: reqfile.RequirementsFile,
) -> list[errors.Finding]:
    """No specifier of the global list sets a floor.

    The policy since 2018: the global list carries exclusions (and
    caps), each project its own lower bound.  Upstream's job looks for
    ``>=`` only; every operator of :data:`LOWER_BOUND_OPERATORS` sets a
    floor, so each is reported.
    """
    findings = []
    for line in doc.requirements():
        req = line.req
        assert req is not None
        floors = [spec for spec in req.specifiers
                  if spec.startswith(LOWER_BOUND_OPERATORS)]
        if floors:
            findings.append(errors.Finding(
                doc.source, line.lineno,
                f"{req.name} has a lower bound ({','.join(floors)}); the "
                "global list carries exclusions only, each project "
                "keeps its own floor: remove it",
                "lower-bound",
            ))
    return findings


def check_formatting(
    doc: reqfile.RequirementsFile,
) -> list[errors.Finding]:
    """Every requirement line is written as normalize-requirements does.

    No spaces inside the requirement, specifiers in
    :func:`normalize.specifier_key` order, two spaces before the
    comment.  The marker may keep its own spelling, as upstream's
    uniform-formatting check allows (``;sys_platform!='win32'``).
    """
    findings = []
    for line in doc.requirements():
        normal = normalize.normalize_line(line, markers=False)
        if normal.raw != line.raw:
            findings.append(errors.Finding(
                doc.source, line.lineno,
                f"not uniformly formatted; write it as "
                f"{normal.text.strip()!r} (normalize-requirements "
                f"{doc.source} --save)",
                "formatting",
            ))
    return findings


# -- projects.txt

#: One ``projects.txt`` line: ``namespace/name``, as upstream writes it
#: (``openstack/nova``).  Each part starts with a letter or digit, so
#: neither can be ``.`` or ``..``; a bare ``nova`` is not a project line.
_PROJECT_RE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclasses.dataclass(frozen=True, slots=True)
class ProjectEntry:
    """One project of projects.txt."""

    name: str  # "openstack/nova"
    lineno: int

    def candidates(self, root: str) -> list[str]:
        """Where the project may be, in order of preference.

        ``ROOT/namespace/name``, then ``ROOT/name``; both inside *root*,
        as the name has no ``..`` part.
        """
        here = [os.path.join(root, *self.name.split("/"))]
        if "/" in self.name:
            here.append(os.path.join(root, self.name.rsplit("/", 1)[1]))
        return here


def parse_projects(
    text: str, source: str
) -> tuple[list[ProjectEntry], list[errors.Finding]]:
    """The one projects.txt grammar: the projects and every problem.

    A line is a project when it is ``namespace/name`` and not a
    duplicate (parts compared in canonical form: case folded, runs of
    ``-_.`` as ``-``, so ``glance_store`` is ``glance-store``).  Every
    other line -- blank, a comment, a bare name, stray spaces, ``../x``,
    ``a/b/c`` -- is rejected with a finding.  The file must also be
    sorted by that canonical form, use ``\\n`` line endings and end with
    a newline; those findings leave the line's project in the list.
    validate-projects reports every finding; update-requirements --all
    syncs the projects and skips the :func:`rejected_lines`.
    """
    entries: list[ProjectEntry] = []
    findings: list[errors.Finding] = []
    seen: dict[str, int] = {}
    previous: tuple[str, int, str] | None = None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif text:
        findings.append(errors.Finding(
            source, len(lines),
            "the file does not end with a newline; add one", "format"))
    for lineno, raw in enumerate(lines, 1):
        line = raw
        if line.endswith("\r"):
            findings.append(errors.Finding(
                source, lineno, "CRLF line ending; use '\\n'", "format"))
            line = line[:-1]
        if not line.strip():
            findings.append(errors.Finding(
                source, lineno, "blank line; remove it", "format"))
            continue
        if not _PROJECT_RE.fullmatch(line):
            findings.append(errors.Finding(
                source, lineno,
                f"expected 'namespace/name', found {line!r}; one "
                "project per line, no spaces or comments", "format"))
            continue
        namespace, _, name = line.partition("/")
        key = canonical_name(namespace) + "/" + canonical_name(name)
        if key in seen:
            findings.append(errors.Finding(
                source, lineno,
                f"{line} is already listed on line {seen[key]}; remove "
                "this line", "duplicate"))
            continue
        seen[key] = lineno
        entries.append(ProjectEntry(line, lineno))
        if previous is not None and key < previous[2]:
            findings.append(errors.Finding(
                source, lineno,
                f"{line} is out of order: it sorts before {previous[0]} "
                f"(line {previous[1]}); keep the file sorted",
                "sorted"))
        previous = (line, lineno, key)
    return entries, findings


def rejected_lines(
    entries: Sequence[ProjectEntry], findings: Sequence[errors.Finding]
) -> list[errors.Finding]:
    """The findings of the lines that are not projects (of *entries*).

    What update-requirements --all skips.  The other findings are about
    the file's form (order, line endings, the final newline) and leave
    their line's project in.
    """
    taken = {entry.lineno for entry in entries}
    return [f for f in findings if f.lineno not in taken]
