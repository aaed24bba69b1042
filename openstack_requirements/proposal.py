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

"""The commit a regenerated constraints file is proposed with. Pure: no
I/O.

:func:`message` turns the changes (:func:`constraints.diff`), the holds
of the global list and the affected projects
(:func:`dependents.affected`) into a commit message a reviewer can use;
:func:`branch` names the branch after the new file.  The same inputs
give the same bytes: nothing here looks at a clock or a path.
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
import hashlib

from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import constraints
from openstack_requirements import dependents
from openstack_requirements import requirement

#: The groups of the message, in order: (key, title).
GROUPS = (
    ("major", "Major bumps"),
    ("minor", "Minor bumps"),
    ("patch", "Patch bumps"),
    ("downgraded", "Downgrades"),
    ("changed", "Changed (per Python version or platform)"),
    ("new", "New"),
    ("removed", "Removed"),
)
#: Affected projects named in the message; the JSON has them all.
AFFECTED_LIMIT = 25


@dataclasses.dataclass(frozen=True, slots=True)
class Hold:
    """A global-list line that keeps versions out: ``foo!=1.2,<3``."""

    name: str
    specifier: str


def group(change: constraints.Change) -> str:
    """Which group of :data:`GROUPS` *change* goes in."""
    if change.kind == "added":
        return "new"
    if change.kind == "removed":
        return "removed"
    if change.kind != "bumped":
        return change.kind
    try:
        old, new = Version(change.old).release, Version(change.new).release
    except InvalidVersion:
        return "patch"
    if old[:1] != new[:1]:
        return "major"
    if old[:2] != new[:2]:
        return "minor"
    return "patch"


def branch(text: str) -> str:
    """The branch of the proposal: named after the new file's bytes."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"update-constraints-{digest}"


def _line(change: constraints.Change) -> str:
    if change.kind == "added":
        return f"  {change.name} {change.new}"
    if change.kind == "removed":
        return f"  {change.name} {change.old}"
    return f"  {change.name} {change.old} -> {change.new}"


def summary(changes: Sequence[constraints.Change]) -> str:
    """The first line: what changed, counted."""
    counts: dict[str, int] = {}
    for change in changes:
        counts[group(change)] = counts.get(group(change), 0) + 1
    bumps = sum(counts.get(k, 0) for k in ("major", "minor", "patch"))
    parts = [f"{bumps} bump{'s' if bumps != 1 else ''}"] if bumps else []
    parts += [f"{counts[key]} {key}" for key in
              ("new", "removed", "downgraded", "changed") if key in counts]
    return "Update upper-constraints: " + ", ".join(parts)


def message(
    changes: Sequence[constraints.Change],
    *,
    total: int,
    exclude_newer: str = "",
    holds: Sequence[Hold] = (),
    affected: Sequence[dependents.Affected] | None = None,
    limit: int = AFFECTED_LIMIT,
) -> str:
    """The commit message of a proposal.

    :param total: the number of lines of the new file.
    :param affected: the affected projects, or None when not asked.
    """
    lines = [summary(changes), "",
             f"{len(changes)} of {total} constraints changed "
             f"({total} lines in the new file).", ""]
    grouped: dict[str, list[constraints.Change]] = {}
    for change in changes:
        grouped.setdefault(group(change), []).append(change)
    for key, title in GROUPS:
        if key in grouped:
            lines.append(f"{title} ({len(grouped[key])}):")
            lines += [_line(change) for change in grouped[key]]
            lines.append("")
    changed = {requirement.canonical_name(c.name) for c in changes}
    held = [h for h in holds
            if requirement.canonical_name(h.name) in changed]
    if held:
        lines.append("Held back by the global list:")
        lines += [f"  {h.name}{h.specifier}" for h in held]
        lines.append("")
    if exclude_newer:
        lines += [f"Releases uploaded after {exclude_newer} were skipped "
                  "(--exclude-newer); which ones is not known here.", ""]
    if affected is not None:
        projects = sorted({a.project for a in affected})
        direct = sorted({a.project for a in affected if a.direct})
        lines.append(f"Affected projects ({len(projects)}: "
                     f"{len(direct)} direct, "
                     f"{len(projects) - len(direct)} only transitive):")
        by_project: dict[str, list[dependents.Affected]] = {}
        for one in affected:
            by_project.setdefault(one.project, []).append(one)
        for name in projects[:limit]:
            paths = sorted({" -> ".join(a.path)
                            for a in by_project[name]})
            shown = ", ".join(paths[:4])
            more = f" (+{len(paths) - 4})" if len(paths) > 4 else ""
            lines.append(f"  {name}: {shown}{more}")
        if len(projects) > limit:
            lines.append(f"  ... and {len(projects) - limit} more "
                         "(the --json-report has them all)")
        lines.append("")
    lines.append("Generated by generate-constraints --propose.")
    return "\n".join(lines) + "\n"
