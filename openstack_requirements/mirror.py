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

"""Wheel mirror decisions: pins per interpreter, file choice, build
plans. Pure: no I/O.

Decides which pins of a constraints file apply to an interpreter (their
markers evaluated with that interpreter's environment) and which file
of an index serves a pin on an interpreter (its wheel tags, in the
interpreter's own order of preference, or else an sdist).  The pages of
an index are :mod:`openstack_requirements.simpleapi`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import email.parser
import enum
import functools

from packaging import requirements as pep508
from packaging import specifiers
from packaging import utils
from packaging import version as versions

from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import reqfile
from openstack_requirements import requirement
from openstack_requirements import simpleapi
from openstack_requirements import targets

WHEEL = ".whl"
SDIST_SUFFIXES = (".tar.gz", ".zip")


class Kind(enum.Enum):
    WHEEL = "wheel"
    SDIST = "sdist"


@dataclasses.dataclass(frozen=True, slots=True)
class Choice:
    """The file serving one pin on one interpreter, or why there is none.

    ``file`` is None when nothing fits; ``reason`` then says why (no file
    of that version; only wheels for other interpreters or platforms;
    excluded by Requires-Python).
    """

    pin: constraints.Pin
    file: simpleapi.File | None
    kind: Kind | None
    reason: str = ""


# -- pins ------------------------------------------------------------


def applicable(
    all_pins: Iterable[constraints.Pin],
    env: Mapping[str, str],
    names: Iterable[str] | None = None,
) -> list[constraints.Pin]:
    """The pins whose markers hold in *env*, one per name.

    :param names: when given, only pins of these names (any spelling).
    """
    wanted = (
        None if names is None
        else {requirement.canonical_name(n) for n in names}
    )
    chosen: dict[str, constraints.Pin] = {}
    for pin in all_pins:
        if wanted is not None and pin.canonical not in wanted:
            continue
        if pin.marker:
            marker = requirement.parse(
                f"{pin.name}; {pin.marker}").marker_obj
            assert marker is not None
            if not marker.evaluate(dict(env)):
                continue
        chosen.setdefault(pin.canonical, pin)
    return list(chosen.values())


Wanted = tuple[str, tuple[str, ...]]  # (canonical name, extras)


def _extras(extras: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({requirement.canonical_name(e) for e in extras}))


def roots(
    doc: reqfile.RequirementsFile, env: Mapping[str, str]
) -> list[Wanted]:
    """What a requirements file (``-r``) asks for in *env*.

    Lines whose marker is false in *env* ask for nothing.
    """
    doc.require_valid()
    wanted = []
    for line in doc.requirements():
        req = line.req
        if req is None:
            continue
        marker = req.marker_obj
        if marker is not None and not marker.evaluate(dict(env)):
            continue
        wanted.append((req.canonical, _extras(req.extras)))
    return wanted


def dependencies(
    metadata: str, env: Mapping[str, str], extras: Iterable[str] = ()
) -> list[Wanted]:
    """The ``Requires-Dist`` of core metadata that hold in *env*.

    A dependency of an extra counts when that extra is in *extras*.
    Malformed lines are skipped, as pip skips them.
    """
    return [(requirement.canonical_name(req.name), _extras(req.extras))
            for req in requires(metadata, env, extras)]


def requires(
    metadata: str, env: Mapping[str, str], extras: Iterable[str] = ()
) -> list[pep508.Requirement]:
    """The ``Requires-Dist`` requirements of *metadata* that hold in *env*."""
    msg = email.parser.HeaderParser().parsestr(metadata)
    found = []
    for text in msg.get_all("Requires-Dist") or ():
        try:
            req = pep508.Requirement(str(text))
        except pep508.InvalidRequirement:
            continue
        if req.marker is not None and not any(
                req.marker.evaluate(dict(env, extra=extra))
                for extra in ("", *extras)):
            continue
        found.append(req)
    return found


# -- filenames -------------------------------------------------------


def file_kind(filename: str) -> Kind | None:
    if filename.endswith(WHEEL):
        return Kind.WHEEL
    if filename.endswith(SDIST_SUFFIXES):
        return Kind.SDIST
    return None


def parse_filename(filename: str) -> tuple[str, str, Kind]:
    """(canonical name, version, kind) of a wheel or sdist filename.

    :raises ValueError: not a valid wheel or sdist filename; the message
        says what is expected.
    """
    kind = file_kind(filename)
    try:
        if kind is Kind.WHEEL:
            name, version, _, _ = utils.parse_wheel_filename(filename)
        elif kind is Kind.SDIST:
            stem = filename
            for suffix in SDIST_SUFFIXES:
                stem = stem.removesuffix(suffix)
            # Old sdists use "-" freely in the name: the version is the
            # part after the last dash (as pip reads them).
            raw_name, _, raw_version = stem.rpartition("-")
            if not raw_name or not raw_version:
                raise ValueError(filename)
            name = utils.canonicalize_name(raw_name)
            version = versions.Version(raw_version)
        else:
            raise ValueError(filename)
    except (utils.InvalidWheelFilename, versions.InvalidVersion,
            ValueError) as exc:
        raise ValueError(
            f"{filename!r} is not a wheel (name-version-tags.whl) or an "
            "sdist (name-version.tar.gz or .zip)"
        ) from exc
    return str(name), str(version), kind


def disagreement(filename: str, metadata: str) -> str | None:
    """Why *filename* and its core *metadata* do not agree, or None.

    The name and version a file is published under (its filename, so
    its page) must be the ones its METADATA (PKG-INFO) declares: a
    wheel renamed to another project or version is refused.
    """
    name, version, _ = parse_filename(filename)
    msg = email.parser.HeaderParser().parsestr(metadata)
    meta_name = str(msg.get("Name") or "").strip()
    meta_version = str(msg.get("Version") or "").strip()
    if not meta_name or not meta_version:
        return "its metadata has no Name or no Version"
    if requirement.canonical_name(meta_name) != name or not same_version(
            meta_version, version):
        return (f"its metadata says {meta_name} {meta_version} but the "
                f"filename says {name} {version}: a renamed file is "
                "refused")
    return None


def wheel_tags(filename: str) -> frozenset[str]:
    return frozenset(str(t) for t in utils.parse_wheel_filename(filename)[3])


def _split(filename: str) -> tuple[str, str]:
    """(name, version) as written in a filename, without validation."""
    if filename.endswith(WHEEL):
        parts = filename.split("-")
        return (parts[0], parts[1]) if len(parts) >= 5 else ("", "")
    stem = filename
    for suffix in SDIST_SUFFIXES:
        stem = stem.removesuffix(suffix)
    name, _, version = stem.rpartition("-")
    return name, version


@functools.lru_cache(maxsize=8192)
def same_version(a: str, b: str) -> bool:
    """``===`` compares text, but filenames normalise the version."""
    if a == b:
        return True
    try:
        return versions.Version(a) == versions.Version(b)
    except versions.InvalidVersion:
        return False


def python_allows(requires_python: str | None, version: str) -> bool:
    """Whether *requires_python* admits interpreter *version* (X.Y.Z)."""
    if not requires_python:
        return True
    try:
        spec = specifiers.SpecifierSet(requires_python)
    except specifiers.InvalidSpecifier:
        return True  # pip ignores a malformed Requires-Python too
    return spec.contains(version, prereleases=True)


def requires_python(metadata: str) -> str | None:
    """``Requires-Python`` of core metadata text (METADATA, PKG-INFO)."""
    msg = email.parser.HeaderParser().parsestr(metadata)
    value = msg.get("Requires-Python")
    return str(value).strip() if value else None


# -- choosing a file -------------------------------------------------


def choose(
    pin: constraints.Pin,
    files: Sequence[simpleapi.File],
    interpreter: targets.Interpreter,
) -> Choice:
    """The file that serves *pin* on *interpreter*, as pip would pick.

    The wheel whose best tag comes earliest in the interpreter's tag
    list wins; without a compatible wheel an sdist serves (it can be
    built).  Files that Requires-Python excludes do not count.  Yanked
    files count: PEP 592 lets an exact pin install a yanked release.
    """
    full_version = interpreter.env.get(
        "python_full_version", interpreter.python_version)
    priority = {tag: i for i, tag in enumerate(interpreter.tags)}
    best: tuple[int, simpleapi.File] | None = None
    sdist: simpleapi.File | None = None
    other_tags: set[str] = set()
    excluded = []
    versioned = 0
    for f in files:
        # A cheap look at the filename first: big projects list
        # thousands of files, and only a few are of the pinned release.
        raw_name, raw_version = _split(f.filename)
        if requirement.canonical_name(raw_name) != pin.canonical or (
                not same_version(raw_version, pin.version)):
            continue
        try:
            name, version, kind = parse_filename(f.filename)
        except ValueError:
            continue
        if name != pin.canonical or not same_version(version, pin.version):
            continue
        versioned += 1
        if not python_allows(f.requires_python, full_version):
            excluded.append(f"{f.filename} (Requires-Python "
                            f"{f.requires_python})")
            continue
        if kind is Kind.SDIST:
            sdist = sdist or f
            continue
        tags = wheel_tags(f.filename)
        ranks = [priority[t] for t in tags if t in priority]
        if not ranks:
            other_tags.update(tags)
            continue
        rank = min(ranks)
        if best is None or rank < best[0]:
            best = (rank, f)
    if best is not None:
        return Choice(pin, best[1], Kind.WHEEL)
    if sdist is not None:
        return Choice(pin, sdist, Kind.SDIST)
    if not versioned:
        return Choice(pin, None, None,
                      f"no file of version {pin.version}")
    reasons = []
    if other_tags:
        shown = ", ".join(sorted(other_tags)[:6])
        more = len(other_tags) - 6
        reasons.append(
            "only wheels for incompatible tags (" + shown
            + (f", and {more} more" if more > 0 else "") + ")")
    if excluded:
        reasons.append("excluded by Requires-Python: "
                       + ", ".join(excluded[:3]))
    return Choice(pin, None, None, "; ".join(reasons) + " and no sdist")


def compatible_wheels(
    pin: constraints.Pin,
    files: Iterable[simpleapi.File],
    interpreter: targets.Interpreter,
) -> list[simpleapi.File]:
    """Wheels among *files* that install *pin* on *interpreter*."""
    wheels = [f for f in files if file_kind(f.filename) is Kind.WHEEL]
    choice = choose(pin, wheels, interpreter)
    return [choice.file] if choice.file is not None else []


def finding(choice: Choice, interpreter: targets.Interpreter,
            where: str) -> errors.Finding:
    pin = choice.pin
    return errors.Finding(
        pin.source, pin.lineno,
        f"{pin} has no installable file on {where} for "
        f"{interpreter.label}: {choice.reason}",
        "missing",
    )


# -- planning a build ------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Job:
    """One pinned release and the interpreters that need a file of it."""

    pin: constraints.Pin
    interpreters: tuple[targets.Interpreter, ...]


def jobs_for(
    needs: Iterable[tuple[constraints.Pin, targets.Interpreter]],
) -> list[Job]:
    """Group (pin, interpreter) needs into one job per release.

    A release pinned for several interpreters is one job, so that a
    universal wheel is fetched once and a build is not run twice.
    """
    order: dict[tuple[str, str], constraints.Pin] = {}
    who: dict[tuple[str, str], list[targets.Interpreter]] = {}
    for pin, interpreter in needs:
        key = (pin.canonical, pin.version)
        order.setdefault(key, pin)
        who.setdefault(key, []).append(interpreter)
    return [Job(pin, tuple(who[key])) for key, pin in order.items()]


def plan(
    all_pins: Sequence[constraints.Pin],
    interpreters: Sequence[targets.Interpreter],
) -> list[Job]:
    """Every pin that applies to each interpreter, as jobs."""
    return jobs_for((pin, interpreter) for interpreter in interpreters
                    for pin in applicable(all_pins, interpreter.env))


def error_lines(output: str, limit: int = 15) -> list[str]:
    """The lines of a failed build worth showing.

    Lines that mention an error, a failure or its cause, else the last
    *limit* lines.
    """
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    errs = [line for line in lines
            if any(w in line.lower() for w in ("error", "failed", "cause"))]
    chosen = errs or lines
    return chosen[-limit:]


# -- checking an index -----------------------------------------------


def check(
    all_pins: Sequence[constraints.Pin],
    interpreters: Sequence[targets.Interpreter],
    pages: Mapping[str, Sequence[simpleapi.File] | None],
    where: str,
) -> tuple[list[errors.Finding], list[simpleapi.File]]:
    """Pins with no installable file, and the files that serve the rest.

    :param pages: project pages by canonical name; None for a project
        the index does not have.
    """
    findings = []
    chosen: dict[str, simpleapi.File] = {}
    for interpreter in interpreters:
        for pin in applicable(all_pins, interpreter.env):
            files = pages.get(pin.canonical)
            if files is None:
                choice = Choice(pin, None, None,
                                f"no project {pin.canonical!r} on it")
            else:
                choice = choose(pin, files, interpreter)
            if choice.file is None:
                findings.append(finding(choice, interpreter, where))
            else:
                chosen.setdefault(choice.file.url, choice.file)
    findings.sort(key=lambda f: (f.lineno or 0, f.message))
    return findings, list(chosen.values())


# -- installability --------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Unserved:
    """A dependency the index cannot satisfy, and who needs it."""

    chain: tuple[str, ...]  # "pin===1.0", ..., the requirement itself
    reason: str


def unserved(
    all_pins: Sequence[constraints.Pin],
    interpreter: targets.Interpreter,
    pages: Mapping[str, Sequence[simpleapi.File] | None],
    metadata: Callable[[simpleapi.File], str | None],
) -> tuple[list[Unserved], set[str]]:
    """Every dependency of the served pins that the index cannot serve.

    Walks the ``Requires-Dist`` of each served file (markers evaluated
    for *interpreter*): a pinned dependency must be pinned within its
    specifier; an unpinned one (setuptools for pbr, certifi for
    requests) needs a version on the index that fits and has a file
    for the interpreter.  Each is reported once with the shortest chain
    from a pin that nothing else needs.

    :param pages: project pages by canonical name (None: not there).
    :param metadata: the core metadata of a file (None: unknown, its
        dependencies are not followed).
    :returns: what is unserved, and the names of projects whose pages
        were needed but not in *pages* (fetch them and call again).
    """
    pinned = {p.canonical: p for p in applicable(all_pins, interpreter.env)}
    Node = tuple[str, str]  # (canonical name, version)
    served: dict[Node, simpleapi.File] = {}
    for pin in pinned.values():
        choice = choose(pin, pages.get(pin.canonical) or (), interpreter)
        if choice.file is not None:
            served[(pin.canonical, pin.version)] = choice.file
    edges: dict[Node, list[tuple[pep508.Requirement, Node | None, str]]] = {}
    need_pages: set[str] = set()
    todo = list(served)
    while todo:
        node = todo.pop()
        if node in edges:
            continue
        text = metadata(served[node])
        edges[node] = []
        for req in requires(text or "", interpreter.env):
            dep = requirement.canonical_name(req.name)
            pinned_dep = pinned.get(dep)
            if pinned_dep is not None:
                target: Node | None = (dep, pinned_dep.version)
                why = ""
                if not req.specifier.contains(pinned_dep.version,
                                              prereleases=True):
                    target, why = None, (f"pinned at {pinned_dep.version}, "
                                         f"outside {req.specifier}")
                elif target not in served:
                    target = None  # reported as a missing pin already
                    continue
            elif dep not in pages:
                need_pages.add(dep)
                continue
            else:
                target, why = _best(dep, req, pages[dep], interpreter)
                if target is not None and target not in served:
                    served[target] = _chosen(target, pages[dep],
                                             interpreter)
            edges[node].append((req, target, why))
            if target is not None:
                todo.append(target)
    if need_pages:
        return [], need_pages
    # Chains from the pins nothing needs, breadth first.
    needed = {t for links in edges.values() for _, t, _ in links if t}
    starts = [n for n in served if n in edges and n not in needed
              and n[0] in pinned] + [n for n in served if n in edges]
    parent: dict[Node, Node | None] = {}
    for start in starts:
        if start in parent:
            continue
        parent[start] = None
        queue = [start]
        while queue:
            node = queue.pop(0)
            for _, target, _ in edges.get(node, ()):
                if target is not None and target not in parent:
                    parent[target] = node
                    queue.append(target)

    def chain(node: Node) -> tuple[str, ...]:
        path: list[str] = []
        at: Node | None = node
        while at is not None:
            path.append(f"{at[0]}==={at[1]}")
            at = parent.get(at)
        return tuple(reversed(path))

    found: dict[tuple[str, str], Unserved] = {}
    for node in sorted(edges):
        for req, target, why in edges[node]:
            if target is None:
                key = (requirement.canonical_name(req.name), why)
                new = Unserved(chain(node) + (str(req),), why)
                old = found.get(key)
                if old is None or len(new.chain) < len(old.chain):
                    found[key] = new
    return sorted(found.values(), key=lambda u: u.chain[-1]), set()


def _files_by_version(
    name: str, files: Sequence[simpleapi.File] | None
) -> dict[str, list[simpleapi.File]]:
    by_version: dict[str, list[simpleapi.File]] = {}
    for f in files or ():
        try:
            file_name, file_version, _ = parse_filename(f.filename)
        except ValueError:
            continue
        if file_name == name:
            by_version.setdefault(file_version, []).append(f)
    return by_version


def _best(
    name: str, req: pep508.Requirement,
    files: Sequence[simpleapi.File] | None,
    interpreter: targets.Interpreter,
) -> tuple[tuple[str, str] | None, str]:
    """The newest version of unpinned *name* that serves *req*."""
    if files is None:
        return None, f"not pinned, and no project {name!r} on the index"
    by_version = _files_by_version(name, files)
    fitting = sorted((v for v in by_version
                      if req.specifier.contains(v, prereleases=True)),
                     key=versions.Version, reverse=True)
    for version in fitting:
        pin = constraints.Pin(name, version)
        if choose(pin, by_version[version], interpreter).file is not None:
            return (name, version), ""
    return None, (f"not pinned, and no version on the index fits "
                  f"{req.specifier or 'it'} for {interpreter.label}")


def _chosen(node: tuple[str, str], files: Sequence[simpleapi.File] | None,
            interpreter: targets.Interpreter) -> simpleapi.File:
    choice = choose(constraints.Pin(*node), files or (), interpreter)
    assert choice.file is not None
    return choice.file


# -- coverage ----------------------------------------------------------


def coverage(
    all_pins: Sequence[constraints.Pin],
    interpreters: Sequence[targets.Interpreter],
    pages: Mapping[str, Sequence[simpleapi.File] | None],
) -> dict[str, object]:
    """How the index serves the pins, per target, and its size by project.

    Per interpreter (Python version, platform): how many pins are served
    by a wheel, by an sdist only, or not at all (with their names).
    Sizes are those the pages give (PEP 700 ``size``); a file without
    one counts 0 and is counted in ``unsized``.
    """
    targets_report = []
    for interpreter in interpreters:
        counts = {"wheel": 0, "sdist": 0, "missing": 0}
        missing = []
        for pin in applicable(all_pins, interpreter.env):
            choice = choose(pin, pages.get(pin.canonical) or (), interpreter)
            if choice.kind is None:
                counts["missing"] += 1
                missing.append(str(pin))
            else:
                counts[choice.kind.value] += 1
        targets_report.append({
            "python": interpreter.python_version,
            "platform": interpreter.platform,
            "interpreter": interpreter.label,
            **counts, "not-served": missing,
        })
    sizes: dict[str, int] = {}
    unsized = 0
    for name, files in pages.items():
        for f in files or ():
            if f.size is None:
                unsized += 1
            sizes[name] = sizes.get(name, 0) + (f.size or 0)
    return {"targets": targets_report,
            "size": sum(sizes.values()), "unsized-files": unsized,
            "projects": dict(sorted(sizes.items(),
                                    key=lambda kv: (-kv[1], kv[0])))}


def render_coverage(report: Mapping[str, object], top: int = 10) -> str:
    """The text form of :func:`coverage`."""
    lines = []
    for t in report["targets"]:  # type: ignore[attr-defined]
        lines.append(f"{t['interpreter']} on {t['platform']}: "
                     f"{t['wheel']} pins as wheels, {t['sdist']} as sdists "
                     f"only, {t['missing']} not served")
    projects: dict[str, int] = report["projects"]  # type: ignore[assignment]
    lines.append(f"size: {int(str(report['size'])) / 1e6:.1f} MB in "
                 f"{len(projects)} projects; largest:")
    for name, size in list(projects.items())[:top]:
        lines.append(f"  {name}: {size / 1e6:.1f} MB")
    return "\n".join(lines) + "\n"


# -- removal and pruning -----------------------------------------------


def selected(spec: str, by_name: Mapping[str, Sequence[str]]) -> list[str]:
    """The files of the mirror that *spec* names.

    *spec* is a project (``NAME``: all its files), a release
    (``NAME===VERSION``) or one filename.

    :param by_name: the mirror's filenames by canonical name.
    :raises ValueError: *spec* names nothing in the mirror (the message
        says so).
    """
    spec = spec.strip()
    if file_kind(spec) is not None:
        found = [f for files in by_name.values() for f in files
                 if f == spec]
    else:
        name, _, version = spec.partition("===")
        canonical = requirement.canonical_name(name.strip())
        found = [f for f in by_name.get(canonical, ())
                 if not version or same_version(parse_filename(f)[1],
                                                version.strip())]
    if not found:
        raise ValueError(f"{spec!r} names nothing in the mirror (give a "
                         "project, NAME===VERSION or a filename)")
    return sorted(found)


def _version_key(version: str) -> tuple[int, versions.Version | str]:
    try:
        return (1, versions.Version(version))
    except versions.InvalidVersion:
        return (0, version)  # an unparsable version is the oldest


def prunable(
    by_name: Mapping[str, Sequence[str]],
    pinned: Mapping[str, Iterable[str]],
    dates: Mapping[str, str],
    keep_last: int = 0,
    newer_than: str | None = None,
) -> list[str]:
    """The files of the versions a prune removes.

    A version is kept when a pin names it (any marker: the mirror may
    serve other interpreters), when it is one of the *keep_last* highest
    versions of its project, or when its date is *newer_than* (or
    equal).  Everything else goes, projects nothing pins included.

    :param by_name: the mirror's filenames by canonical name.
    :param pinned: pinned versions by canonical name.
    :param dates: a date (ISO 8601, UTC) per filename: a version's date
        is its newest file's.
    """
    doomed = []
    for name, files in by_name.items():
        by_version: dict[str, list[str]] = {}
        for f in files:
            by_version.setdefault(parse_filename(f)[1], []).append(f)
        keep = {v for v in by_version
                if any(same_version(v, p) for p in pinned.get(name, ()))}
        newest = sorted(by_version, key=_version_key, reverse=True)
        keep.update(newest[:max(keep_last, 0)])
        if newer_than:
            keep.update(v for v, fs in by_version.items()
                        if max(dates.get(f, "") for f in fs) >= newer_than)
        doomed += [f for v, fs in by_version.items() if v not in keep
                   for f in fs]
    return sorted(doomed)
