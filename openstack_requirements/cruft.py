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

"""list-cruft: global-requirements entries nothing needs. Pure: no I/O.

An entry is *unlisted* when no project of the index lists it directly.
With an installed dependency graph, an unlisted entry that some listed
name needs (through ``Requires-Dist``, extras followed) is *kept*, with
the chain that needs it; the rest are the candidates for removal, each
a finding that says what was looked at.
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses

from openstack_requirements import dependents
from openstack_requirements import errors
from openstack_requirements import reqfile


@dataclasses.dataclass(frozen=True, slots=True)
class Kept:
    """An unlisted entry that a listed name needs."""

    line: reqfile.Line  # the global-requirements entry
    source: str
    chain: tuple[str, ...]  # from a listed name down to this one
    root: dependents.Use  # a use of the chain's first name

    @property
    def name(self) -> str:
        return self.line.req.name if self.line.req else ""

    def __str__(self) -> str:
        root = self.root
        return (f"{self.source}:{self.line.lineno}: {self.name} is needed "
                f"by {' -> '.join(self.chain)} ({root.name} is listed by "
                f"{root.project} {root.where}:{root.lineno})")

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "line": self.line.lineno,
                "name": self.name, "chain": list(self.chain),
                "listed_by": self.root.as_dict()}


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    candidates: list[errors.Finding]  # code "cruft"
    kept: list[Kept]
    #: names the projects list that the graph does not hold: what they
    #: need is unknown, so a candidate may still be needed.
    not_installed: tuple[str, ...] = ()


def _roots(index: dependents.Index) -> dict[str, set[str]]:
    roots: dict[str, set[str]] = {}
    for name, uses in index.uses.items():
        extras = roots.setdefault(name, set())
        for use in uses:
            extras.update(use.extras)
    return roots


def find(
    global_doc: reqfile.RequirementsFile,
    index: dependents.Index,
    graph: dependents.Graph | None = None,
    graph_label: str = "",
) -> Report:
    """The cruft of *global_doc* given who lists what (*index*).

    :param graph: the installed dependency graph (see
        :func:`dependents.graph`); without it every unlisted entry is a
        candidate.
    :param graph_label: where the graph comes from, for the messages.
    """
    listed = index.names()
    count = len(index.projects)
    roots = _roots(index)
    chains: Mapping[str, tuple[str, ...]] = (
        dependents.reach(graph, roots) if graph is not None else {})
    needed = sum(1 for name in chains if graph and name in graph)
    candidates = []
    kept = []
    seen: set[str] = set()
    for line in global_doc.requirements():
        name = line.name
        assert name is not None and line.req is not None
        if name in listed or name in seen:
            continue
        seen.add(name)
        written = line.req.name
        where = global_doc.source
        if graph is None:
            candidates.append(errors.Finding(
                where, line.lineno,
                f"{written}: none of the {count} projects lists it; "
                "candidate for removal (not checked against a dependency "
                "graph: something they list may need it; give --python)",
                "cruft"))
            continue
        chain = chains.get(name)
        if chain is not None:
            kept.append(Kept(line, where, chain, index.uses[chain[0]][0]))
            continue
        held = ("installed" if name in graph
                else "not installed")
        candidates.append(errors.Finding(
            where, line.lineno,
            f"{written}: none of the {count} projects lists it, and none "
            f"of the {needed} installed distributions they need requires "
            "it "
            f"({held} in {graph_label or 'the graph'}); candidate for "
            "removal", "cruft"))
    missing = tuple(sorted(n for n in roots if graph is not None
                           and n not in graph))
    return Report(candidates, kept, missing)
