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

"""Find and read the central lists for every command. Files.

The central lists (global-requirements.txt, upper-constraints.txt,
blacklist.txt or denylist.txt, projects.txt, backports.txt) sit together
in one directory: the copy shipped with this package, or a directory a
command is given (``--source``, ``--reqs``).  A command may also name one
list's file directly (``--global``, ``--upper``, ``-b``).  Every path comes
in explicitly: the commands (``cmds``) read the environment and the
working directory, this module only the files it is told about.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses
import hashlib
import os

from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements import policy
from openstack_requirements import reqfile

GLOBAL_REQUIREMENTS = "global-requirements.txt"
UPPER_CONSTRAINTS = "upper-constraints.txt"
#: The blacklist, under either name: the reference now calls it denylist.
BLACKLIST_NAMES = ("blacklist.txt", "denylist.txt")
PROJECTS = "projects.txt"
BACKPORTS = "backports.txt"
#: Where an installed package keeps the lists, under its prefix.
SHARE_DIR = os.path.join("share", "openstack-requirements")


@dataclasses.dataclass(frozen=True, slots=True)
class Lists:
    """The central lists a project is checked against."""

    global_doc: reqfile.RequirementsFile
    blacklist: frozenset[str] = frozenset()  # canonical names
    backports: frozenset[str] = frozenset()  # canonical names
    #: canonical name -> pinned versions, to suggest a lower bound.
    pins: Mapping[str, tuple[str, ...]] = dataclasses.field(
        default_factory=dict)


def locate_shipped(prefixes: Iterable[str]) -> str:
    """Directory of the central lists shipped with this package.

    A source checkout holds them beside the package; an installed package
    has them under ``<prefix>/share/openstack-requirements`` for one of
    *prefixes* (the command passes the interpreter's prefixes and the
    user's ``~/.local``).

    :raises InputError: neither has them.
    """
    checkout = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.isfile(os.path.join(checkout, GLOBAL_REQUIREMENTS)):
        return checkout
    for prefix in prefixes:
        candidate = os.path.join(prefix, SHARE_DIR)
        if os.path.isfile(os.path.join(candidate, GLOBAL_REQUIREMENTS)):
            return candidate
    raise errors.InputError(
        "cannot find the shipped central lists; pass the directory "
        "that holds global-requirements.txt explicitly"
    )


def blacklist_in(directory: str) -> str | None:
    """``blacklist.txt`` or, as the reference names it, ``denylist.txt``.

    Anything at either name counts as there (a symlink loop, an
    unreadable file), so that reading it reports why it cannot be read.

    :raises InputError: the directory cannot be searched.
    """
    for name in BLACKLIST_NAMES:
        path = os.path.join(directory, name)
        if fileio.present(path):
            return path
    return None


def optional(path: str) -> str | None:
    """*path* when anything is there (see :func:`fileio.present`)."""
    return path if fileio.present(path) else None


def pick(given: str | None, name: str, directory: Callable[[], str]) -> str:
    """The file of list *name*: *given*, or the one in a directory.

    *directory* is called only when *given* is None, so a command given
    every file never looks for the shipped lists.
    """
    return given if given is not None else os.path.join(directory(), name)


def pick_blacklist(
    given: str | None, directory: Callable[[], str]
) -> str | None:
    """As :func:`pick` for the blacklist.

    None when the directory has neither blacklist.txt nor denylist.txt.
    """
    return given if given is not None else blacklist_in(directory())


def validate_files(directory: str) -> tuple[str, str, str]:
    """The global list, constraints and blacklist under *directory*.

    What validate-constraints checks when given a directory: an
    upstream-style repository names its blacklist ``denylist.txt``.

    :raises InputError: *directory* is not a directory or has neither
        blacklist.txt nor denylist.txt.
    """
    if not os.path.isdir(directory):
        raise errors.InputError(
            "is not a directory; give the directory that holds the "
            "central lists, or the three files", source=directory)
    blacklist = blacklist_in(directory)
    if blacklist is None:
        raise errors.InputError(
            f"no {' or '.join(BLACKLIST_NAMES)} here; add one (it may "
            "be empty) or name the three files", source=directory)
    return (os.path.join(directory, GLOBAL_REQUIREMENTS),
            os.path.join(directory, UPPER_CONSTRAINTS), blacklist)


def read_doc(path: str) -> reqfile.RequirementsFile:
    """Parse the requirements file at *path* (invalid lines kept)."""
    return reqfile.parse(fileio.read_text(path), source=path)


def read_names(path: str | None) -> frozenset[str]:
    """The canonical names of a plain list (blacklist, backports).

    Empty when *path* is None (the list is optional).
    """
    if path is None:
        return frozenset()
    return frozenset(read_doc(path).require_valid().by_name())


def read_blacklist(path: str | None) -> tuple[frozenset[str], str]:
    """The canonical names of the blacklist at *path*, and its label.

    No names and no label (``""``) when *path* is None or empty.  The
    label is :func:`labelled`'s, for headers and artifacts.
    """
    if not path:
        return frozenset(), ""
    return read_names(path), labelled(path)


def labelled(path: str) -> str:
    """*path*'s file name and the start of its sha256.

    For headers and artifacts: where the file was is a detail of the
    run, not a fact of the output (see generate-constraints'
    ``--json-report``).
    """
    digest = hashlib.sha256(fileio.read_bytes(path)).hexdigest()[:16]
    return f"{os.path.basename(path)} (sha256 {digest})"


def spellings(paths: Iterable[str | None]) -> dict[str, str]:
    """Canonical name -> the name as the files at *paths* spell it.

    A resolve only knows normalised names; the global list and the old
    constraints file say how to write them.  A later file's spelling
    wins; a path that is None or not a file is passed over.
    """
    names: dict[str, str] = {}
    for path in paths:
        if path and os.path.isfile(path):
            for line in read_doc(path).requirements():
                if line.req is not None:
                    names[line.req.canonical] = line.req.name
    return names


def read_sync_lists(
    source: str,
) -> tuple[reqfile.RequirementsFile, reqfile.RequirementsFile | None]:
    """The global list and the blacklist (if any) under *source*.

    :raises InputError: *source* holds no global-requirements.txt; the
        message names ``--source``, the option that gives it.
    """
    path = os.path.join(source, GLOBAL_REQUIREMENTS)
    if not os.path.lexists(path):
        raise errors.InputError(
            f"no {GLOBAL_REQUIREMENTS} here; pass --source DIR naming "
            "the directory that holds it", source=path)
    blacklist = blacklist_in(source)
    return read_doc(path), read_doc(blacklist) if blacklist else None


def read_check_lists(reqs: str) -> Lists:
    """The lists check-requirements needs, from the directory *reqs*.

    :raises InputError: *reqs* is not a directory (``--reqs``), or its
        global list is missing or invalid.
    """
    if not os.path.isdir(reqs):
        raise errors.InputError(
            "is not a directory; --reqs takes the central requirements "
            "repo", source=reqs)
    global_doc = read_doc(
        os.path.join(reqs, GLOBAL_REQUIREMENTS)).require_valid()
    backports = os.path.join(reqs, BACKPORTS)
    return Lists(
        global_doc,
        read_names(blacklist_in(reqs)),
        read_names(optional(backports)),
    )


def read_projects(
    path: str,
) -> tuple[list[policy.ProjectEntry], list[errors.Finding]]:
    """The projects of the projects.txt at *path* and its problems.

    The one reader for validate-projects and update-requirements --all,
    so both accept and reject the same lines (:func:`policy.parse_projects`).
    """
    return policy.parse_projects(fileio.read_text(path), path)
