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
Files (and git, a process, for ``commit=REV``).

The one reader of a project: ``update-requirements`` edits what it
returns and ``check-requirements``/``check-constraints`` check it.  Each
file kind is parsed one way -- pip files by :mod:`reqfile`, setup.cfg
``[extras]`` by :mod:`setupcfg`, pyproject.toml by :mod:`pyproject` -- and
every requirement comes back with its file, section and line number.
:func:`from_texts` is pure; :func:`read` reads the files on disk or, with
``commit=REV``, as committed at that git revision.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import os
import subprocess

from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements import policy
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

#: Section kinds.
FILE = "file"  # a whole requirements file
EXTRA = "extra"  # setup.cfg [extras]
DEPENDENCIES = "dependencies"  # [project] dependencies
OPTIONAL = "optional"  # [project.optional-dependencies]
GROUP = "group"  # PEP 735 [dependency-groups]

Document = (reqfile.RequirementsFile | setupcfg.SetupCfg
            | pyproject.PyProject)
BuildSystem = pyproject.BuildSystem


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
    ``dependency-groups.NAME``); ``key`` is the extra's or the list's own
    name (``NAME``, or ``""``).
    """

    file: str  # path relative to the project's top
    name: str
    lines: reqfile.RequirementsFile
    style: Style
    kind: str = FILE
    key: str = ""
    #: PEP 735 ``{include-group = "x"}`` entries: (group name, lineno).
    includes: tuple[tuple[str, int], ...] = ()

    @property
    def label(self) -> str:
        """``setup.cfg [extras.db]``: relative to the project's top."""
        return f"{self.file} [{self.name}]" if self.name else self.file

    @property
    def source(self) -> str:
        """The file's path as read, for messages (``proj/setup.cfg``)."""
        return self.lines.source

    @property
    def title(self) -> str:
        """``proj/setup.cfg [extras] db``: the section in a message."""
        return self._titled(self.source)

    @property
    def where(self) -> str:
        """``setup.cfg [extras] db``: :attr:`title` from the project's top."""
        return self._titled(self.file)

    def _titled(self, path: str) -> str:
        if self.kind == EXTRA:
            return f"{path} [extras] {self.key}"
        if self.kind == OPTIONAL:
            return f"{path} [project.optional-dependencies] {self.key}"
        if self.kind == DEPENDENCIES:
            return f"{path} [project] dependencies"
        if self.kind == GROUP:
            return f"{path} [dependency-groups] {self.key}"
        return path


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

    @property
    def pyproject(self) -> str | None:
        """Path of pyproject.toml as read, or None without one."""
        return self.path(PYPROJECT) if PYPROJECT in self.files else None

    @property
    def build_system(self) -> BuildSystem | None:
        """pyproject.toml's ``[build-system]`` table, if any."""
        doc = self.files.get(PYPROJECT)
        return doc.build_system if isinstance(doc, pyproject.PyProject) \
            else None


def group_name(name: str) -> str:
    """PEP 735 normalised dependency-group name."""
    return requirement.canonical_name(name)


def _first_marker_sep(lines: reqfile.RequirementsFile) -> str:
    for line in lines.requirements():
        if line.marker_sep:
            return line.marker_sep
    return ""


def _array_kind(keys: tuple[str, ...]) -> tuple[str, str]:
    """(kind, key) of a pyproject.toml list from its TOML keys."""
    if keys == ("project", "dependencies"):
        return DEPENDENCIES, ""
    return (OPTIONAL if keys[0] == "project" else GROUP), keys[-1]


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
                    Style(extra.indent, newline, True, sep), EXTRA,
                    extra.name)
            for extra in doc.extras()
        ]
    return [Section(rel, array.name, array.lines, Style("", "", False),
                    *_array_kind(array.keys), array.includes)
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


def from_texts(
    texts: Mapping[str, str], root: str = "",
    skipped: tuple[errors.Finding, ...] = (),
) -> Project:
    """A project from the texts of its files. Pure: no I/O.

    :param texts: path relative to the project's top -> text, for the
        files of :data:`FILES` that exist; parsed in the order of FILES.
    :param root: the project's top, joined to each path in messages.
    :raises ParseError: see :func:`parse`.
    """
    files = {rel: parse(rel, texts[rel], os.path.join(root, rel))
             for rel in FILES if rel in texts}
    return Project(root, files, skipped)


# -- I/O below this line


def _check_root(root: str) -> None:
    if not os.path.isdir(root):
        raise errors.InputError(
            "no such directory; give the project's top directory"
            if not os.path.lexists(root)
            else "is not a directory; give the project's top directory",
            source=root)
    try:  # searching it: an unreadable directory is not an empty project
        os.stat(os.path.join(root, os.curdir))
    except OSError as exc:
        raise errors.InputError(
            f"cannot read the directory: {exc.strerror}",
            source=root) from exc


def read(root: str, commit: str | None = None) -> Project:
    """Read the requirement files of the project at *root*.

    With *commit*, the files as committed at that git revision of *root*
    (what CI sees: ``HEAD``; see :func:`read_git`).  Otherwise the files
    on disk: a file that is a symlink leading out of *root* is not read
    (it is listed in ``skipped``), nor is a second name for a file
    already read.
    Never runs setup.py.

    :raises InputError: *root* is not a directory, or a file is unreadable.
    :raises ToolError: with *commit*, git failed.
    :raises ParseError: a file cannot be parsed at all (TOML syntax, the
        layout of setup.cfg's [extras]); bad requirement lines are
        returned as ``INVALID`` lines instead.
    """
    _check_root(root)
    if commit is not None:
        return from_texts(read_git(root, commit=commit), root)

    real_root = os.path.realpath(root)
    texts: dict[str, str] = {}
    skipped: list[errors.Finding] = []
    seen: dict[str, str] = {}
    for rel in FILES:
        path = os.path.join(root, rel)
        if not fileio.present(path):  # an unreadable directory is not
            continue                  # an empty project
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
        texts[rel] = fileio.read_text(path)
    return from_texts(texts, root, tuple(skipped))


def locate(
    root: str, entry: policy.ProjectEntry, source: str
) -> str | errors.Finding | None:
    """The checkout of a projects.txt *entry* under *root*, if any.

    The first of :meth:`policy.ProjectEntry.candidates` that is a
    directory; None when none is.  A finding (on *source*, the
    projects.txt, at the entry's line) when the directory leads out of
    *root* through a symlink: it is not read.
    """
    found = next((c for c in entry.candidates(root) if os.path.isdir(c)),
                 None)
    if found is None:
        return None
    real = os.path.realpath(found)
    if not real.startswith(os.path.realpath(root).rstrip(os.sep) + os.sep):
        return errors.Finding(
            source, entry.lineno, f"{found} leads to {real}, outside "
            f"{root}; skipped it", code="project-outside")
    return found


def read_git(
    root: str,
    run: Callable[[list[str]], bytes] | None = None,
    commit: str = "HEAD",
) -> dict[str, str]:
    """Texts of the project files as committed at *commit* of *root*.

    :raises ParseError: a file is not UTF-8.
    :raises ToolError: git failed (*root* is not a git work tree, or has
        no commit).
    """

    if run is None:
        run = _git
    if commit.startswith("-"):  # never an option to git
        raise errors.InputError(
            f"{commit!r} is not a revision; give e.g. HEAD", source=root)
    listing = run(["git", "-C", root, "ls-tree", "-z", "--name-only",
                   commit, "--", *FILES])
    texts = {}
    for name in listing.decode("utf-8", "replace").split("\0"):
        if name:
            data = run(["git", "-C", root, "show", f"{commit}:{name}"])
            texts[name] = fileio.decode(data, os.path.join(root, name))
    return texts


def _git(argv: list[str]) -> bytes:

    try:
        result = subprocess.run(argv, capture_output=True, check=False)
    except OSError as exc:
        raise errors.ToolError(f"cannot run git: {exc.strerror}",
                               tuple(argv)) from exc
    if result.returncode:
        raise errors.ToolError(
            "git failed; drop --commit to check the files on disk",
            tuple(argv), result.stderr.decode("utf-8", "replace"))
    return result.stdout
