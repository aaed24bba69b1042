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

"""The reverse-dependency index: which project lists which name, where,
with which specifier; and the installed dependency graph. Files.

:func:`build` (projects already read -> :class:`Index`), :func:`graph`
(installed distributions -> :class:`Graph`), :func:`reach` and
:func:`requirers` are pure; only :func:`read` does I/O: it reads
projects.txt with the one grammar (:func:`lists.read_projects`) and each
checkout with the one project reader (:func:`project.read`).  who-uses
and list-cruft answer from an index; "who is affected" by a change of
one name is the direct users of the index plus those of every
distribution :func:`requirers` finds.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses
import os
import re

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PEP508

from openstack_requirements import conflicts
from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import lists
from openstack_requirements import policy
from openstack_requirements import project
from openstack_requirements import requirement

#: Section kind of pyproject.toml's ``[build-system] requires``.
BUILD_SYSTEM = "build-system"


@dataclasses.dataclass(frozen=True, slots=True)
class Use:
    """One project listing one name: where, and with what."""

    project: str  # as projects.txt names it: "openstack/nova"
    where: str  # "setup.cfg [extras] db", from the project's top
    kind: str  # project.FILE, EXTRA, DEPENDENCIES, OPTIONAL, GROUP...
    file: str  # "setup.cfg"
    source: str  # the file's path as read, for "path:line" messages
    lineno: int
    name: str  # as written
    extras: tuple[str, ...] = ()
    specifier: str = ""
    marker: str = ""
    url: str = ""

    @property
    def canonical(self) -> str:
        return requirement.canonical_name(self.name)

    def as_dict(self) -> dict[str, object]:
        return {
            "project": self.project, "where": self.where,
            "kind": self.kind, "file": self.file, "source": self.source,
            "line": self.lineno, "name": self.name,
            "extras": list(self.extras), "specifier": self.specifier,
            "marker": self.marker, "url": self.url,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Index:
    """Every use of every name by the projects read."""

    uses: Mapping[str, tuple[Use, ...]]  # canonical name -> uses
    projects: tuple[str, ...] = ()  # the projects read, in order
    missing: tuple[str, ...] = ()  # projects.txt entries not checked out
    #: lines of projects.txt that are not projects, files not followed,
    #: projects that cannot be read.
    findings: tuple[errors.Finding, ...] = ()

    def users(self, name: str) -> tuple[Use, ...]:
        """The uses of *name* (any spelling), in project order."""
        return self.uses.get(requirement.canonical_name(name), ())

    def names(self) -> frozenset[str]:
        """Canonical names some project lists."""
        return frozenset(self.uses)


def uses_of(name: str, proj: project.Project) -> list[Use]:
    """Every name *proj* lists (it is called *name*). Pure."""
    found = []
    for section in proj.sections():
        for line in section.lines.requirements():
            req = line.req
            assert req is not None
            found.append(Use(
                name, section.where, section.kind, section.file,
                section.source, line.lineno, req.name, req.extras,
                req.specifier, req.marker, req.url))
    build = proj.build_system
    if build is not None:
        for text in build.requires:
            try:
                req = requirement.parse(text, legacy_colon=False)
            except requirement.InvalidRequirement:
                continue  # check-requirements reports it
            found.append(Use(
                name, f"{project.PYPROJECT} [build-system] requires",
                BUILD_SYSTEM, project.PYPROJECT,
                proj.path(project.PYPROJECT), build.lineno, req.name,
                req.extras, req.specifier, req.marker, req.url))
    return found


def build(
    projects: Iterable[tuple[str, project.Project]],
    missing: Iterable[str] = (),
    findings: Iterable[errors.Finding] = (),
) -> Index:
    """The index of *projects* ((name, project) pairs, read). Pure."""
    uses: dict[str, list[Use]] = collections.defaultdict(list)
    names = []
    for name, proj in projects:
        names.append(name)
        for use in uses_of(name, proj):
            uses[use.canonical].append(use)
    return Index({k: tuple(v) for k, v in uses.items()}, tuple(names),
                 tuple(missing), tuple(findings))


# -- the installed dependency graph


@dataclasses.dataclass(frozen=True, slots=True)
class Edge:
    """One ``Requires-Dist`` that holds in the environment."""

    name: str  # canonical name of the required distribution
    extras: tuple[str, ...]  # its extras asked for
    text: str  # the Requires-Dist as written
    extra: str = ""  # the requirer's extra that brings it ("" always)


@dataclasses.dataclass(frozen=True, slots=True)
class Node:
    name: str  # as the distribution spells it
    version: str
    edges: tuple[Edge, ...] = ()


#: canonical name -> installed distribution.
Graph = Mapping[str, Node]

_EXTRA_RE = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")


def _edges(text: str, env: Mapping[str, str]) -> list[Edge]:
    try:
        req = PEP508(text)
    except InvalidRequirement:
        return []  # check-conflicts reports a broken Requires-Dist
    name = requirement.canonical_name(req.name)
    extras = tuple(sorted(req.extras))
    if req.marker is None:
        return [Edge(name, extras, text)]
    if req.marker.evaluate(dict(env, extra="")):
        return [Edge(name, extras, text)]
    return [Edge(name, extras, text, extra)
            for extra in sorted(set(_EXTRA_RE.findall(str(req.marker))))
            if req.marker.evaluate(dict(env, extra=extra))]


def graph(
    dists: Iterable[conflicts.Distribution], env: Mapping[str, str]
) -> dict[str, Node]:
    """The dependency graph of installed *dists*. Pure.

    Markers are evaluated in *env* (an interpreter's marker environment).
    An edge under ``extra == "x"`` is kept with its extra: it counts
    only when something asks for ``requirer[x]``.
    """
    return {
        dist.canonical: Node(dist.name, dist.version, tuple(
            edge for text in dist.requires for edge in _edges(text, env)))
        for dist in conflicts.unique(dists)
    }


def reach(
    graph: Graph, roots: Mapping[str, Iterable[str]]
) -> dict[str, tuple[str, ...]]:
    """Every distribution *roots* need, with the chain that needs it.

    :param roots: canonical name -> the extras asked for it.
    :returns: canonical name -> the chain of canonical names from a root
        down to it (a root's chain is itself); only installed names are
        followed, and a name not installed ends its chain.
    """
    chains: dict[str, tuple[str, ...]] = {}
    wanted: dict[str, set[str]] = {}
    queue: collections.deque[tuple[str, tuple[str, ...]]] = (
        collections.deque())

    def visit(name: str, extras: Iterable[str],
              chain: tuple[str, ...]) -> None:
        have = wanted.setdefault(name, set())
        new = set(extras) - have
        if name in chains and not new:
            return
        have.update(new)
        chains.setdefault(name, chain)
        queue.append((name, chains[name]))

    for name, extras in sorted(roots.items()):
        visit(name, extras, (name,))
    while queue:
        name, chain = queue.popleft()
        node = graph.get(name)
        if node is None:
            continue
        for edge in node.edges:
            if not edge.extra or edge.extra in wanted[name]:
                visit(edge.name, edge.extras, chain + (edge.name,))
    return chains


def requirers(graph: Graph, name: str) -> dict[str, tuple[str, ...]]:
    """Installed distributions that need *name*, directly or not.

    canonical name -> the chain from it down to *name*.  Edges under an
    extra count (some user may ask for it): the answer errs on the side
    of "affected".
    """
    return _requirers(_reverse(graph), requirement.canonical_name(name))


def _reverse(graph: Graph) -> dict[str, set[str]]:
    reverse: dict[str, set[str]] = collections.defaultdict(set)
    for node_name, node in graph.items():
        for edge in node.edges:
            reverse[edge.name].add(node_name)
    return reverse


def _requirers(
    reverse: Mapping[str, set[str]], target: str
) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    queue: collections.deque[tuple[str, tuple[str, ...]]] = (
        collections.deque([(target, (target,))]))
    while queue:
        current, chain = queue.popleft()
        for parent in sorted(reverse.get(current, ())):
            if parent not in found and parent != target:
                found[parent] = (parent,) + chain
                queue.append((parent, found[parent]))
    return found


def freeze_graph(
    freezes: Iterable[constraints.Freeze],
    environments: Mapping[str, Mapping[str, str]],
) -> dict[str, Node]:
    """The dependency graph of every freeze, as one. Pure.

    Each freeze's pins with their recorded ``requires`` become a
    :func:`graph` in its marker environment (*environments*: python
    version -> environment); the edges of all of them are merged, so a
    dependency of any Python version counts.
    """
    merged: dict[str, Node] = {}
    for freeze in freezes:
        env = environments.get(freeze.python_version, {})
        one = graph((conflicts.Distribution(p.name, p.version, p.requires)
                     for p in freeze.pins), env)
        for name, node in one.items():
            have = merged.get(name)
            if have is None:
                merged[name] = node
                continue
            edges = dict.fromkeys(have.edges)
            edges.update(dict.fromkeys(node.edges))
            merged[name] = dataclasses.replace(have, edges=tuple(edges))
    return merged


@dataclasses.dataclass(frozen=True, slots=True)
class Affected:
    """A project a change of *name* reaches, and the path it takes."""

    project: str
    name: str  # canonical name of the changed distribution
    path: tuple[str, ...]  # the listed name down to *name*
    use: Use  # where the project lists path[0]

    @property
    def direct(self) -> bool:
        return len(self.path) == 1

    def __str__(self) -> str:
        how = "direct" if self.direct else "via " + " -> ".join(self.path)
        return (f"{self.project}: {self.name} ({how}; {self.use.where}, "
                f"line {self.use.lineno})")

    def as_dict(self) -> dict[str, object]:
        return {"project": self.project, "name": self.name,
                "direct": self.direct, "path": list(self.path),
                "use": self.use.as_dict()}


def affected(
    index: Index, graph: Graph, names: Iterable[str]
) -> list[Affected]:
    """Every project a change of *names* reaches, directly or not. Pure.

    Directly: the project lists the name.  Transitively: it lists a
    distribution that (through :func:`requirers` in *graph*) needs it.
    One entry per project and changed name: the shortest path, then the
    first in name order; sorted by project, then name.
    """
    best: dict[tuple[str, str], Affected] = {}
    reverse = _reverse(graph)
    for name in sorted({requirement.canonical_name(n) for n in names}):
        chains: dict[str, tuple[str, ...]] = {name: (name,)}
        chains.update(_requirers(reverse, name))
        for listed, chain in chains.items():
            for use in index.users(listed):
                key = (use.project, name)
                have = best.get(key)
                if have is None or (len(chain), chain) < (
                        len(have.path), have.path):
                    best[key] = Affected(use.project, name, chain, use)
    return [best[key] for key in sorted(best)]


# -- I/O below this line


def read(root: str, projects_txt: str) -> Index:
    """The index of every project of *projects_txt* under *root*.

    A project is checked out at ``ROOT/namespace/name`` or ``ROOT/name``.
    A projects.txt line that is not a project, a checkout leading out of
    *root* and a project that cannot be read become findings; a project
    with no checkout is listed in ``missing``.

    :raises InputError: *root* is not a directory, or projects.txt is
        unreadable.
    """
    if not os.path.isdir(root):
        raise errors.InputError(
            "not a directory; pass the directory holding the projects' "
            "checkouts", source=root)
    entries, problems = lists.read_projects(projects_txt)
    findings = policy.rejected_lines(entries, problems)
    missing = []
    read_ones = []
    for entry in entries:
        found = project.locate(root, entry, projects_txt)
        if found is None:
            missing.append(entry.name)
        elif isinstance(found, errors.Finding):
            findings.append(found)
        else:
            try:
                proj = project.read(found)
            except (errors.ParseError, errors.InputError) as exc:
                findings.append(errors.Finding(
                    projects_txt, entry.lineno,
                    f"{entry.name} cannot be read, left out: {exc}",
                    code="unreadable"))
                continue
            findings.extend(proj.skipped)
            read_ones.append((entry.name, proj))
    return build(read_ones, missing, findings)
