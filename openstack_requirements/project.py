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

"""A project's requirement files: locate, read, split into sections.

:func:`read` is the only function here that touches the disk; the rest
is pure.  Every requirement a project declares comes back from
:meth:`Project.requirements` with its file, section and line number, so
the sync (``update-requirements``) and the CI check can share one reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import os

from openstack_requirements import errors
from openstack_requirements import pyproject
from openstack_requirements import reqfile
from openstack_requirements import requirement
from openstack_requirements import setupcfg

#: pip requirements files a project may have, relative to its top.
REQUIREMENTS_FILES = (
    "requirements.txt",
    "test-requirements.txt",
    "doc/requirements.txt",
    "driver-requirements.txt",
    "tools/pip-requires",  # legacy names of the two files above
    "tools/test-requires",
)
SETUP_CFG = "setup.cfg"
PYPROJECT = "pyproject.toml"
FILES = REQUIREMENTS_FILES + (SETUP_CFG, PYPROJECT)

Document = (reqfile.RequirementsFile | setupcfg.SetupCfg
            | pyproject.PyProject)


@dataclasses.dataclass(frozen=True, slots=True)
class Style:
    """How a new line is written into a section."""

    indent: str = ""
    newline: str = "\n"
    comments: bool = True  # a TOML string cannot carry a license comment
    marker_sep: str = ";"


@dataclasses.dataclass(frozen=True, slots=True)
class Section:
    """One list of requirements inside a file.

    ``name`` is ``""`` for a requirements file, ``extras.NAME`` for a
    setup.cfg extra and the dotted TOML key for pyproject.toml
    (``project.dependencies``, ``project.optional-dependencies.NAME``,
    ``dependency-groups.NAME``).
    """

    file: str  # path relative to the project's top
    name: str
    lines: reqfile.RequirementsFile
    style: Style

    @property
    def label(self) -> str:
        return f"{self.file} [{self.name}]" if self.name else self.file


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One requirement a project declares, and where."""

    file: str
    section: str
    line: reqfile.Line

    @property
    def lineno(self) -> int:
        return self.line.lineno

    @property
    def req(self) -> requirement.Requirement | None:
        return self.line.req


@dataclasses.dataclass(frozen=True, slots=True)
class Project:
    """The requirement files found in one project directory."""

    root: str
    files: Mapping[str, Document]  # relative path -> parsed document
    skipped: tuple[errors.Finding, ...] = ()  # files not followed

    def path(self, rel: str) -> str:
        return os.path.join(self.root, rel)

    def sections(self) -> list[Section]:
        return [section for rel, doc in self.files.items()
                for section in sections_of(rel, doc)]

    def requirements(self) -> list[Entry]:
        """Every line naming a distribution, in file order."""
        return [Entry(section.file, section.name, line)
                for section in self.sections()
                for line in section.lines.requirements()]


def _first_marker_sep(lines: reqfile.RequirementsFile) -> str:
    for line in lines.requirements():
        if line.marker_sep:
            return line.marker_sep
    return ""


def sections_of(rel: str, doc: Document) -> list[Section]:
    """The requirement lists of one parsed file."""
    if isinstance(doc, reqfile.RequirementsFile):
        return [Section(rel, "", doc,
                        Style(newline=doc.newline,
                              marker_sep=_first_marker_sep(doc) or ";"))]
    if isinstance(doc, setupcfg.SetupCfg):
        newline = "\r\n" if "\r\n" in doc.before else "\n"
        # New markers follow the file's habit: the first separator used.
        sep = next((s for s in (_first_marker_sep(extra.body)
                                for extra in doc.extras()) if s), ";")
        return [
            Section(rel, "extras." + extra.name, extra.body,
                    Style(extra.indent, newline, True, sep))
            for extra in doc.extras()
        ]
    return [Section(rel, array.name, array.lines, Style("", "", False))
            for array in doc.arrays]


def render_with(
    doc: Document, edits: Mapping[str, Sequence[Sequence[reqfile.Line]]]
) -> str:
    """Text of *doc* with sections replaced.

    ``edits[section name][i]`` holds the lines that replace the section's
    i-th line (none to drop it, the same line object to keep it).
    """
    def flat(name: str) -> list[reqfile.Line]:
        return [line for group in edits[name] for line in group]

    if isinstance(doc, reqfile.RequirementsFile):
        return doc.with_lines(flat("")).render() if "" in edits \
            else doc.render()
    if isinstance(doc, setupcfg.SetupCfg):
        bodies = {name.partition(".")[2]: flat(name) for name in edits}
        return doc.with_bodies(bodies).render()
    return doc.with_items(edits) if edits else doc.render()


def parse(rel: str, text: str, source: str) -> Document:
    """Parse the text of the project file *rel*; never reads."""
    if rel == SETUP_CFG:
        return setupcfg.parse(text, source)
    if rel == PYPROJECT:
        return pyproject.parse(text, source)
    return reqfile.parse(text, source)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


# -- I/O below this line


def read(root: str) -> Project:
    """Read the requirement files of the project at *root*.

    A file that is a symlink leading out of *root* is not read (it is
    listed in ``skipped``), nor is a second name for a file already read.
    Never runs setup.py.

    :raises InputError: *root* is not a directory, or a file is unreadable.
    :raises ParseError: a file cannot be parsed at all (TOML syntax, the
        layout of setup.cfg's [extras]); bad requirement lines are
        returned as ``INVALID`` lines instead.
    """
    if not os.path.isdir(root):
        raise errors.InputError(
            "not a directory; pass the top directory of a project",
            source=root)
    from openstack_requirements import fileio

    real_root = os.path.realpath(root)
    files: dict[str, Document] = {}
    skipped: list[errors.Finding] = []
    seen: dict[str, str] = {}
    for rel in FILES:
        path = os.path.join(root, rel)
        if not os.path.lexists(path):
            continue
        real = os.path.realpath(path)
        if not _inside(real, real_root):
            skipped.append(errors.Finding(
                path, None, f"leads to {real}, outside the project; not "
                "followed", code="symlink-outside"))
            continue
        if real in seen:
            skipped.append(errors.Finding(
                path, None, f"is the same file as {seen[real]}; read once",
                code="same-file"))
            continue
        seen[real] = path
        files[rel] = parse(rel, fileio.read_text(path), path)
    return Project(root, files, tuple(skipped))
