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
nothing again, not even about a release the index does not have.  The
Debian look-up is :mod:`openstack_requirements.distro`.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
import hashlib
import json
import os
import re
import time
from urllib.parse import quote

from openstack_requirements import advisories
from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements import releases
from openstack_requirements import requirement
from openstack_requirements import transport

DEFAULT_INDEX = "https://pypi.org/pypi"
CACHE_SECONDS = 3600.0


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

    def _cached(self, url: str, path: str | None) -> object | None:

        if path is None or not os.path.exists(path):
            return None
        try:
            entry = json.loads(fileio.read_text(path))
        except (ValueError, errors.RequirementsError):
            return None  # a damaged entry is refetched and replaced
        if not isinstance(entry, dict) or entry.get("url") != url:
            return None
        fetched = entry.get("fetched")
        if not isinstance(fetched, (int, float)):
            return None
        if not 0 <= self.clock() - fetched < self.max_age:
            return None
        if isinstance(entry.get("missing"), str):
            raise ProjectNotFoundError(entry["missing"])
        return entry.get("data")

    def _store(self, url: str, path: str | None, data: object,
               missing: str = "") -> None:

        if path is None:
            return
        entry = ({"url": url, "fetched": self.clock(), "missing": missing}
                 if missing else
                 {"url": url, "fetched": self.clock(), "data": data})
        try:
            os.makedirs(self.cache_dir or ".", exist_ok=True)
            fileio.atomic_write(path, json.dumps(entry,
                                                 separators=(",", ":")))
        except (OSError, errors.RequirementsError):
            pass  # the cache is an optimisation; a read-only home is fine

    def fetch(self, name: str, version: str = "") -> object:
        """The decoded JSON document for project *name* (or a release).

        :raises ProjectNotFoundError: the index answered 404 (now, or
            within the cache's hour).
        :raises IndexUnavailableError: no usable answer after the retries.
        """
        url = self.url_for(name, version)
        path = self._cache_path(url)
        cached = self._cached(url, path)
        if cached is not None:
            return cached
        try:
            data = self._get(url)
        except ProjectNotFoundError as exc:
            self._store(url, path, None, missing=str(exc))
            raise
        self._store(url, path, data)
        return data

    def project(self, name: str) -> releases.Project:
        """The index's Project for *name*."""
        return releases.parse_project(self.fetch(name), self.url_for(name))

    def advisories(self, name: str, version: str) -> list[
            advisories.Advisory]:
        """The known vulnerabilities of release *version* of *name*."""
        return advisories.parse(self.fetch(name, version),
                                self.url_for(name, version))

    def _get(self, url: str) -> object:

        try:
            body = self._transport.get(url, accept="application/json").body
        except transport.NotFoundError as exc:
            raise ProjectNotFoundError(
                f"no project {url.rsplit('/', 2)[-2]!r} on the "
                f"index ({exc}); check the spelling or --index-url"
            ) from exc
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise transport.IndexUnavailableError(
                f"{url} returned malformed JSON ({exc}); is "
                "--index-url a JSON API such as "
                "https://pypi.org/pypi?", url) from exc
