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

"""review-requirement checks: index data -> a Report. Pure: no I/O.

Each question of the review guidelines is one check that returns a
``Check``: a status, the facts a reviewer reads, and the problems that feed
the one-line verdict.  Everything the checks need (the index data, the
central lists, the clock, the target interpreters, the Debian look-up, the
host's marker environment) comes in as arguments; the license classifier
is :mod:`openstack_requirements.licenses`.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses
import datetime
import enum
import re
import sys

from packaging.markers import InvalidMarker
from packaging.markers import Marker
from packaging.specifiers import InvalidSpecifier
from packaging.specifiers import SpecifierSet
from packaging.utils import InvalidWheelFilename
from packaging.utils import parse_wheel_filename
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import advisories as advisories_mod
from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import licenses
from openstack_requirements import policy
from openstack_requirements import releases
from openstack_requirements import reqfile
from openstack_requirements.requirement import Requirement

#: The interpreters the shipped upper-constraints are generated for
#: (OpenStack 2026.2 runtimes), used when the constraints file carries no
#: python_version markers to say so.
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
#: A project younger than this is flagged: too new to judge maintenance.
YOUNG_DAYS = 180
#: No release for this long is flagged as possibly unmaintained.
STALE_DAYS = 730


class Status(enum.Enum):
    OK = "ok"
    NOTE = "note"  # facts for the reviewer, no problem
    HUMAN = "needs a human"
    REJECT = "reject"


_RANK = {Status.OK: 0, Status.NOTE: 1, Status.HUMAN: 2, Status.REJECT: 3}


@dataclasses.dataclass(frozen=True, slots=True)
class Check:
    """The answer to one question of the review guidelines."""

    topic: str  # short key: maintained, license, python, wheels, ...
    question: str
    status: Status
    facts: tuple[str, ...]
    problems: tuple[str, ...] = ()  # short reasons for the verdict

    def as_dict(self) -> dict[str, object]:
        return {"topic": self.topic, "question": self.question,
                "status": self.status.value, "facts": list(self.facts),
                "problems": list(self.problems)}


@dataclasses.dataclass(frozen=True, slots=True)
class DistroInfo:
    """Result of looking the name up in the distribution's index."""

    status: str  # "packaged", "not packaged", "unknown"
    package: str = ""
    version: str = ""
    detail: str = ""  # what was looked for, or why it is unknown


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    """Everything a review needs besides the requirement and index data."""

    now: datetime.datetime
    pythons: tuple[str, ...] = DEFAULT_PYTHONS
    global_doc: reqfile.RequirementsFile | None = None
    upper_doc: reqfile.RequirementsFile | None = None
    distro: DistroInfo = DistroInfo("unknown", detail="not looked up")
    old_minimum: str = ""  # current minimum, for a raise
    #: The advisories of the release the review looks at; None when
    #: they were not looked up.
    advisories: tuple[advisories_mod.Advisory, ...] | None = None
    #: The release's top-level import names as its wheel lists them,
    #: and which file said so; None: no wheel read (names are guessed).
    import_names: tuple[tuple[str, ...], str] | None = None
    #: Why no wheel was read, when that went wrong ("" otherwise).
    import_names_note: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    """A review: the checks, the findings and the one-line verdict."""

    requirement: str
    name: str
    version: str  # the release the review looked at
    checks: tuple[Check, ...]
    license: str  # label for the global list's trailing comment
    global_line: str = ""  # the line for the global list, no comment

    @property
    def status(self) -> Status:
        """The worst check; NOTE counts as OK (facts, no problem)."""
        worst = Status.OK
        for check in self.checks:
            if _RANK[check.status] > _RANK[worst]:
                worst = check.status
        return Status.OK if worst is Status.NOTE else worst

    @property
    def findings(self) -> tuple[errors.Finding, ...]:
        return tuple(
            errors.Finding(self.name, None, problem, check.topic)
            for check in self.checks
            if check.status in (Status.HUMAN, Status.REJECT)
            for problem in check.problems)

    @property
    def verdict(self) -> str:
        for status, word in ((Status.REJECT, "reject"),
                             (Status.HUMAN, "needs a human")):
            problems = [p for c in self.checks if c.status is status
                        for p in c.problems]
            if problems:
                return f"{word}: " + "; ".join(problems)
        return "looks fine"

    @property
    def suggested_line(self) -> str:
        """The line for the global list, with its license comment."""
        line = self.global_line or self.requirement
        return f"{line}  # {self.license or 'LICENSE?'}"

    def as_dict(self) -> dict[str, object]:
        return {
            "requirement": self.requirement, "name": self.name,
            "version": self.version, "verdict": self.verdict,
            "status": self.status.value, "license": self.license,
            "suggested_line": self.suggested_line,
            "checks": [c.as_dict() for c in self.checks],
            "findings": [f.as_dict() for f in self.findings],
        }


# -- licenses (classified by the licenses module)


def license_status(lic: licenses.License) -> Status:
    """The review status of a license's class.

    GPL rejects; an unknown or odd license goes to a human.
    """
    kinds = licenses.LicenseClass
    return {kinds.PERMISSIVE: Status.OK,
            kinds.LGPL: Status.NOTE,
            kinds.GPL: Status.REJECT}.get(lic.kind, Status.HUMAN)


def check_license(
    project: releases.Project,
) -> tuple[Check, licenses.License]:
    kinds = licenses.LicenseClass
    lic = licenses.classify_license(project)
    facts = [f"{lic.label} (from the {lic.source})"
             if lic.kind is not kinds.UNKNOWN
             else f"{lic.label} ({lic.source})"]
    problem = {
        kinds.GPL: lic.label,
        kinds.UNKNOWN: "no license metadata",
        kinds.ODD: f"license {lic.label} is not on the known list",
    }.get(lic.kind)
    if lic.kind is kinds.LGPL:
        facts.append("LGPL is acceptable for a dependency")
    if lic.kind is kinds.ODD and "metadata disagrees" in lic.label:
        problem = f"license {lic.label}"
    return Check("license", "License compatible?", license_status(lic),
                 tuple(facts), (problem,) if problem else ()), lic


# -- maintenance


def _day(when: datetime.datetime | None) -> str:
    return when.date().isoformat() if when else "unknown date"


def check_maintained(
    project: releases.Project, now: datetime.datetime
) -> Check:
    facts: list[str] = []
    problems: list[str] = []
    latest = project.latest()
    if latest is None:
        latest = project.latest(prereleases=True)
    if latest is None:
        return Check("maintained", "Maintained?", Status.HUMAN,
                     ("no installable release: every release is yanked "
                      "or has no files",), ("no installable release",))
    when = latest.uploaded
    age = (now - when).days if when else None
    facts.append(f"latest release {latest.version} on {_day(when)}"
                 + (f" ({age} days ago)" if age is not None else ""))
    if age is not None and age > STALE_DAYS:
        problems.append(f"no release since {_day(when)}")
    cutoff = now - datetime.timedelta(days=STALE_DAYS)
    recent = [r for r in project.releases
              if r.uploaded and r.uploaded > cutoff]
    pre = sum(1 for r in recent if r.prerelease)
    facts.append(f"{len(recent) - pre} release(s) in the last two years "
                 f"(since {_day(cutoff)}), not counting {pre} "
                 f"pre-release(s); {len(project.releases)} in all, "
                 "pre-releases included")
    first = project.first_release
    if first is not None:
        facts.append(f"first release on {_day(first)}")
        young = (now - first).days
        if young < YOUNG_DAYS:
            problems.append(
                f"brand new: first release {young} days ago, "
                f"{len(project.releases)} release(s) so far")
    if project.urls:
        for label, url in project.urls:
            facts.append(f"{label}: {url}")
    else:
        problems.append("no repository or homepage declared")
    yanked = [r for r in project.releases if r.yanked]
    if yanked:
        shown = ", ".join(
            r.version + (f" ({r.yanked_reason})" if r.yanked_reason else "")
            for r in yanked[-5:])
        more = f" and {len(yanked) - 5} more" if len(yanked) > 5 else ""
        facts.append(f"yanked: {shown}{more}")
    status = Status.HUMAN if problems else Status.OK
    return Check("maintained", "Maintained?", status, tuple(facts),
                 tuple(problems))


# -- Python 3 and wheels

_PY_CLASSIFIER = re.compile(
    r"Programming Language :: Python :: (\d+)(?:\.(\d+))?( :: Only)?$")


def _classifier_versions(
    classifiers: Iterable[str],
) -> tuple[set[str], set[str]]:
    majors: set[str] = set()
    minors: set[str] = set()
    for classifier in classifiers:
        m = _PY_CLASSIFIER.match(classifier.strip())
        if not m:
            continue
        majors.add(m.group(1))
        if m.group(2) is not None:
            minors.add(f"{m.group(1)}.{m.group(2)}")
    return majors, minors


def _vkey(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def check_python(
    project: releases.Project,
    release: releases.Release | None,
    pythons: tuple[str, ...],
) -> Check:
    facts: list[str] = [f"targets: Python {', '.join(pythons)}"]
    problems: list[str] = []
    reject: list[str] = []
    requires = (release.requires_python if release else "") or (
        project.requires_python if release is None
        or release.version == project.version else "")
    majors, minors = _classifier_versions(project.classifiers)
    if requires:
        try:
            spec = SpecifierSet(requires)
        except InvalidSpecifier:
            problems.append(f"invalid Requires-Python {requires!r}")
        else:
            excluded = [p for p in pythons
                        if not spec.contains(p, prereleases=True)]
            facts.append(f"Requires-Python {requires}")
            if excluded and len(excluded) == len(pythons):
                reject.append(f"Requires-Python {requires} excludes every "
                              "target")
            elif excluded:
                problems.append(f"Requires-Python {requires} excludes "
                                f"Python {', '.join(excluded)}")
    else:
        facts.append("no Requires-Python")
    if minors:
        listed = sorted(minors, key=_vkey)
        facts.append("classifiers: Python " + ", ".join(listed))
        missing = [p for p in pythons if p not in minors]
        if missing and not (set(pythons) - set(missing)) and not requires:
            problems.append("classifiers name none of the targets "
                            f"(only Python {', '.join(listed)})")
        elif missing:
            facts.append("not in the classifiers: Python "
                         + ", ".join(missing))
    elif "3" in majors:
        facts.append("classifiers: Python 3 (no minor versions)")
    tagged = _tagged_pythons(release, pythons)
    if tagged:
        facts.append("wheels built for Python " + ", ".join(tagged))
    if not requires and not minors and not tagged and "3" in majors:
        # A bare "Python :: 3" says nothing about 3.12 (nose claims it
        # and fails to import there).
        facts.append("unknown: no Requires-Python, no version "
                     "classifiers, no version-specific wheels")
        problems.append("Python 3 support unknown: the metadata cannot "
                        f"tell whether Python {', '.join(pythons)} work")
    if not requires and "3" not in majors and not tagged:
        if majors == {"2"}:
            reject.append("Python 2 only")
        else:
            problems.append("no sign of Python 3 support (no "
                            "Requires-Python, no Python :: 3 classifier)")
    if reject:
        return Check("python", "Python 3?", Status.REJECT, tuple(facts),
                     tuple(reject))
    return Check("python", "Python 3?",
                 Status.HUMAN if problems else Status.OK,
                 tuple(facts), tuple(problems))


def _tagged_pythons(
    release: releases.Release | None, pythons: tuple[str, ...]
) -> list[str]:
    """The targets a version-specific wheel (cpXY, abi3) is built for."""
    found = []
    for python in pythons:
        nodot = python.replace(".", "")
        for filename in release.wheels if release else ():
            try:
                _, _, _, tags = parse_wheel_filename(filename)
            except InvalidWheelFilename:
                continue
            if any(t.interpreter == f"cp{nodot}" or (
                    t.abi == "abi3" and t.interpreter.startswith("cp3")
                    and _vkey("3." + t.interpreter[3:]) <= _vkey(python))
                   for t in tags):
                found.append(python)
                break
    return found


def _wheel_kind(filename: str, python: str) -> str:
    """"pure", "manylinux" or "" for a wheel on Linux x86_64 *python*."""
    try:
        _, _, _, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return ""
    nodot = python.replace(".", "")
    for tag in tags:
        if tag.platform == "any":
            if tag.interpreter in ("py3", f"py{nodot}", f"cp{nodot}"):
                return "pure"
            continue
        if not (tag.platform.startswith("manylinux")
                and tag.platform.endswith("_x86_64")):
            continue
        if tag.interpreter == f"cp{nodot}":
            return "manylinux"
        if tag.abi == "abi3" and tag.interpreter.startswith("cp3") and (
                _vkey("3." + tag.interpreter[3:]) <= _vkey(python)):
            return "manylinux"
    return ""


def check_wheels(
    release: releases.Release | None, pythons: tuple[str, ...]
) -> Check:
    if release is None:
        return Check("wheels", "Wheels?", Status.HUMAN,
                     ("no release to look at",), ("no wheels",))
    wheels = release.wheels
    others = sorted({f.packagetype for f in release.files
                     if f.packagetype != "bdist_wheel"})
    facts = [f"release {release.version}: {len(wheels)} wheel(s)"
             + (f", also {', '.join(others)}" if others else "")]
    if not wheels:
        return Check("wheels", "Wheels?", Status.HUMAN,
                     tuple(facts + ["installs build from source"]),
                     (f"no wheels for {release.version} (sdist only)",))
    per_python = {}
    for python in pythons:
        kinds = {_wheel_kind(w, python) for w in wheels} - {""}
        per_python[python] = ("pure" if "pure" in kinds else
                              "manylinux" if kinds else "")
    for python, kind in per_python.items():
        facts.append(f"Python {python}: " + (
            {"pure": "pure-Python wheel",
             "manylinux": "manylinux x86_64 wheel"}.get(kind, "no wheel")))
    missing = [p for p, kind in per_python.items() if not kind]
    if missing:
        return Check("wheels", "Wheels?", Status.HUMAN, tuple(facts),
                     ("no pure or manylinux x86_64 wheel for Python "
                      + ", ".join(missing),))
    return Check("wheels", "Wheels?", Status.OK, tuple(facts))


# -- distributions


def check_distro(distro: DistroInfo) -> Check:
    if distro.status == "packaged":
        fact = f"Debian: {distro.package} {distro.version}".rstrip()
    elif distro.status == "not packaged":
        fact = "Debian: not packaged"
    else:
        fact = "Debian: unknown"
    if distro.detail:
        fact += f" ({distro.detail})"
    return Check("distro", "Packaged in the distros?", Status.NOTE,
                 (fact,))


# -- the central lists and the specifier

# "===" before "==", ">=" before ">": the first prefix that matches wins.
_LONGEST_FIRST = tuple(sorted(policy.LOWER_BOUND_OPERATORS, key=len,
                              reverse=True))


def lower_bound(specifier: str) -> str:
    """The version of the first lower-bounding specifier, or ''."""
    for spec in specifier.split(","):
        for op in _LONGEST_FIRST:
            if spec.startswith(op):
                return spec[len(op):].strip()
    return ""


def _admitted(project: releases.Project, specifier: str) -> list[str]:
    spec = SpecifierSet(specifier)
    return [r.version for r in project.releases
            if r.parsed is not None and not r.yanked and r.has_files
            and spec.contains(r.parsed, prereleases=bool(spec.prereleases))]


def check_specifier(req: Requirement, project: releases.Project) -> Check:
    facts: list[str] = []
    problems: list[str] = []
    if req.url:
        return Check("specifier", "Sensible minimum, no caps?",
                     Status.HUMAN, (f"direct reference {req.url}",),
                     ("direct URL references are not allowed; name a "
                      "release on the index",))
    specs = req.specifiers
    facts.append("specifier: " + (req.specifier or "(none)"))
    if req.marker:
        facts.append(f"marker: {req.marker}")
    if not specs:
        # How the global list writes an entry: projects set minimums.
        facts.append("no lower bound: the global list's form; each "
                     "project sets its own minimum")
    elif not any(s.startswith(policy.LOWER_BOUND_OPERATORS)
                 for s in specs):
        problems.append("no lower bound: add >=VERSION, the oldest "
                        "release the code works with")
    for spec in specs:
        if spec.startswith(("==", "===")):
            problems.append(f"exact pin {spec}: pins belong in "
                            "upper-constraints.txt")
        elif spec.startswith(("<", "~=")):
            problems.append(f"cap {spec}: caps are only for exceptionally "
                            "unstable libraries")
    minimum = lower_bound(req.specifier)
    if minimum:
        rel = project.release(minimum)
        if rel is None:
            problems.append(f"minimum {minimum} is not a release on the "
                            "index")
        elif rel.yanked:
            problems.append(f"minimum {minimum} is yanked"
                            + (f" ({rel.yanked_reason})"
                               if rel.yanked_reason else ""))
    if req.specifier:
        admitted = _admitted(project, req.specifier)
        if not admitted:
            problems.append(f"no release satisfies {req.specifier}")
        else:
            facts.append(f"{len(admitted)} release(s) satisfy it, "
                         f"oldest {admitted[0]}, newest {admitted[-1]}")
    return Check("specifier", "Sensible minimum, no caps?",
                 Status.HUMAN if problems else Status.OK,
                 tuple(facts), tuple(problems))


def check_covered(
    req: Requirement, project: releases.Project, ctx: Context
) -> Check:
    facts: list[str] = []
    problems: list[str] = []
    status = Status.OK
    lines = (ctx.global_doc.by_name().get(req.canonical, [])
             if ctx.global_doc is not None else [])
    source = ctx.global_doc.source if ctx.global_doc else "global list"
    old_minimum = ctx.old_minimum
    if not lines:
        facts.append(f"not in {source}: a new requirement")
    for line in lines:
        assert line.req is not None
        facts.append(f"{source}:{line.lineno}: {line.text.strip()}")
        if line.req.name != req.name:
            problems.append(
                f"already in {source} (line {line.lineno}) as "
                f"{line.req.name!r}, which differs only by "
                "canonicalisation; use that spelling")
        old_minimum = old_minimum or lower_bound(line.req.specifier)
    new_minimum = lower_bound(req.specifier)
    if lines and new_minimum and not old_minimum:
        facts.append("the global list carries no minimum for it; pass "
                     "--old-minimum to list what a raise drops")
    if old_minimum and new_minimum:
        try:
            old, new = Version(old_minimum), Version(new_minimum)
        except InvalidVersion:
            old = new = Version("0")
        if new > old:
            between = [r for r in project.releases
                       if r.parsed is not None and old <= r.parsed < new
                       and not r.yanked and r.has_files]
            facts.append(
                f"raise from {old_minimum} to {new_minimum} drops "
                f"{len(between)} release(s): " + ", ".join(
                    f"{r.version} ({_day(r.uploaded)})" for r in between))
            facts.append("is each of those really impossible? the new "
                         "minimum should be the oldest that works")
            if status is Status.OK:
                status = Status.NOTE
        elif new < old:
            facts.append(f"lowers the minimum from {old_minimum} to "
                         f"{new_minimum}")
    pinned = ",".join(constraints.versions_by_name(ctx.upper_doc).get(
        req.canonical, ()))
    if pinned:
        upper = ctx.upper_doc.source if ctx.upper_doc else "constraints"
        facts.append(f"{upper} pins {pinned}")
        if req.specifier:
            spec = SpecifierSet(req.specifier)
            bad = [v for v in pinned.split(",")
                   if not spec.contains(v, prereleases=True)]
            if bad:
                problems.append(
                    f"{upper} pins {', '.join(bad)}, which "
                    f"{req.specifier} excludes; move the pin first "
                    "(edit-constraints)")
    elif ctx.upper_doc is not None:
        facts.append(f"not pinned in {ctx.upper_doc.source}: add a pin "
                     "with the new requirement")
    if problems:
        status = Status.HUMAN
    return Check("covered", "Already covered?", status, tuple(facts),
                 tuple(problems))


# -- security and duplicates


def check_security(
    found: tuple[advisories_mod.Advisory, ...] | None, version: str
) -> Check:
    """Advisories of the release pip would install: unfixed is a reject."""
    question = "Known vulnerabilities?"
    if found is None:
        return Check("security", question, Status.NOTE,
                     ("advisories not looked up",))
    if not found:
        return Check("security", question, Status.OK,
                     (f"no known advisories for {version}",))
    facts = tuple(
        f"{a.id}" + (f" ({', '.join(a.aliases)})" if a.aliases else "")
        + (f": fixed in {', '.join(a.fixed_in)}" if a.fixed_in
           else ": no fixed release") + (f" {a.link}" if a.link else "")
        for a in found)
    ids = ", ".join(a.id + (f" ({', '.join(a.aliases)})" if a.aliases
                            else "") for a in found)
    return Check("security", question, Status.REJECT, facts,
                 (f"unfixed advisories in {version}: {ids}",))


#: Distributions whose job the standard library does (name -> module).
STDLIB_OVERLAPS = {
    "simplejson": "json", "mock": "unittest.mock", "enum34": "enum",
    "futures": "concurrent.futures", "pathlib2": "pathlib",
    "pathlib": "pathlib", "typing": "typing", "argparse": "argparse",
    "ordereddict": "collections.OrderedDict", "contextlib2": "contextlib",
    "importlib-metadata": "importlib.metadata",
    "importlib-resources": "importlib.resources",
    "dataclasses": "dataclasses", "backports-zoneinfo": "zoneinfo",
    "tomli": "tomllib (Python 3.11+)", "ipaddress": "ipaddress",
    "configparser": "configparser", "subprocess32": "subprocess",
    "trollius": "asyncio", "unittest2": "unittest",
    "funcsigs": "inspect.signature", "uuid": "uuid",
    "singledispatch": "functools.singledispatch",
}
#: Drop-in replacements: distribution -> the one it replaces.
DROP_INS = {
    "niquests": "requests", "pycryptodome": "pycrypto",
    "pycrypto": "pycryptodome", "python-jose": "jwcrypto",
    "ujson": "simplejson", "orjson": "simplejson",
}


def import_names(name: str) -> set[str]:
    """The module names a distribution is likely imported as.

    From the name alone (``python-dateutil`` -> ``dateutil``): the guess
    for entries whose wheel was not read (see :func:`top_level_names`).
    """
    base = name.lower().replace("-", "_").replace(".", "_")
    found = {base}
    for prefix in ("python_", "py_"):
        if base.startswith(prefix) and len(base) > len(prefix):
            found.add(base[len(prefix):])
    return found


_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def top_level_names(
    members: Iterable[str], top_level_txt: str | None
) -> tuple[str, ...]:
    """The top-level import names of a wheel, sorted.

    *top_level_txt*: the text of ``*.dist-info/top_level.txt`` (setuptools
    writes it); without it, the wheel's member paths (its RECORD): each
    first path part that is a package directory or a module file
    (``six.py``, ``_cffi_backend.cpython-312-x86_64-linux-gnu.so``),
    leaving out ``*.dist-info``, ``*.data`` and ``__pycache__``.
    """
    if top_level_txt is not None:
        found = {line.strip().split("/")[0]
                 for line in top_level_txt.splitlines() if line.strip()}
        return tuple(sorted(n for n in found if _MODULE.fullmatch(n)))
    names = set()
    for member in members:
        first, slash, _ = member.partition("/")
        if first.endswith((".dist-info", ".data")) or first == (
                "__pycache__"):
            continue
        if not slash:
            if not first.endswith((".py", ".so", ".pyd", ".pyc")):
                continue  # a stray file at the top, not a module
            first = first.split(".")[0]
        if _MODULE.fullmatch(first):
            names.add(first)
    return tuple(sorted(names))


def _stdlib_modules() -> frozenset[str]:
    return frozenset(getattr(sys, "stdlib_module_names", ()))


def check_duplicates(req: Requirement, ctx: Context) -> Check:
    """Same job as the standard library or an entry already listed.

    The candidate's import names come from its wheel when it was read
    (:attr:`Context.import_names`), else from its name; the listed
    entries' from their names.
    """
    question = "Duplicates something?"
    problems: list[str] = []
    facts: list[str] = []
    overlap = STDLIB_OVERLAPS.get(req.canonical)
    if overlap:
        problems.append(f"overlaps the standard library's {overlap}; use "
                        "it instead")
    listed = ctx.global_doc.by_name() if ctx.global_doc else {}
    source = ctx.global_doc.source if ctx.global_doc else ""
    replaced = DROP_INS.get(req.canonical)
    if replaced and replaced in listed:
        line = listed[replaced][0]
        problems.append(f"a drop-in replacement for {line.name}, already "
                        f"in {source} (line {line.lineno})")
    if ctx.import_names is not None:
        shipped, said_by = ctx.import_names
        mine = {n.lower() for n in shipped}
        facts.append(f"imported as {', '.join(shipped) or 'nothing'} "
                     f"({said_by})")
        stdlib = _stdlib_modules()
        shadowed = sorted(n for n in shipped if n in stdlib)
        if shadowed and not overlap:
            problems.append(
                f"ships top-level {', '.join(shadowed)}, a standard-library "
                "module name: it shadows or backports the standard "
                "library; use the standard library instead")
        how = "the wheel's names against the listed entries' names"
    else:
        mine = import_names(req.name)
        how = "guessed from the names"
        if ctx.import_names_note:
            facts.append(ctx.import_names_note)
    for canonical, lines in listed.items():
        if canonical == req.canonical or not lines[0].req:
            continue
        same = mine & import_names(lines[0].req.name)
        if same:
            problems.append(
                f"imported as {', '.join(sorted(same))} like "
                f"{lines[0].req.name}, already in {source} (line "
                f"{lines[0].lineno})")
    if not problems:
        facts.append("no standard-library overlap, no listed entry with "
                     f"the same import name ({how})")
    return Check("duplicates", question,
                 Status.HUMAN if problems else Status.OK, tuple(facts),
                 tuple(problems))


# -- the review


def candidate(
    project: releases.Project, req: Requirement
) -> releases.Release | None:
    """The release pip would pick for *req*: newest admitted, not yanked."""
    spec = SpecifierSet(req.specifier if not req.url else "")
    for rel in reversed(project.releases):
        if (rel.parsed is None or rel.yanked or not rel.has_files
                or rel.prerelease):
            continue
        if spec.contains(rel.parsed):
            return rel
    return project.latest()


_HEADER = re.compile(r"#\s*python\s+(\d+\.\d+)\s*:")


def _marker_pythons(
    marker: str, environment: Mapping[str, str]
) -> set[str]:
    """The supported versions for which *marker* holds.

    Only for a marker that tests ``python_version``; its other variables
    come from *environment* (the command passes this machine's).
    """
    if "python_version" not in marker and (
            "python_full_version" not in marker):
        return set()
    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return set()
    found = set()
    for version in policy.PYTHON_VERSIONS:
        env = dict(environment)
        env.update(python_version=version,
                   python_full_version=version + ".0")
        try:
            if parsed.evaluate(env):
                found.add(version)
        except ValueError:  # an undefined comparison says nothing
            continue
    return found


def pythons_from(
    upper_doc: reqfile.RequirementsFile | None,
    environment: Mapping[str, str],
) -> tuple[str, ...]:
    """The interpreters an upper-constraints file was generated for.

    The ``# python X.Y: ...`` header lines generate-constraints writes
    say so exactly and win.  Otherwise each marker that tests
    ``python_version`` contributes the supported versions (3.9-3.14)
    it holds for: ``== '3.12'`` one, ``<= '3.11'`` a range.  The
    defaults when there is neither (the shipped file carries none).
    *environment* supplies a marker's other variables (``sys_platform``):
    the command passes the host's marker environment.
    """
    if upper_doc is None:
        return DEFAULT_PYTHONS
    headers: set[str] = set()
    found: set[str] = set()
    for line in upper_doc.lines:
        m = _HEADER.match(line.raw.strip())
        if m and line.req is None:
            headers.add(m.group(1))
            continue
        if line.req is None:
            continue
        found |= _marker_pythons(line.req.marker, environment)
    return (tuple(sorted(headers or found, key=_vkey))
            or DEFAULT_PYTHONS)


def review(
    req: Requirement, project: releases.Project, ctx: Context
) -> Report:
    """Answer the review guidelines' questions for *req* from *project*."""
    release = candidate(project, req)
    license_check, lic = check_license(project)
    checks = (
        check_maintained(project, ctx.now),
        license_check,
        check_python(project, release, ctx.pythons),
        check_wheels(release, ctx.pythons),
        check_distro(ctx.distro),
        check_covered(req, project, ctx),
        check_specifier(req, project),
        check_security(ctx.advisories,
                       release.version if release else ""),
        check_duplicates(req, ctx),
    )
    label = lic.label if lic.kind in (
        licenses.LicenseClass.PERMISSIVE, licenses.LicenseClass.LGPL) else ""
    return Report(req.render(), project.name or req.name,
                  release.version if release else "", checks, label,
                  global_line(req, ctx.global_doc))


def global_line(
    req: Requirement, global_doc: reqfile.RequirementsFile | None = None
) -> str:
    """*req* in the global list's dialect: exclusions and caps only.

    The global list carries no lower bounds (projects keep their own
    minimums); its specifiers say which releases must never be used.
    An entry already there keeps its spelling and its exclusions.
    """
    existing = (global_doc.by_name().get(req.canonical, [])
                if global_doc is not None else [])
    kept: list[str] = []
    name = req.name
    for line in existing:
        if line.req is not None and (line.req.marker or "") == (
                req.marker or ""):
            name = line.req.name
            kept += line.req.specifiers
    for spec in req.specifiers:
        if not spec.startswith(policy.LOWER_BOUND_OPERATORS) and (
                spec not in kept):
            kept.append(spec)
    return req.replace(name=name, specifier=",".join(kept)).render()


def render(report: Report) -> str:
    """The text report: one block per question, then the verdict."""
    out = [f"Review of {report.requirement} "
           f"({report.name} {report.version or 'no release'})", ""]
    for check in report.checks:
        out.append(f"{check.question:<28}{check.status.value}")
        out.extend(f"  {fact}" for fact in check.facts)
        out.extend(f"  ! {problem}" for problem in check.problems)
    out.append("")
    if report.license:
        out.append(f"global list line: {report.suggested_line}")
    out.append(f"verdict: {report.verdict}")
    return "\n".join(out) + "\n"
