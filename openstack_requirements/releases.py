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

"""Release history of one project from index JSON; what-broke. Pure.

The input is the decoded document of the package index's JSON API
(``/pypi/NAME/json``, https://docs.pypi.org/api/json/).  It is narrowed
here, once, into frozen dataclasses, so the rest of the code never looks
at untyped JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses
import datetime

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import holds as holds_mod
from openstack_requirements import reqfile


@dataclasses.dataclass(frozen=True, slots=True)
class File:
    """One distribution file of a release."""

    filename: str
    packagetype: str  # "sdist", "bdist_wheel", "bdist_wininst", ...
    uploaded: datetime.datetime | None
    requires_python: str = ""
    yanked: bool = False
    yanked_reason: str = ""
    url: str = ""  # where to download it; "" when the index did not say
    size: int | None = None
    sha256: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Release:
    """One version of a project and its files."""

    version: str
    files: tuple[File, ...]

    @property
    def uploaded(self) -> datetime.datetime | None:
        """When the first file of the release was uploaded."""
        times = [f.uploaded for f in self.files if f.uploaded is not None]
        return min(times) if times else None

    @property
    def yanked(self) -> bool:
        """Yanked when every file is (PEP 592 yanks whole releases)."""
        return bool(self.files) and all(f.yanked for f in self.files)

    @property
    def yanked_reason(self) -> str:
        reasons = {f.yanked_reason for f in self.files if f.yanked_reason}
        return "; ".join(sorted(reasons))

    @property
    def parsed(self) -> Version | None:
        """The PEP 440 version, or None for a legacy version string."""
        return _version(self.version)

    @property
    def prerelease(self) -> bool:
        parsed = self.parsed
        return parsed is not None and parsed.is_prerelease

    @property
    def requires_python(self) -> str:
        for f in self.files:
            if f.requires_python:
                return f.requires_python
        return ""

    @property
    def wheels(self) -> tuple[str, ...]:
        return tuple(f.filename for f in self.files
                     if f.packagetype == "bdist_wheel" and not f.yanked)


@dataclasses.dataclass(frozen=True, slots=True)
class Project:
    """What the index says about a project."""

    name: str
    version: str  # the index's idea of the latest version
    summary: str
    license: str  # the free-text License field
    license_expression: str  # PEP 639 License-Expression
    classifiers: tuple[str, ...]
    requires_python: str
    urls: tuple[tuple[str, str], ...]  # (label, url): home page, sources
    releases: tuple[Release, ...]  # oldest first, by PEP 440 order

    def release(self, version: str) -> Release | None:
        wanted = _version(version)
        for rel in self.releases:
            if rel.version == version or (
                    wanted is not None and rel.parsed == wanted):
                return rel
        return None

    def latest(self, prereleases: bool = False) -> Release | None:
        """Newest release with files that is not yanked."""
        for rel in reversed(self.releases):
            if not rel.files or rel.yanked or rel.parsed is None:
                continue
            if rel.prerelease and not prereleases:
                continue
            return rel
        return None

    @property
    def first_release(self) -> datetime.datetime | None:
        times = [r.uploaded for r in self.releases if r.uploaded]
        return min(times) if times else None


def _version(text: str) -> Version | None:

    try:
        return Version(text)
    except InvalidVersion:
        return None


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _time(value: object) -> datetime.datetime | None:
    text = _str(value)
    if not text:
        return None
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:  # the old "upload_time" field is UTC
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when


def _file(entry: object) -> File | None:
    if not isinstance(entry, Mapping):
        return None
    reason = entry.get("yanked_reason")
    size = entry.get("size")
    digests = entry.get("digests")
    return File(
        filename=_str(entry.get("filename")),
        packagetype=_str(entry.get("packagetype")),
        uploaded=_time(entry.get("upload_time_iso_8601")
                       or entry.get("upload_time")),
        requires_python=_str(entry.get("requires_python")),
        yanked=entry.get("yanked") is True,
        yanked_reason=_str(reason),
        url=_str(entry.get("url")),
        size=size if isinstance(size, int) and size >= 0 else None,
        sha256=_str(digests.get("sha256"))
        if isinstance(digests, Mapping) else "",
    )


def _sort_key(rel: Release) -> tuple[int, object, str]:
    parsed = rel.parsed
    if parsed is None:  # legacy versions sort first, by upload time
        when = rel.uploaded
        return (0, when.timestamp() if when else 0.0, rel.version)
    return (1, parsed, rel.version)


def _unknown(value: str) -> str:
    # setuptools used to write the literal "UNKNOWN" for unset fields.
    return "" if value.upper() in ("UNKNOWN", "NONE") else value


def parse_project(document: object, source: str) -> Project:
    """Narrow a decoded ``/pypi/NAME/json`` document into a Project.

    :param source: the URL or file it came from, for messages.
    :raises errors.ToolError: the document is not what the API returns.
    """
    if not isinstance(document, Mapping) or not isinstance(
            document.get("info"), Mapping):
        raise errors.ToolError(
            f"{source}: not a package index JSON document (no 'info' "
            "object); check --index-url points at a JSON API such as "
            "https://pypi.org/pypi")
    info = document["info"]
    releases_obj = document.get("releases")
    releases: list[Release] = []
    if isinstance(releases_obj, Mapping):
        for version, files in releases_obj.items():
            if not isinstance(files, list):
                continue
            parsed = [f for f in (_file(e) for e in files) if f is not None]
            releases.append(Release(str(version), tuple(parsed)))
    releases.sort(key=_sort_key)
    urls: list[tuple[str, str]] = []
    project_urls = info.get("project_urls")
    if isinstance(project_urls, Mapping):
        for label, url in project_urls.items():
            text = _unknown(_str(url))
            if text:
                urls.append((str(label), text))
    home = _unknown(_str(info.get("home_page")))
    if home and home not in (u for _, u in urls):
        urls.insert(0, ("Homepage", home))
    classifiers = info.get("classifiers")
    return Project(
        name=_str(info.get("name")),
        version=_str(info.get("version")),
        summary=_str(info.get("summary")),
        license=_unknown(_str(info.get("license"))),
        license_expression=_str(info.get("license_expression")),
        classifiers=tuple(c for c in classifiers if isinstance(c, str))
        if isinstance(classifiers, list) else (),
        requires_python=_str(info.get("requires_python")),
        urls=tuple(urls),
        releases=tuple(releases),
    )


# -- what-broke


@dataclasses.dataclass(frozen=True, slots=True)
class NewRelease:
    """A release published after the cut-off, and whether it gets in."""

    name: str
    version: str
    uploaded: datetime.datetime
    allowed: bool  # the global specifiers (and pip's defaults) let it in
    why: str  # "allowed by !=2.0", "excluded by !=2.0", "yanked", ...
    pinned: str  # the upper-constraints pin, "" if none
    held: str = ""  # the holds that keep it out, "" if none

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "version": self.version,
            "uploaded": self.uploaded.isoformat(),
            "allowed": self.allowed, "why": self.why,
            "pinned": self.pinned, "held": self.held,
        }


def specifiers_for(
    doc: reqfile.RequirementsFile | None, name: str
) -> tuple[str, ...]:
    """The specifiers of every line for canonical *name* in *doc*."""
    if doc is None:
        return ()
    lines = doc.by_name().get(name, [])
    return tuple(line.req.specifier for line in lines
                 if line.req is not None)


def _admits(specifiers: Iterable[str], release: Release) -> tuple[bool, str]:

    if release.yanked:
        return False, "yanked"
    if release.prerelease:
        return False, "pre-release (pip skips it by default)"
    specs = [s for s in specifiers]
    if not specs:  # a transitive dependency: nothing keeps it out
        return True, "not in the global list"
    parsed = release.parsed
    if parsed is None:
        return False, "not a PEP 440 version"
    for spec in specs:  # one line per marker: any line that admits it
        if SpecifierSet(spec).contains(parsed, prereleases=True):
            return True, ("allowed by " + spec if spec
                          else "no specifier in the global list")
    return False, "excluded by " + " / ".join(specs)


def new_releases(
    project: Project,
    name: str,
    since: datetime.datetime,
    specifiers: Iterable[str] = (),
    pinned: str = "",
) -> list[NewRelease]:
    """Releases of *project* first uploaded after *since*, newest first.

    :param specifiers: the global list's specifiers for the name, one per
        line; a release is let in when any of them admits it and it is
        neither yanked nor a pre-release.
    """
    specs = tuple(specifiers)
    found = []
    for rel in project.releases:
        when = rel.uploaded
        if when is None or when <= since:
            continue
        allowed, why = _admits(specs, rel)
        found.append(NewRelease(name, rel.version, when, allowed, why,
                                pinned))
    found.sort(key=lambda r: r.uploaded, reverse=True)
    return found


def names_of(*docs: reqfile.RequirementsFile | None) -> list[str]:
    """Canonical names in the given lists, sorted, each once."""
    found: set[str] = set()
    for doc in docs:
        if doc is not None:
            found.update(doc.by_name())
    return sorted(found)


def what_broke(
    projects: Mapping[str, Project],
    since: datetime.datetime,
    global_doc: reqfile.RequirementsFile | None,
    upper_doc: reqfile.RequirementsFile | None,
    holds: holds_mod.Holds | None = None,
) -> list[NewRelease]:
    """Every release after *since* of the given projects, newest first.

    A release a hold keeps out does not get in; its ``held`` says which
    hold and why.

    :param projects: canonical name -> what the index says about it.
    """
    pinned = constraints.versions_by_name(upper_doc)
    found: list[NewRelease] = []
    for name, project in projects.items():
        for rel in new_releases(
                project, name, since, specifiers_for(global_doc, name),
                ",".join(pinned.get(name, ()))):
            keeping = (holds.keeping_out(name, rel.version) if holds
                       else [])
            if keeping:
                held = "; ".join(h.describe() for h in keeping)
                rel = dataclasses.replace(
                    rel, allowed=False, held=held, why=f"held: {held}")
            found.append(rel)
    found.sort(key=lambda r: (r.uploaded, r.name), reverse=True)
    return found
