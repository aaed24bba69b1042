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

"""Package index JSON API client. Network.

``GET {index}/{name}/json`` through the shared
:class:`openstack_requirements.transport.Transport` (timeout, retries
with backoff, TLS, gzip), with an on-disk cache whose entries are good
for an hour; a 404 is cached too (for the same hour), so a warm run asks
nothing again, not even about a release the index does not have.  After
the hour an answer that carried an ETag or Last-Modified is revalidated
with a conditional request: a 304 costs no body and no parsing.  The
Debian look-up is :mod:`openstack_requirements.distro`.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
import hashlib
import io
import json
import os
import re
import time
from urllib.parse import quote
import zipfile

from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import advisories
from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements import releases
from openstack_requirements import requirement
from openstack_requirements import review
from openstack_requirements import transport

DEFAULT_INDEX = "https://pypi.org/pypi"
CACHE_SECONDS = 3600.0
#: A bigger wheel is not downloaded to read its import names.
MAX_WHEEL_BYTES = 30 << 20


class ProjectNotFoundError(errors.InputError):
    """The index has no project of that name (HTTP 404)."""


def json_api_root(index_url: str) -> str:
    """The JSON API root for *index_url*.

    A pip-style simple index URL (``https://pypi.org/simple``) becomes
    the JSON API beside it (``https://pypi.org/pypi``), as on PyPI,
    devpi and Warehouse mirrors; any other URL is used as given.
    """
    url = index_url.rstrip("/")
    if url.endswith("/simple"):
        url = url[: -len("/simple")] + "/pypi"
    return url


@dataclasses.dataclass(frozen=True)
class Client:
    """Fetch ``/pypi/NAME/json`` documents.

    :param cache_dir: where answers are kept; None disables the cache.
    :param retries: attempts after the first one.
    :param sleep: the backoff seam (tests pass a recorder).
    """

    index_url: str = DEFAULT_INDEX
    timeout: float = transport.DEFAULT_TIMEOUT
    retries: int = transport.DEFAULT_RETRIES
    backoff: float = transport.DEFAULT_BACKOFF
    cache_dir: str | None = None
    max_age: float = CACHE_SECONDS
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    _transport: transport.Transport = dataclasses.field(
        init=False, repr=False, compare=False)
    #: canonical name -> (latest version, its advisories), from the
    #: project documents fetched so far.
    _latest: dict[str, tuple[str, tuple[advisories.Advisory, ...]]] = (
        dataclasses.field(default_factory=dict, init=False, repr=False,
                          compare=False))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_transport", transport.Transport(
            timeout=self.timeout, retries=self.retries,
            backoff=self.backoff, sleep=self.sleep,
            hint=transport.OFFLINE_HINT
            + "; answers are cached for an hour"))

    def url_for(self, name: str, version: str = "") -> str:
        """``/NAME/json``, or ``/NAME/VERSION/json`` for one release."""
        canonical = requirement.canonical_name(name)
        release = f"/{quote(version)}" if version else ""
        return (f"{json_api_root(self.index_url)}/{quote(canonical)}"
                f"{release}/json")

    def _cache_path(self, url: str) -> str | None:
        if not self.cache_dir:
            return None
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        name = re.sub(r"[^a-z0-9.-]", "_", url.rsplit("/", 2)[-2].lower())
        return os.path.join(self.cache_dir, f"{name}-{digest}.json")

    def _load(self, url: str, path: str | None) -> dict[str, object]:
        """The cache entry for *url*, fresh or not; {} when none."""

        if path is None or not os.path.exists(path):
            return {}
        try:
            entry = json.loads(fileio.read_text(path))
        except (ValueError, errors.RequirementsError):
            return {}  # a damaged entry is refetched and replaced
        if not isinstance(entry, dict) or entry.get("url") != url:
            return {}
        if not isinstance(entry.get("fetched"), (int, float)):
            return {}
        return entry

    def _fresh(self, entry: dict[str, object]) -> bool:
        fetched = entry.get("fetched")
        return (isinstance(fetched, (int, float))
                and 0 <= self.clock() - fetched < self.max_age)

    def _store(self, url: str, path: str | None, data: object,
               missing: str = "",
               validators: transport.Validators | None = None) -> None:

        if path is None:
            return
        entry: dict[str, object] = {"url": url, "fetched": self.clock()}
        if missing:
            entry["missing"] = missing
        else:
            entry["data"] = data
        if validators is not None and validators.etag:
            entry["etag"] = validators.etag
        if validators is not None and validators.last_modified:
            entry["last_modified"] = validators.last_modified
        try:
            os.makedirs(self.cache_dir or ".", exist_ok=True)
            fileio.atomic_write(path, json.dumps(entry,
                                                 separators=(",", ":")))
        except (OSError, errors.RequirementsError):
            pass  # the cache is an optimisation; a read-only home is fine

    def fetch(self, name: str, version: str = "") -> object:
        """The decoded JSON document for project *name* (or a release).

        A project document comes trimmed to what the toolkit reads
        (:func:`openstack_requirements.releases.trim`).

        A cached answer younger than ``max_age`` is used as it is; an
        older one that carried an ETag or Last-Modified is revalidated
        with a conditional request, and a 304 keeps it another
        ``max_age``.

        :raises ProjectNotFoundError: the index answered 404 (now, or
            within the cache's hour).
        :raises IndexUnavailableError: no usable answer after the retries.
        """
        url = self.url_for(name, version)
        path = self._cache_path(url)
        entry = self._load(url, path)
        if entry and self._fresh(entry):
            if isinstance(entry.get("missing"), str):
                raise ProjectNotFoundError(str(entry["missing"]))
            if entry.get("data") is not None:
                return entry["data"]
        validators = None
        if entry.get("data") is not None:
            validators = transport.Validators(
                str(entry.get("etag") or ""),
                str(entry.get("last_modified") or ""))
            if not validators.headers():
                validators = None
        try:
            response = self._get(url, validators)
        except ProjectNotFoundError as exc:
            self._store(url, path, None, missing=str(exc))
            raise
        if response.not_modified and validators is not None:
            self._store(url, path, entry["data"], validators=(
                transport.Validators(
                    response.etag or validators.etag,
                    response.last_modified or validators.last_modified)))
            return entry["data"]
        data = releases.trim(_decode(url, response.body))
        self._store(url, path, data, validators=transport.Validators(
            response.etag, response.last_modified))
        return data

    def cached(self, name: str, version: str = "") -> bool:
        """Whether :meth:`fetch` will likely answer from the cache.

        A hint for scheduling (by the entry's age on disk): answering
        from the cache is CPU work, best done in one thread, while
        requests are best made in parallel.
        """
        path = self._cache_path(self.url_for(name, version))
        try:
            age = time.time() - os.stat(path).st_mtime if path else None
        except OSError:
            return False
        return age is not None and 0 <= age < self.max_age

    def project(self, name: str) -> releases.Project:
        """The index's Project for *name*."""
        document = self.fetch(name)
        project = releases.parse_project(document, self.url_for(name))
        self._note_latest(name, project.version, document)
        return project

    def advisories(self, name: str, version: str) -> list[
            advisories.Advisory]:
        """The known vulnerabilities of release *version* of *name*.

        From the release's own document; when the index has none (some
        mirrors serve only project documents), from the project document,
        whose ``vulnerabilities`` are those of its latest release, if
        that is *version*.

        :raises ProjectNotFoundError: neither document says.
        """
        try:
            return advisories.parse(self.fetch(name, version),
                                    self.url_for(name, version))
        except ProjectNotFoundError:
            canonical = requirement.canonical_name(name)
            if canonical not in self._latest:
                # Only the latest version is needed: not a whole parse.
                document = self.fetch(name)
                info = (document.get("info")
                        if isinstance(document, dict) else None)
                self._note_latest(name, str(info.get("version") or "")
                                  if isinstance(info, dict) else "",
                                  document)
            latest, found = self._latest[canonical]
            if not _same_version(latest, version):
                raise
            return list(found)

    def import_names(
        self, name: str, release: releases.Release
    ) -> tuple[tuple[str, ...], str] | None:
        """The top-level import names in *release*'s smallest wheel.

        With them, the file that says so (``top_level.txt`` or
        ``RECORD``).  The project document says where the latest
        release's files are; for an older release, its own document
        does.  None when the release has no wheel the index gives a URL
        for, or only wheels over :data:`MAX_WHEEL_BYTES`.  Wheels never
        change, so the answer is cached for good (per URL).

        Only http(s) URLs are followed, and a wheel is read only up to
        :data:`MAX_WHEEL_BYTES` when the index does not give its size.

        :raises IndexUnavailableError: the download failed, or the file is
            not the wheel the index described.
        """
        files = release.files
        if files and not any(f.url for f in files):
            try:
                files = releases.located_files(
                    self.fetch(name, release.version))
            except ProjectNotFoundError:
                return None
        wheels = [f for f in files
                  if f.packagetype == "bdist_wheel"
                  and f.url.startswith(("https://", "http://"))
                  and not f.yanked and f.filename.endswith(".whl")]
        if not wheels:
            return None
        wheel = min(wheels, key=lambda f: (
            f.size if f.size is not None else MAX_WHEEL_BYTES, f.filename))
        if wheel.size is not None and wheel.size > MAX_WHEEL_BYTES:
            return None
        path = self._cache_path(wheel.url)
        entry = self._load(wheel.url, path)
        data = entry.get("data")
        if isinstance(data, dict) and isinstance(data.get("names"), list):
            return tuple(str(n) for n in data["names"]), str(
                data.get("source", ""))
        body = self._transport.fetch(wheel.url, _read_capped)
        if body is None:
            return None  # over MAX_WHEEL_BYTES, which the index left out
        if wheel.sha256 and hashlib.sha256(body).hexdigest() != wheel.sha256:
            raise transport.IndexUnavailableError(
                f"{wheel.url}: the file's sha256 is not the index's; "
                "retry, or check the index", wheel.url)
        names, source = _wheel_top_level(wheel.filename, wheel.url, body)
        self._store(wheel.url, path, {"names": list(names),
                                      "source": source})
        return names, source

    def _note_latest(self, name: str, version: str,
                     document: object) -> None:
        """Keep the latest release's advisories (not the document)."""
        self._latest[requirement.canonical_name(name)] = (
            version, tuple(advisories.parse(document, self.url_for(name))))

    def _get(self, url: str,
             validators: transport.Validators | None) -> transport.Response:

        try:
            return self._transport.get(url, accept="application/json",
                                       validators=validators)
        except transport.NotFoundError as exc:
            raise ProjectNotFoundError(
                f"no project {url.rsplit('/', 2)[-2]!r} on the "
                f"index ({exc}); check the spelling or --index-url"
            ) from exc


def _read_capped(answer: transport.Answer) -> bytes | None:
    """The whole body, or None once it is over :data:`MAX_WHEEL_BYTES`."""

    chunks = []
    size = 0
    while chunk := answer.body.read(transport.CHUNK):
        size += len(chunk)
        if size > MAX_WHEEL_BYTES:
            return None
        chunks.append(chunk)
    if answer.length is not None and size != answer.length:
        raise ConnectionError(f"cut short after {size} of "
                              f"{answer.length} bytes")
    return b"".join(chunks)


def _wheel_top_level(filename: str, url: str,
                     body: bytes) -> tuple[tuple[str, ...], str]:
    """Top-level names of the wheel *body*, and the member that says."""

    try:
        with zipfile.ZipFile(io.BytesIO(body)) as wheel:
            members = wheel.namelist()
            listed = [m for m in members if m.count("/") == 1
                      and m.endswith(".dist-info/top_level.txt")]
            text = (wheel.read(listed[0]).decode("utf-8", "replace")
                    if listed else None)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError) as exc:  # also unknown compression, encryption
        raise transport.IndexUnavailableError(
            f"{url}: not a wheel the toolkit can read ({exc}); check the "
            "index", url) from exc
    names = review.top_level_names(members, text)
    return names, f"{filename}: " + ("top_level.txt" if text is not None
                                     else "RECORD")


def _same_version(one: str, other: str) -> bool:
    try:
        return Version(one) == Version(other)
    except InvalidVersion:
        return one == other


def _decode(url: str, body: bytes) -> object:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise transport.IndexUnavailableError(
            f"{url} returned malformed JSON ({exc}); is "
            "--index-url a JSON API such as "
            "https://pypi.org/pypi?", url) from exc
