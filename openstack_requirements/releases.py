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
here into typed objects (a release's file entries lazily, when they are
asked for), so the rest of the code never looks at untyped JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
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
    #: Where to download it: known for the latest release's files only
    #: (the JSON API's ``urls``), else "".
    url: str = ""
    size: int | None = None
    sha256: str = ""


class Release:
    """One version of a project and its files.

    Built from the index's file entries, which are only turned into
    :class:`File` objects when :attr:`files` is asked for: a project
    document lists every file of every release (hundreds of thousands
    over a whole contract), and what-broke and health-report need only
    the upload time, the yanked state and the version of most releases.
    Those come straight from the entries.
    """

    __slots__ = ("version", "_entries", "_located", "_files", "_parsed",
                 "_uploaded")

    def __init__(self, version: str, files: Iterable[File] = (),
                 entries: Sequence[Mapping[str, object]] | None = None,
                 located: bool = False) -> None:
        """Make a release of *files*, or of index *entries*.

        :param located: the entries say where to download each file
            (see :func:`_file`).
        """
        self.version = version
        self._entries = entries
        self._located = located
        self._files: tuple[File, ...] | None = (
            None if entries is not None else tuple(files))
        self._parsed: Version | None | bool = False  # False: not yet
        self._uploaded: datetime.datetime | None | bool = False

    def __repr__(self) -> str:
        return f"Release({self.version!r}, {len(self.files)} file(s))"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return (self.version, self.files) == (other.version, other.files)

    def __hash__(self) -> int:
        return hash((self.version, self.files))

    @property
    def files(self) -> tuple[File, ...]:
        if self._files is None:
            # _entries stays: another thread may be reading it.
            self._files = tuple(
                f for f in (_file(e, self._located)
                            for e in self._entries or ())
                if f is not None)
        return self._files

    @property
    def has_files(self) -> bool:
        if self._files is None:
            return bool(self._entries)
        return bool(self._files)

    @property
    def uploaded(self) -> datetime.datetime | None:
        """When the first file of the release was uploaded."""
        if self._uploaded is False:
            if self._files is None:
                self._uploaded = _first_upload(self._entries or ())
            else:
                times = [f.uploaded for f in self._files
                         if f.uploaded is not None]
                self._uploaded = min(times) if times else None
        return self._uploaded  # type: ignore[return-value]

    @property
    def yanked(self) -> bool:
        """Yanked when every file is (PEP 592 yanks whole releases)."""
        if self._files is None:
            entries = self._entries or ()
            return bool(entries) and all(
                e.get("yanked") is True for e in entries)
        return bool(self._files) and all(f.yanked for f in self._files)

    @property
    def yanked_reason(self) -> str:
        reasons = {f.yanked_reason for f in self.files if f.yanked_reason}
        return "; ".join(sorted(reasons))

    @property
    def parsed(self) -> Version | None:
        """The PEP 440 version, or None for a legacy version string."""
        if self._parsed is False:
            self._parsed = _version(self.version)
        return self._parsed  # type: ignore[return-value]

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


def _first_upload(
    entries: Iterable[Mapping[str, object]]
) -> datetime.datetime | None:
    """The earliest upload time of the file entries.

    ISO 8601 UTC times ("...Z", or the old "upload_time" without a zone)
    sort as text on their first 19 characters (to the second): only the
    times in the earliest second are parsed.  Times in other zones are
    all parsed.
    """
    texts = [t for t in [e.get("upload_time_iso_8601") or e.get(
        "upload_time") for e in entries] if t and isinstance(t, str)]
    if not texts:
        return None
    if all(t[-1] == "Z" or len(t) == 19 for t in texts):
        second = min(t[:19] for t in texts)
        texts = [t for t in texts if t.startswith(second)]
    times = [w for w in map(_time, texts) if w is not None]
    return min(times) if times else None


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
            if not rel.has_files or rel.yanked or rel.parsed is None:
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


def _file(entry: object, located: bool = False) -> File | None:
    """A File from an index file entry.

    *located*: read where to download it too (``url``, ``size``, the
    sha256); only the latest release's entries (the document's ``urls``)
    are read so, so that the trimmed cache copy parses the same.
    """
    if not isinstance(entry, Mapping):
        return None
    reason = entry.get("yanked_reason")
    size = entry.get("size") if located else None
    digests = entry.get("digests") if located else None
    return File(
        filename=_str(entry.get("filename")),
        packagetype=_str(entry.get("packagetype")),
        uploaded=_time(entry.get("upload_time_iso_8601")
                       or entry.get("upload_time")),
        requires_python=_str(entry.get("requires_python")),
        yanked=entry.get("yanked") is True,
        yanked_reason=_str(reason),
        url=_str(entry.get("url")) if located else "",
        size=size if isinstance(size, int) and size >= 0 else None,
        sha256=_str(digests.get("sha256"))
        if isinstance(digests, Mapping) else "",
    )


def _unlocated(entry: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in entry.items()
            if key not in ("url", "size", "digests")}


def located_files(document: object) -> tuple[File, ...]:
    """The files a JSON API document's ``urls`` lists, located.

    With where to download each; a release document's ``urls`` are that
    release's files.
    """
    entries = (document.get("urls")
               if isinstance(document, Mapping) else None)
    if not isinstance(entries, list):
        return ()
    return tuple(f for f in (_file(e, located=True) for e in entries)
                 if f is not None)


def _sort_key(rel: Release) -> tuple[int, object, str]:
    parsed = rel.parsed
    if parsed is None:  # legacy versions sort first, by upload time
        when = rel.uploaded
        return (0, when.timestamp() if when else 0.0, rel.version)
    return (1, parsed, rel.version)


def _unknown(value: str) -> str:
    # setuptools used to write the literal "UNKNOWN" for unset fields.
    return "" if value.upper() in ("UNKNOWN", "NONE") else value


#: What :func:`_file` reads of a file entry (and, when located,
#: ``digests``' sha256): :func:`trim` keeps these and nothing else.
_FILE_KEYS = ("filename", "packagetype", "upload_time_iso_8601",
              "requires_python", "yanked", "yanked_reason")
_LOCATED_KEYS = (*_FILE_KEYS, "url", "size")


def _trim_file(entry: object, located: bool = False) -> object:
    if not isinstance(entry, dict):
        return entry
    kept = {key: entry[key] for key in (_LOCATED_KEYS if located
                                        else _FILE_KEYS) if key in entry}
    if not entry.get("upload_time_iso_8601") and "upload_time" in entry:
        kept["upload_time"] = entry["upload_time"]
    digests = entry.get("digests")
    if located and isinstance(digests, dict) and "sha256" in digests:
        kept["digests"] = {"sha256": digests["sha256"]}
    return kept


def trim(document: object) -> object:
    """*document* with only what the toolkit reads of it.

    That is what :func:`parse_project` and
    :func:`openstack_requirements.advisories.parse` read.  A project
    document lists every file of every release with a dozen fields each,
    and the long description; the cache keeps the trimmed copy (about
    half the size), which parses to the same Project.
    Anything that is not a project document is returned as it is.
    """
    if not isinstance(document, dict) or not isinstance(
            document.get("releases"), dict):
        return document
    trimmed = {key: value for key, value in document.items()
               if key not in ("releases", "urls", "info")}
    info = document.get("info")
    if isinstance(info, dict):
        trimmed["info"] = {key: value for key, value in info.items()
                           if key != "description"}
    trimmed["releases"] = {
        version: [_trim_file(e) for e in files]
        if isinstance(files, list) else files
        for version, files in document["releases"].items()}
    if isinstance(document.get("urls"), list):
        trimmed["urls"] = [_trim_file(e, located=True)
                           for e in document["urls"]]
    return trimmed


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
        latest = _str(info.get("version"))
        listed = document.get("urls")
        located = {e.get("filename"): e for e in listed
                   if isinstance(e, dict)} if isinstance(listed, list) else {}
        for version, files in releases_obj.items():
            if not isinstance(files, list):
                continue
            entries = [e for e in files if isinstance(e, dict)]
            if version == latest and located:
                # Where to download them: from "urls", by file name; a
                # file "urls" does not list stays unlocated.
                releases.append(Release(str(version), entries=[
                    located.get(e.get("filename"), _unlocated(e))
                    for e in entries], located=True))
                continue
            releases.append(Release(str(version), entries=entries))
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
    listed = global_doc.by_name() if global_doc is not None else {}
    found: list[NewRelease] = []
    for name, project in projects.items():
        specifiers = tuple(line.req.specifier for line in listed.get(name, ())
                           if line.req is not None)
        for rel in new_releases(project, name, since, specifiers,
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
