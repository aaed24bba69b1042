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

"""Conflicts among installed distributions' requirements. Pure: no I/O.

The caller lists the installed distributions (``importlib.metadata`` in
the command); this module decides which declared requirements the
installed versions fail, as ``pip check`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement

from openstack_requirements import errors
from openstack_requirements import requirement


@dataclasses.dataclass(frozen=True, slots=True)
class Distribution:
    name: str
    version: str
    requires: tuple[str, ...] = ()  # Requires-Dist values

    @property
    def canonical(self) -> str:
        return requirement.canonical_name(self.name)


@dataclasses.dataclass(frozen=True, slots=True)
class Conflict:
    requirer: Distribution
    requirement: str  # the Requirements-Dist text
    required: str  # canonical name of the required distribution
    installed: str | None  # installed version, None when missing
    error: str = ""  # set when the Requires-Dist cannot be parsed

    def describe(self, pins: Mapping[str, str], upper_source: str) -> str:
        if self.error:
            return (f"declares a requirement that cannot be parsed "
                    f"({self.requirement!r}: {self.error}); fix its "
                    "metadata")
        text = f"requires {self.requirement}, "
        if self.installed is None:
            text += f"but {self.required} is not installed"
        else:
            text += f"but {self.required} {self.installed} is installed"
        pin = pins.get(self.required)
        if pin is not None:
            text += f" ({upper_source} pins {self.required}==={pin})"
        return text + "; fix the constraints or list it in the xfails file"


def unique(dists: Iterable[Distribution]) -> list[Distribution]:
    """First distribution per name, as the import system would see it."""
    seen: dict[str, Distribution] = {}
    for dist in dists:
        seen.setdefault(dist.canonical, dist)
    return sorted(seen.values(), key=lambda d: d.canonical)


def find(
    dists: Iterable[Distribution], env: Mapping[str, str]
) -> list[Conflict]:
    """Every requirement of an installed distribution the set fails.

    Requirements of extras are not checked (nothing says an extra was
    asked for); markers are evaluated in *env*.
    """

    installed = unique(dists)
    versions = {d.canonical: d.version for d in installed}
    conflicts = []
    for dist in installed:
        for text in dist.requires:
            try:
                req = Requirement(text)
            except InvalidRequirement as exc:
                conflicts.append(Conflict(dist, text, "", None,
                                          str(exc).splitlines()[0]))
                continue
            if req.marker is not None and not req.marker.evaluate(
                    dict(env, extra="")):
                continue
            name = requirement.canonical_name(req.name)
            version = versions.get(name)
            if version is None or not req.specifier.contains(
                    version, prereleases=True):
                conflicts.append(Conflict(dist, text, name, version))
    return conflicts


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    failures: list[errors.Finding]
    expected: list[errors.Finding]  # conflicts the xfails list
    unused_xfails: list[str]  # xfails entries with no conflict


def report(
    conflicts: Iterable[Conflict],
    xfails: frozenset[str],
    pins: Mapping[str, str],
    upper_source: str,
) -> Report:
    """Split conflicts into failures and expected ones.

    :param xfails: canonical names of requiring distributions.
    """
    failures, expected = [], []
    seen: set[str] = set()
    for conflict in conflicts:
        dist = conflict.requirer
        finding = errors.Finding(f"{dist.name} {dist.version}", None,
                                 conflict.describe(pins, upper_source),
                                 "conflict")
        if dist.canonical in xfails:
            seen.add(dist.canonical)
            expected.append(finding)
        else:
            failures.append(finding)
    return Report(failures, expected, sorted(xfails - seen))
