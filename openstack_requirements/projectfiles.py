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

"""A project's requirement files, read into sections of lines (reads).

Self-contained reader for the checks (check-requirements,
check-constraints): every requirement comes back as a
:class:`reqfile.Line` numbered by its line in the file it is written in,
so a message can say ``setup.cfg:14``.  ``parse`` is pure (file texts in,
a :class:`Project` out); ``read`` and ``read_git`` fetch the texts.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
import dataclasses
import os
import re
from typing import TYPE_CHECKING

from openstack_requirements import errors
from openstack_requirements import reqfile
from openstack_requirements import requirement

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator

#: Plain requirements files, relative to the project root.
REQUIREMENT_FILES = (
    "requirements.txt",
    "test-requirements.txt",
    "doc/requirements.txt",
    "driver-requirements.txt",
    "tools/pip-requires",
    "tools/test-requires",
)
SETUP_CFG = "setup.cfg"
PYPROJECT = "pyproject.toml"
ALL_FILES = REQUIREMENT_FILES + (SETUP_CFG, PYPROJECT)

#: Section kinds.
FILE = "file"
EXTRA = "extra"  # setup.cfg [extras]
OPTIONAL = "optional"  # [project.optional-dependencies]
DEPENDENCIES = "dependencies"  # [project] dependencies
GROUP = "group"  # PEP 735 [dependency-groups]


@dataclasses.dataclass(frozen=True, slots=True)
class Section:
    """One list of requirements: a file, an extra or a dependency group."""

    source: str  # path label of the file it is written in
    kind: str
    name: str = ""  # extra or group name; "" for a whole file
    lines: tuple[reqfile.Line, ...] = ()
    #: PEP 735 ``{include-group = "x"}`` entries: (group name, lineno).
    includes: tuple[tuple[str, int], ...] = ()

    @property
    def label(self) -> str:
        if self.kind == EXTRA:
            return f"{self.source} [extras] {self.name}"
        if self.kind == OPTIONAL:
            return f"{self.source} [project.optional-dependencies] " \
                   f"{self.name}"
        if self.kind == DEPENDENCIES:
            return f"{self.source} [project] dependencies"
        if self.kind == GROUP:
            return f"{self.source} [dependency-groups] {self.name}"
        return self.source


@dataclasses.dataclass(frozen=True, slots=True)
class BuildSystem:
    """The ``[build-system]`` table of pyproject.toml."""

    lineno: int
    backend: str | None
    requires: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Project:
    root: str
    sections: tuple[Section, ...]
    #: Path label of pyproject.toml, or None when the project has none.
    pyproject: str | None = None
    build_system: BuildSystem | None = None

    def requirement_lines(self) -> Iterator[tuple[Section, reqfile.Line]]:
        for section in self.sections:
            for line in section.lines:
                yield section, line


def group_name(name: str) -> str:
    """PEP 735 normalised dependency-group name."""
    return requirement.canonical_name(name)


def _label(root: str, rel: str) -> str:
    return os.path.join(root, rel) if root else rel


def _requirements_file(text: str, source: str) -> Section:
    doc = reqfile.parse(text, source)
    lines = tuple(
        line for line in doc.lines
        if line.kind not in (reqfile.Kind.BLANK, reqfile.Kind.COMMENT)
    )
    return Section(source, FILE, "", lines)


# -- setup.cfg ------------------------------------------------------------


def _setup_cfg(text: str, source: str) -> list[Section]:
    import configparser

    # configparser validates the file as pbr will read it; its errors
    # carry line numbers.  It does not say where a value came from, so
    # the [extras] section is then scanned for line numbers.
    parser = configparser.RawConfigParser(strict=True)
    try:
        parser.read_string(text, source)
    except configparser.MissingSectionHeaderError as exc:
        raise errors.ParseError(
            source, exc.lineno, exc.line,
            "expected a [section] header first; this is not an INI file",
        ) from None
    except (configparser.DuplicateSectionError,
            configparser.DuplicateOptionError) as exc:
        raise errors.ParseError(
            source, exc.lineno or 0, "", f"{exc.message}; remove one"
        ) from None
    except configparser.ParsingError as exc:
        lineno, line = exc.errors[0]
        raise errors.ParseError(
            source, lineno, line,
            "cannot parse this line as INI; indent continuation lines",
        ) from None
    except configparser.Error as exc:
        raise errors.ParseError(source, 0, "", str(exc)) from None
    if not parser.has_section("extras"):
        return []
    sections: list[Section] = []
    current: str | None = None
    lines: list[reqfile.Line] = []
    in_extras = False

    def flush() -> None:
        if current is not None:
            sections.append(Section(source, EXTRA, current, tuple(lines)))

    for lineno, raw in enumerate(text.split("\n"), 1):
        raw = raw.rstrip("\r")
        stripped = raw.strip()
        if raw.startswith("["):
            if in_extras:
                flush()
                current, lines = None, []
            in_extras = stripped == "[extras]"
            continue
        if not in_extras or not stripped or stripped[0] in "#;":
            continue
        if raw[:1].isspace() and current is not None:
            value = stripped
        else:
            flush()
            m = re.match(r"([^=:]*)[=:](.*)$", raw)
            key, value = (m.group(1), m.group(2)) if m else (raw, "")
            current, lines = key.strip(), []
            value = value.strip()
        if value:
            lines.append(reqfile.parse_line(lineno, value, value))
    if in_extras:
        flush()
    return sections


# -- pyproject.toml -------------------------------------------------------


class _Locator:
    """Line numbers of TOML string values, found in order in the text."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")

    def header(self, *names: str) -> int:
        """Line of the first table header among *names* (1 if none)."""
        for lineno, raw in enumerate(self.lines, 1):
            stripped = raw.strip().replace(" ", "")
            if stripped in names:
                return lineno
        return 0

    def key(self, start: int, key: str) -> int:
        pattern = re.compile(
            r"^\s*(\"?)" + re.escape(key) + r"\1\s*=")
        for lineno in range(max(start, 1), len(self.lines) + 1):
            if pattern.match(self.lines[lineno - 1]):
                return lineno
        return start

    def value(self, start: int, value: str) -> int:
        needles = (f'"{value}"', f"'{value}'")
        for lineno in range(max(start, 1), len(self.lines) + 1):
            raw = self.lines[lineno - 1]
            if any(n in raw for n in needles):
                return lineno
        return start


def _toml_error(source: str, text: str, exc: Exception) -> errors.ParseError:
    lineno = int(getattr(exc, "line", 0) or 0)
    lines = text.split("\n")
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    msg = str(exc)
    msg = re.sub(r"\s*at line \d+ col \d+$", "", msg).rstrip(".")
    msg = msg.replace("Unexpected character: '\\x00'",
                      "unexpected end of file")
    return errors.ParseError(
        source, lineno, line, f"invalid TOML: {msg}; fix the syntax")


def _string_list(
    value: object, source: str, lineno: int, what: str
) -> list[str]:
    if not isinstance(value, list) or not all(
            isinstance(v, str) for v in value):
        raise errors.ParseError(
            source, lineno, "",
            f"{what} must be an array of requirement strings")
    return [str(v) for v in value]


def _pyproject(
    text: str, source: str
) -> tuple[list[Section], BuildSystem | None]:
    import tomlkit
    from tomlkit import exceptions as toml_errors

    try:
        data = tomlkit.parse(text).unwrap()
    except toml_errors.ParseError as exc:
        raise _toml_error(source, text, exc) from None
    loc = _Locator(text)
    sections: list[Section] = []

    def lines_for(values: list[str], start: int) -> tuple[reqfile.Line, ...]:
        out = []
        for value in values:
            start = loc.value(start, value)
            out.append(reqfile.parse_line(start, value, value))
        return tuple(out)

    build = None
    table = data.get("build-system")
    if table is not None:
        lineno = loc.header("[build-system]") or loc.key(1, "build-system")
        if not isinstance(table, dict):
            raise errors.ParseError(source, lineno, "",
                                    "[build-system] must be a table")
        backend = table.get("build-backend")
        if backend is not None and not isinstance(backend, str):
            raise errors.ParseError(
                source, loc.key(lineno, "build-backend"), "",
                "build-backend must be a string")
        requires = _string_list(table.get("requires", []), source, lineno,
                                "[build-system] requires")
        build = BuildSystem(lineno, backend, tuple(requires))

    project = data.get("project")
    if isinstance(project, dict):
        start = loc.header("[project]")
        deps = project.get("dependencies")
        if deps is not None:
            at = loc.key(start, "dependencies")
            values = _string_list(deps, source, at, "[project] dependencies")
            sections.append(Section(source, DEPENDENCIES, "",
                                    lines_for(values, at)))
        optional = project.get("optional-dependencies")
        if optional is not None:
            at = (loc.header("[project.optional-dependencies]")
                  or loc.key(start, "optional-dependencies"))
            if not isinstance(optional, dict):
                raise errors.ParseError(
                    source, at, "",
                    "[project.optional-dependencies] must be a table")
            for name, values in optional.items():
                key_at = loc.key(at, name)
                values = _string_list(
                    values, source, key_at,
                    f"optional-dependencies {name!r}")
                sections.append(Section(source, OPTIONAL, name,
                                        lines_for(values, key_at)))
    elif project is not None:
        raise errors.ParseError(source, loc.key(1, "project"), "",
                                "[project] must be a table")

    groups = data.get("dependency-groups")
    if groups is not None:
        at = loc.header("[dependency-groups]")
        if not isinstance(groups, dict):
            raise errors.ParseError(source, at, "",
                                    "[dependency-groups] must be a table")
        for name, values in groups.items():
            key_at = loc.key(at, name)
            if not isinstance(values, list):
                raise errors.ParseError(
                    source, key_at, "",
                    f"dependency group {name!r} must be an array")
            lines: list[reqfile.Line] = []
            includes: list[tuple[str, int]] = []
            start = key_at
            for value in values:
                if isinstance(value, str):
                    start = loc.value(start, value)
                    lines.append(reqfile.parse_line(start, value, value))
                elif (isinstance(value, dict) and list(value) ==
                        ["include-group"]
                        and isinstance(value["include-group"], str)):
                    start = loc.value(start, value["include-group"])
                    includes.append((value["include-group"], start))
                else:
                    raise errors.ParseError(
                        source, key_at, "",
                        f"dependency group {name!r}: entries must be "
                        "requirement strings or {include-group = \"name\"}"
                        " tables (PEP 735)")
            sections.append(Section(source, GROUP, name, tuple(lines),
                                    tuple(includes)))
    return sections, build


def parse(files: Mapping[str, str], root: str = "") -> Project:
    """A project from the texts of its files. Pure: no I/O.

    :param files: path relative to the project root -> text, for the
        files in :data:`ALL_FILES` that exist.
    :param root: prefix for the path labels in messages.
    :raises ParseError: a setup.cfg or pyproject.toml that is not valid
        INI or TOML, or whose requirement tables have the wrong shape.
    """
    sections: list[Section] = []
    for rel in REQUIREMENT_FILES:
        if rel in files:
            sections.append(_requirements_file(files[rel], _label(root, rel)))
    if SETUP_CFG in files:
        sections.extend(_setup_cfg(files[SETUP_CFG],
                                   _label(root, SETUP_CFG)))
    pyproject = None
    build = None
    if PYPROJECT in files:
        pyproject = _label(root, PYPROJECT)
        more, build = _pyproject(files[PYPROJECT], pyproject)
        sections.extend(more)
    return Project(root, tuple(sections), pyproject, build)


# -- I/O below this line --------------------------------------------------


def read_files(root: str) -> dict[str, str]:
    """Texts of the project files that exist under *root*."""
    from openstack_requirements import fileio

    if not os.path.isdir(root):
        raise errors.InputError(
            "no such directory; give the project's top directory"
            if not os.path.exists(root)
            else "is not a directory; give the project's top directory",
            source=root)
    files = {}
    for rel in ALL_FILES:
        path = os.path.join(root, rel)
        if os.path.lexists(path):
            files[rel] = fileio.read_text(path)
    return files


def read_git(
    root: str,
    run: Callable[[list[str]], bytes] | None = None,
) -> dict[str, str]:
    """Texts of the project files as committed at ``HEAD`` of *root*.

    :raises InputError: *root* is not the top of a git work tree.
    :raises ToolError: git failed.
    """
    from openstack_requirements import fileio

    if run is None:
        run = _git
    listing = run(["git", "-C", root, "ls-tree", "-z", "--name-only",
                   "HEAD", "--", *ALL_FILES])
    files = {}
    for name in listing.decode("utf-8", "replace").split("\0"):
        if name:
            data = run(["git", "-C", root, "show", f"HEAD:{name}"])
            files[name] = fileio.decode(data, _label(root, name))
    return files


def _git(argv: list[str]) -> bytes:
    import subprocess

    try:
        result = subprocess.run(argv, capture_output=True, check=False)
    except OSError as exc:
        raise errors.ToolError(f"cannot run git: {exc.strerror}",
                               tuple(argv)) from exc
    if result.returncode:
        raise errors.ToolError(
            "git failed; run with --local to check the files on disk",
            tuple(argv), result.stderr.decode("utf-8", "replace"))
    return result.stdout


def read(root: str, committed: bool = False) -> Project:
    """Read the project at *root*: files on disk, or as committed."""
    if committed:
        if not os.path.isdir(root):
            raise errors.InputError("no such directory", source=root)
        files = read_git(root)
    else:
        files = read_files(root)
    return parse(files, root)
