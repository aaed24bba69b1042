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

"""Freezes -> upper constraints: parse, combine into markers, headers,
diff. Pure: no I/O.

A *freeze* is what one interpreter ended up with after installing the
global list (``name==version`` lines).  ``combine`` merges the freezes of
several interpreters into ``name===version`` lines, adding
``python_version`` markers only where the interpreters disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import enum
import hashlib
import re

from packaging import markers
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import errors
from openstack_requirements import policy
from openstack_requirements import reqfile
from openstack_requirements import requirement
from openstack_requirements import targets

#: The warning the reference puts on top of upper-constraints.txt.
SECURITY_WARNING = (
    "# WARNING: OpenStack makes no security guarantees about third-party\n"
    "# dependencies listed here, and does not keep track of any\n"
    "# vulnerabilities they contain. Versions of these dependencies are\n"
    "# frozen at each coordinated release in order to stabilize upstream\n"
    "# testing, and can contain known vulnerabilities. Consumers are\n"
    "# *STRONGLY* encouraged to rely on curated distributions of OpenStack\n"
    "# or manage security patching of dependencies themselves.\n"
)

#: Installer tooling.  ``pip freeze`` hides these (all of them before
#: Python 3.12, pip itself after), uv's freeze lists them, and the
#: reference file never pins them; leaving them out everywhere keeps the
#: two installers and every interpreter version in agreement.
INSTALLER_TOOLING = frozenset({"pip", "setuptools", "wheel", "distribute"})

_FREEZE_RE = re.compile(
    rf"^(?P<name>{requirement.NAME_PATTERN})\s*"
    r"===?\s*(?P<version>[^\s;#]+)\s*$"
)
_PY_VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+$")
#: A platform as freezes of several platforms need it: ``sys.platform``
#: and ``platform.machine()``, the marker values they are told apart by.
_PLATFORM_RE = re.compile(r"^[A-Za-z0-9_.+-]+ [A-Za-z0-9_.+-]+$")


class Order(enum.Enum):
    """How the lines of a generated file are ordered."""

    #: By the SHA-1 of the name as written, like the reference: similar
    #: names (all of oslo.*) end up far apart, so the patches of a batch
    #: release each touch a different part of the file and do not
    #: conflict.
    HASH = "hash"
    #: By canonical name: easy to read.
    NAME = "name"


@dataclasses.dataclass(frozen=True, slots=True)
class File:
    """One artifact of a pinned release: its URL and SHA-256."""

    url: str
    sha256: str
    kind: str = "wheel"  # or "sdist"

    def as_dict(self) -> dict[str, str]:
        return {"url": self.url, "sha256": self.sha256, "kind": self.kind}


@dataclasses.dataclass(frozen=True, slots=True)
class Pin:
    """One pinned distribution: its name as written and its version.

    A pin read from a constraints file (:func:`pins`) also carries its
    marker and where it stands (``source``, ``lineno``); a pin from a
    freeze (one installed distribution) has none, but may carry what
    the install knew about it: its ``Requires-Dist`` lines
    (``requires``) and the files of the release (``files``, from a
    lock step).  Neither counts in comparisons: a pin is its name and
    version.
    """

    name: str
    version: str
    marker: str = ""
    source: str = ""
    lineno: int = 0
    requires: tuple[str, ...] = dataclasses.field(default=(), compare=False)
    files: tuple[File, ...] = dataclasses.field(default=(), compare=False)

    @property
    def canonical(self) -> str:
        return requirement.canonical_name(self.name)

    def __str__(self) -> str:
        return f"{self.name}==={self.version}"


def pins(
    doc: reqfile.RequirementsFile, strict: bool = True
) -> list[Pin]:
    """Every ``name===version[;marker]`` pin of a constraints file.

    :param strict: a line that is not such a pin is an error (a mirror
        is built from exact pins only); otherwise it is skipped.
    :raises ParseError: an invalid line; with *strict*, a line that is
        not such a pin (with its line).
    """
    doc.require_valid()
    found = []
    for line in doc.lines:
        if line.kind is reqfile.Kind.BLANK or line.kind is (
            reqfile.Kind.COMMENT
        ):
            continue
        version = policy.pin(line)
        req = line.req
        if version is None or req is None or req.url:
            if not strict:
                continue
            raise errors.ParseError(
                doc.source, line.lineno, line.raw,
                "expected 'name===version[;marker]'; a mirror is built "
                "from exact pins only",
            )
        found.append(Pin(req.name, version, req.marker, doc.source,
                         line.lineno))
    return found


def versions_by_name(
    doc: reqfile.RequirementsFile | None,
) -> dict[str, tuple[str, ...]]:
    """Canonical name -> the versions *doc* pins, each once, in order.

    Lines that are not ``name===version`` pins are skipped; no document
    pins nothing.

    :raises ParseError: an invalid line.
    """
    found: dict[str, dict[str, None]] = {}
    for pin in pins(doc, strict=False) if doc is not None else ():
        found.setdefault(pin.canonical, {})[pin.version] = None
    return {name: tuple(versions) for name, versions in found.items()}


@dataclasses.dataclass(frozen=True, slots=True)
class Freeze:
    """What one interpreter (or one resolve for a Python version) got.

    ``python_version`` is the ``major.minor`` marker value; the other
    fields describe how the pins were made and go into the header and
    the JSON artifact.
    """

    python_version: str
    pins: tuple[Pin, ...]
    python_full: str = ""
    platform: str = ""
    installer: str = ""
    method: str = "install"
    copied_from: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "python_version": self.python_version,
            "python_full": self.python_full,
            "platform": self.platform,
            "installer": self.installer,
            "method": self.method,
            "copied_from": self.copied_from,
            "pins": {pin.name: pin.version for pin in self.pins},
            # Additive: an artifact without them still loads.
            **({"requires": {pin.name: list(pin.requires)
                             for pin in self.pins}}
               if any(pin.requires for pin in self.pins) else {}),
            **({"files": {pin.name: [f.as_dict() for f in pin.files]
                          for pin in self.pins if pin.files}}
               if any(pin.files for pin in self.pins) else {}),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Constraint:
    """One line of the generated file."""

    name: str
    version: str
    marker: str = ""

    @property
    def canonical(self) -> str:
        return requirement.canonical_name(self.name)

    def render(self) -> str:
        line = f"{self.name}==={self.version}"
        return f"{line};{self.marker}" if self.marker else line


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """One difference between an old and a new constraints file."""

    kind: str  # "added", "removed", "bumped", "downgraded", "changed"
    name: str
    old: str = ""
    new: str = ""

    def __str__(self) -> str:
        if self.kind == "added":
            return f"added      {self.name} {self.new}"
        if self.kind == "removed":
            return f"removed    {self.name} {self.old}"
        return f"{self.kind:<10} {self.name} {self.old} -> {self.new}"

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True)
class Provenance:
    """How a file was made: enough to replay it.

    Nothing that would change when the pins do not: no date, command
    line or local path (those are the ``--json-report``'s ``run``).
    """

    method: str
    installer: str
    exclude_newer: str = ""
    requirements: str = ""
    blacklist: str = ""
    index: str = ""


# -- parsing ---------------------------------------------------------------


def parse_freeze(text: str, source: str = "<freeze>") -> tuple[Pin, ...]:
    """``pip freeze`` / ``uv pip freeze`` output -> pins.

    :raises ParseError: for an editable or URL install, which cannot be
        pinned by version, or a line that is not ``name==version``.
    """
    pins = []
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-e") or " @ " in line:
            raise errors.ParseError(
                source, lineno, raw,
                "an editable or URL install cannot be pinned by version; "
                "install released distributions only",
            )
        match = _FREEZE_RE.match(line)
        if match is None:
            raise errors.ParseError(
                source, lineno, raw, "expected 'name==version'"
            )
        pins.append(Pin(match["name"], match["version"]))
    return tuple(pins)


def split_universal(
    text: str,
    versions: Sequence[str],
    environment: Mapping[str, str],
    source: str = "<universal resolve>",
) -> dict[str, tuple[Pin, ...]]:
    """Split a universal resolve into pins per Python version.

    *text* has ``name==version ; marker`` lines.  Each version ``X.Y``
    is taken as ``X.Y.0``, as ``uv pip compile --python-version X.Y``
    takes it, on the platform described by
    *environment* (the other marker variables: ``sys_platform``,
    ``platform_machine``, ...).  A line is kept for a version when its
    marker holds there.

    :raises ParseError: for a line that is not ``name==version``
        optionally followed by ``; marker``, or a marker that does not
        parse.
    :raises ToolError: when two lines pin one name for one version (the
        resolve was not universal).
    """

    lines: list[tuple[int, str, Pin, markers.Marker | None]] = []
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pin_text, _, marker_text = line.partition(";")
        match = _FREEZE_RE.match(pin_text.strip())
        if match is None:
            raise errors.ParseError(source, lineno, raw,
                                    "expected 'name==version ; marker'")
        marker = None
        if marker_text.strip():
            try:
                marker = markers.Marker(marker_text.strip())
            except markers.InvalidMarker as exc:
                raise errors.ParseError(source, lineno, raw,
                                        f"bad marker: {exc}") from None
        lines.append((lineno, raw, Pin(match["name"], match["version"]),
                      marker))
    result: dict[str, tuple[Pin, ...]] = {}
    for version in versions:
        full = f"{version}.0"
        env = dict(environment, python_version=version,
                   python_full_version=full, implementation_version=full)
        seen: dict[str, str] = {}
        pins = []
        for lineno, _raw, pin, marker in lines:
            if marker is not None and not marker.evaluate(env):
                continue
            if pin.canonical in seen:
                raise errors.ToolError(
                    f"{source}:{lineno}: {pin.name} is pinned twice for "
                    f"Python {version} ({seen[pin.canonical]} and "
                    f"{pin.version})")
            seen[pin.canonical] = pin.version
            pins.append(pin)
        result[version] = tuple(pins)
    return result


def parse_version_map(entries: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``["3.11:3.12", ...]`` -> ``{"3.11": ("3.12",)}``.

    :raises InputError: for an entry that is not ``X.Y:X.Y``.
    """
    mapping: dict[str, list[str]] = {}
    for entry in entries:
        src, sep, dst = entry.partition(":")
        if not sep or not _PY_VERSION_RE.fullmatch(src) or not (
                _PY_VERSION_RE.fullmatch(dst)):
            raise errors.InputError(
                f"--version-map {entry!r}: expected SRC:DST with two "
                "major.minor versions, e.g. 3.11:3.12"
            )
        if src == dst:
            raise errors.InputError(
                f"--version-map {entry!r}: source and destination are the "
                "same version"
            )
        mapping.setdefault(src, [])
        if dst not in mapping[src]:
            mapping[src].append(dst)
    return {src: tuple(dsts) for src, dsts in mapping.items()}


# -- combining -------------------------------------------------------------


def _version_key(version: str) -> tuple[int, object, str]:

    try:
        return (0, Version(version), version)
    except InvalidVersion:  # legacy version: after every valid one
        return (1, None, version)


def clone_versions(
    freezes: Sequence[Freeze], version_map: Mapping[str, Sequence[str]]
) -> tuple[Freeze, ...]:
    """Add a copy of SRC's freeze for each DST of *version_map*.

    Per platform: each platform's SRC freeze is copied to that
    platform's DST; a platform with no SRC freeze gets no copy.  A DST
    that has its own freeze (on that platform) keeps it.  A SRC no
    freeze provides is an error: the map would silently do nothing.

    :raises InputError: a SRC no freeze provides.
    """
    have = {(freeze.python_version, freeze.platform): freeze
            for freeze in freezes}
    versions = {freeze.python_version for freeze in freezes}
    platforms = sorted({freeze.platform for freeze in freezes})
    result = list(freezes)
    for src in version_map:
        if src not in versions:
            raise errors.InputError(
                f"--version-map {src}:...: no interpreter for Python {src}; "
                "the interpreters are "
                f"{', '.join(sorted(versions, key=targets.python_key))}"
            )
    for src, dsts in version_map.items():
        for dst in dsts:
            for platform in platforms:
                if (src, platform) not in have or (dst, platform) in have:
                    continue
                copy = dataclasses.replace(
                    have[src, platform], python_version=dst, copied_from=src
                )
                have[dst, platform] = copy
                result.append(copy)
    return tuple(result)


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted indices -> maximal runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for index in indices:
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _marker(pythons: Sequence[str], first: int, last: int) -> str:
    if first == last:
        return f"python_version=='{pythons[first]}'"
    if first == 0:
        return f"python_version<='{pythons[last]}'"
    if last == len(pythons) - 1:
        return f"python_version>='{pythons[first]}'"
    return (f"python_version>='{pythons[first]}' and "
            f"python_version<='{pythons[last]}'")


def _where(freeze: Freeze) -> str:
    if freeze.platform:
        return (f"the freeze for Python {freeze.python_version} on "
                f"{freeze.platform!r}")
    return f"the freeze for Python {freeze.python_version}"


def check_freezes(
    freezes: Sequence[Freeze], sources: Sequence[str] | None = None
) -> list[str]:
    """Check that *freezes* can be combined; return their platforms.

    Each freeze needs a ``major.minor`` Python version, and one
    (Python version, platform) pair has one freeze.  Freezes of several
    platforms need each platform as ``"SYS_PLATFORM MACHINE"`` (what
    ``sys.platform`` and ``platform.machine()`` say, e.g. ``"linux
    x86_64"``), the values of the ``sys_platform`` and
    ``platform_machine`` markers; when all freezes share one platform
    string it may be anything (``""`` for "this machine", a
    ``--python-platform`` triple).

    :param sources: where each freeze came from (an artifact's path),
        named in the errors.
    :returns: the distinct platforms, sorted.
    :raises InputError: for any of the above.
    """
    def source(index: int) -> str | None:
        return sources[index] if sources is not None else None

    seen: dict[tuple[str, str], int] = {}
    for index, freeze in enumerate(freezes):
        if not _PY_VERSION_RE.fullmatch(freeze.python_version):
            raise errors.InputError(
                f"Python version {freeze.python_version!r} is not "
                "major.minor", source(index)
            )
        key = (freeze.python_version, freeze.platform)
        if key in seen:
            also = source(seen[key])
            if freeze.platform:
                msg = (f"two freezes for Python {freeze.python_version} on "
                       f"{freeze.platform}")
                advice = ("give one interpreter per Python version and "
                          "platform")
            else:
                msg = f"two freezes for Python {freeze.python_version}"
                advice = "give one interpreter per Python version"
            msg += f" (also {also})" if also else ""
            raise errors.InputError(f"{msg}; {advice}", source(index))
        seen[key] = index
    platforms = sorted({freeze.platform for freeze in freezes})
    if len(platforms) > 1:
        named = ", ".join(repr(p) for p in platforms if p)
        for index, freeze in enumerate(freezes):
            if not freeze.platform:
                raise errors.InputError(
                    f"{_where(freeze)} does not say its platform, the "
                    f"others are for {named}; remake it with "
                    "'generate-constraints freeze --method install' (which "
                    "records the platform) or combine it only with "
                    "freezes made on the same machine", source(index))
            if not _PLATFORM_RE.fullmatch(freeze.platform):
                raise errors.InputError(
                    f"{_where(freeze)}: the platform is not "
                    "'SYS_PLATFORM MACHINE' (such as 'linux x86_64'), "
                    "which freezes of several platforms need for their "
                    "markers; remake it with 'generate-constraints freeze "
                    "--method install' on that platform, or combine it "
                    "only with freezes for the same platform",
                    source(index))
    return platforms


def _platform_markers(platforms: Sequence[str]) -> dict[str, str]:
    """Platform -> the marker telling it from the other *platforms*.

    Only what distinguishes them: ``platform_machine`` when all share
    ``sys_platform``, ``sys_platform`` when all share the machine, both
    otherwise; nothing for a single platform.
    """
    if len(platforms) < 2:
        return {platform: "" for platform in platforms}
    parts = {platform: platform.split(" ") for platform in platforms}
    systems = {system for system, _ in parts.values()}
    machines = {machine for _, machine in parts.values()}
    result = {}
    for platform, (system, machine) in parts.items():
        terms = []
        if len(systems) > 1:
            terms.append(f"sys_platform=='{system}'")
        if len(machines) > 1:
            terms.append(f"platform_machine=='{machine}'")
        result[platform] = " and ".join(terms)
    return result


def _platform_lines(
    freezes: Sequence[Freeze], excluded: frozenset[str] | set[str]
) -> tuple[tuple[str, ...], dict[str, list[tuple[str, str]]]]:
    """One platform's freezes -> its Pythons and lines per name.

    The lines are (version, marker) per canonical name, with
    ``python_version`` markers relative to the platform's own Pythons.
    """
    pythons = sorted((f.python_version for f in freezes),
                     key=targets.python_key)
    position = {version: index for index, version in enumerate(pythons)}
    # canonical name -> version -> indices of the interpreters with it
    found: dict[str, dict[str, set[int]]] = {}
    for freeze in freezes:
        for pin in freeze.pins:
            key = pin.canonical
            if key in excluded:
                continue
            found.setdefault(key, {}).setdefault(pin.version, set()).add(
                position[freeze.python_version])
    lines: dict[str, list[tuple[str, str]]] = {}
    for key, versions in found.items():
        if len(versions) == 1:
            (version, where), = versions.items()
            if len(where) == len(pythons):
                lines[key] = [(version, "")]
                continue
        lines[key] = [
            (version, _marker(pythons, first, last))
            for version in sorted(versions, key=_version_key)
            for first, last in _runs(sorted(versions[version]))
        ]
    return tuple(pythons), lines


def combine(
    freezes: Sequence[Freeze],
    blacklist: Iterable[str] = (),
    skip: Iterable[str] = INSTALLER_TOOLING,
    spellings: Mapping[str, str] | None = None,
) -> tuple[Constraint, ...]:
    """Merge per-interpreter freezes into constraints.

    A distribution with the same version on every interpreter gets one
    unmarked line.  Otherwise each version gets a ``python_version``
    marker covering the interpreters that chose it: ``==`` for one
    interpreter, ``<=``/``>=`` for a run of consecutive interpreters that
    reaches the oldest/newest one, both for a run in the middle.  An
    interpreter that did not install the distribution at all gets no
    line.  Lines come out grouped by canonical name, versions ascending;
    use :func:`order` to sort them.

    Freezes of several platforms (see :func:`check_freezes`): each
    platform's lines are made as above, relative to its own Pythons.
    A name whose lines are the same on every platform, where every
    platform has the same Pythons, is written once, without a platform
    marker.  Otherwise every platform's lines get a platform marker
    (see :func:`_platform_markers`) conjoined, e.g.
    ``python_version=='3.12' and platform_machine=='aarch64'``; a
    platform that did not install the name gets no line.  Such a name's
    lines are ordered by version ascending, then by platform (as
    sorted strings), then as within one platform.

    :param blacklist: names to leave out (any spelling).
    :param skip: more names to leave out (installer tooling by default).
    :param spellings: canonical name -> the spelling to write, for
        freezes whose installer only reports normalised names.
    :raises InputError: see :func:`check_freezes`.
    """
    platforms = check_freezes(freezes)
    excluded = {requirement.canonical_name(name) for name in blacklist}
    excluded |= {requirement.canonical_name(name) for name in skip}
    names: dict[str, str] = {}
    for freeze in sorted(freezes, key=lambda f: (
            targets.python_key(f.python_version), f.platform)):
        for pin in freeze.pins:
            if pin.canonical not in excluded:
                names.setdefault(pin.canonical, pin.name)
    made = {
        platform: _platform_lines(
            [f for f in freezes if f.platform == platform], excluded)
        for platform in platforms
    }
    same_pythons = len({pythons for pythons, _ in made.values()}) <= 1
    markers = _platform_markers(platforms)
    spell = spellings or {}
    result: list[Constraint] = []
    for key in sorted(names):
        name = spell.get(key, names[key])
        each = [made[platform][1].get(key) for platform in platforms]
        if same_pythons and all(lines == each[0] for lines in each):
            result.extend(Constraint(name, version, marker)
                          for version, marker in each[0] or ())
            continue
        rows = []
        for index, platform in enumerate(platforms):
            for version, marker in made[platform][1].get(key) or ():
                both = " and ".join(
                    part for part in (marker, markers[platform]) if part)
                rows.append(((_version_key(version), index),
                             Constraint(name, version, both)))
        rows.sort(key=lambda row: row[0])
        result.extend(constraint for _, constraint in rows)
    return tuple(result)


def _hash_key(constraint: Constraint) -> bytes:
    # The reference hashes the text before the first '=' of the line.
    return hashlib.sha1(constraint.name.encode("utf-8")).digest()


def order(
    constraints: Iterable[Constraint], how: Order = Order.HASH
) -> list[Constraint]:
    """Sort *constraints*; stable, so a name's lines keep their order."""
    if how is Order.HASH:
        return sorted(constraints, key=_hash_key)
    return sorted(constraints, key=lambda c: c.canonical)


# -- rendering -------------------------------------------------------------


def header(provenance: Provenance, freezes: Sequence[Freeze]) -> str:
    """The security warning and a comment block saying how to replay.

    It changes only when the facts do: the same pins from the same
    inputs, interpreters and tools give the same header.
    """
    lines = [
        "# Generated by generate-constraints; do not edit by hand.",
        f"# method: {provenance.method}",
        f"# installer: {provenance.installer}",
        f"# exclude-newer: {provenance.exclude_newer or 'none'}",
        f"# index: {provenance.index or 'https://pypi.org/simple'}",
    ]
    if provenance.requirements:
        lines.append(f"# requirements: {provenance.requirements}")
    lines.append(f"# blacklist: {provenance.blacklist or 'none'}")
    on = _copied_on(freezes)
    for freeze in sorted(freezes, key=lambda f: (
            targets.python_key(f.python_version), f.platform)):
        if freeze.copied_from:
            what = (f"copy of Python {freeze.copied_from}{on(freeze)} "
                    "(--version-map)")
        else:
            what = ", ".join(part for part in (
                freeze.python_full and f"Python {freeze.python_full}",
                freeze.platform, freeze.installer) if part)
        lines.append(f"# python {freeze.python_version}: {what}")
    return SECURITY_WARNING + "".join(line + "\n" for line in lines)


def _copied_on(freezes: Sequence[Freeze]) -> Callable[[Freeze], str]:
    """`` on PLATFORM`` for a copy among *freezes* of several platforms.

    With several platforms a copy says whose freeze it copies (a copy
    is on the platform of the freeze it copies).
    """
    several = len({f.platform for f in freezes if not f.copied_from}) > 1
    return lambda freeze: f" on {freeze.platform}" if several else ""


#: A header line of :func:`header`: ``# python 3.12: Python 3.12.3,
#: linux x86_64, uv`` or ``# python 3.13: copy of Python 3.12 on linux
#: x86_64 (--version-map)``.
_HEADER_PYTHON_RE = re.compile(r"# python (\d+\.\d+): (.*)")
#: ``var op "value"`` in a marker as packaging prints it.
_MARKER_TERM_RE = re.compile(
    r'(\w+) ([<>=!~]=?=?|not in|in) "([^"]*)"')
#: Marker values that name a platform -> its ``sys_platform``.
_PLATFORM_VALUES: dict[str, dict[str, str]] = {
    "sys_platform": {},  # the value itself
    "platform_system": {"Linux": "linux", "Darwin": "darwin",
                        "Windows": "win32"},
    "os_name": {"nt": "win32"},
}


def covered(
    doc: reqfile.RequirementsFile,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The Python versions and platforms an upper-constraints file covers.

    What the file itself says: the ``# python X.Y: ...`` lines of the
    header a generation writes (one per freeze, with its platform), and
    the versions and platforms its pins' markers name (a platform only
    where a pin applies to it: ``==`` or ``in``, not ``!=``).  A file whose
    header names no Python version covers the supported ones
    (:data:`policy.PYTHON_VERSIONS`); one whose header names no
    platform covers Linux (:data:`policy.DEFAULT_PLATFORM`), where the
    upstream job generates.  Platforms are ``sys_platform`` values.
    """
    pythons: set[str] = set()
    platforms: set[str] = set()
    for line in doc.lines:
        match = _HEADER_PYTHON_RE.fullmatch(line.text.strip())
        if line.kind is reqfile.Kind.COMMENT and match:
            pythons.add(match.group(1))
            platforms.update(
                word for word in re.split(r"[\s,()]+", match.group(2))
                if policy.platform_environment(word) in policy.PLATFORMS)
    if not pythons:
        pythons.update(policy.PYTHON_VERSIONS)
    if not platforms:
        platforms.add(policy.DEFAULT_PLATFORM)
    for line in doc.requirements():
        marker = line.req.marker_obj if line.req is not None else None
        for var, op, value in _MARKER_TERM_RE.findall(str(marker or "")):
            for one in value.replace(",", " ").split():
                if var in ("python_version", "python_full_version"):
                    pythons.add(".".join(one.split(".")[:2]))
                elif var in _PLATFORM_VALUES and op in ("==", "===", "in"):
                    platforms.add(_PLATFORM_VALUES[var].get(one, one))
    return (tuple(sorted(pythons, key=_python_sort_key)),
            tuple(sorted(platforms)))


def _python_sort_key(version: str) -> tuple[int, object]:
    try:
        return 0, targets.python_key(version)
    except ValueError:
        return 1, version


def render(
    constraints: Iterable[Constraint], head: str = SECURITY_WARNING
) -> str:
    return head + "".join(c.render() + "\n" for c in constraints)


# -- a whole file ----------------------------------------------------------


def copy_notes(freezes: Sequence[Freeze]) -> list[str]:
    """A line for the user about each copy :func:`clone_versions` made."""
    on = _copied_on(freezes)
    return [f"Duplicating {freeze.copied_from} freeze to "
            f"{freeze.python_version}{on(freeze)}"
            for freeze in freezes if freeze.copied_from]


@dataclasses.dataclass(frozen=True, slots=True)
class Generated:
    """An upper-constraints file made by :func:`generate`."""

    constraints: tuple[Constraint, ...]  # in file order
    text: str
    source: str  # the file's label, for the diff

    def changes_from(self, old: reqfile.RequirementsFile) -> list[Change]:
        """What changed from the file *old* to this one (:func:`diff`)."""
        return diff(old, reqfile.parse(self.text, self.source))


def generate(
    freezes: Sequence[Freeze],
    provenance: Provenance,
    blacklist: Iterable[str] = (),
    *,
    spellings: Mapping[str, str] | None = None,
    how: Order = Order.HASH,
    source: str = "<generated>",
) -> Generated:
    """The upper-constraints file of *freezes*: header, then the lines.

    *freezes* include the copies of :func:`clone_versions`; the lines
    are :func:`combine`'s (see there for *blacklist* and *spellings*),
    in the order *how*, under the :func:`header` of *provenance*.

    :raises InputError: see :func:`check_freezes`.
    """
    lines = order(combine(freezes, blacklist, spellings=spellings), how)
    return Generated(tuple(lines), render(lines, header(provenance, freezes)),
                     source)


# -- diff ------------------------------------------------------------------


def _entries(
    doc: reqfile.RequirementsFile,
) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    names: dict[str, str] = {}
    entries: dict[str, list[tuple[str, str]]] = {}
    for line in doc.requirements():
        req = line.req
        assert req is not None
        version = req.specifier.lstrip("=<>!~ ")
        names.setdefault(req.canonical, req.name)
        entries.setdefault(req.canonical, []).append((version, req.marker))
    return names, entries


def _describe(entries: Sequence[tuple[str, str]]) -> str:
    return ", ".join(
        f"{version};{marker}" if marker else version
        for version, marker in entries
    )


def diff(
    old: reqfile.RequirementsFile, new: reqfile.RequirementsFile
) -> list[Change]:
    """What changed from *old* to *new*, by canonical name, sorted."""
    old_names, old_entries = _entries(old)
    new_names, new_entries = _entries(new)
    changes = []
    for key in sorted(set(old_entries) | set(new_entries)):
        before = sorted(old_entries.get(key, []))
        after = sorted(new_entries.get(key, []))
        name = new_names.get(key) or old_names[key]
        if not before:
            changes.append(Change("added", name, new=_describe(after)))
        elif not after:
            changes.append(Change("removed", name, old=_describe(before)))
        elif before != after:
            kind = "changed"
            if len(before) == len(after) == 1 and not (
                    before[0][1] or after[0][1]):
                up = _version_key(after[0][0]) > _version_key(before[0][0])
                kind = "bumped" if up else "downgraded"
            changes.append(Change(
                kind, name, _describe(before), _describe(after)))
    return changes
