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

"""Package index JSON API client and Debian look-up. Does I/O.

``GET {index}/{name}/json`` through the shared
:class:`openstack_requirements.transport.Transport` (timeout, retries
with backoff, TLS, gzip), with an on-disk cache whose entries are good
for an hour.  It also runs ``apt-cache`` to find a Debian package for a
name.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import hashlib
import os
import re
import shutil
import time
import typing

from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements import releases
from openstack_requirements import requirement
from openstack_requirements import review
from openstack_requirements import transport

if typing.TYPE_CHECKING:  # pragma: no cover
    import subprocess

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

    def url_for(self, name: str) -> str:
        from urllib.parse import quote

        canonical = requirement.canonical_name(name)
        return f"{json_api_root(self.index_url)}/{quote(canonical)}/json"

    def _cache_path(self, url: str) -> str | None:
        if not self.cache_dir:
            return None
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        name = re.sub(r"[^a-z0-9.-]", "_", url.rsplit("/", 2)[-2].lower())
        return os.path.join(self.cache_dir, f"{name}-{digest}.json")

    def _cached(self, url: str, path: str | None) -> object | None:
        import json

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
        return entry.get("data")

    def _store(self, url: str, path: str | None, data: object) -> None:
        import json

        if path is None:
            return
        try:
            os.makedirs(self.cache_dir or ".", exist_ok=True)
            fileio.atomic_write(path, json.dumps(
                {"url": url, "fetched": self.clock(), "data": data},
                separators=(",", ":")))
        except (OSError, errors.RequirementsError):
            pass  # the cache is an optimisation; a read-only home is fine

    def fetch(self, name: str) -> object:
        """The decoded JSON document for project *name*.

        :raises ProjectNotFoundError: the index answered 404.
        :raises IndexUnavailableError: no usable answer after the retries.
        """
        url = self.url_for(name)
        path = self._cache_path(url)
        cached = self._cached(url, path)
        if cached is not None:
            return cached
        data = self._get(url)
        self._store(url, path, data)
        return data

    def project(self, name: str) -> releases.Project:
        """The index's Project for *name*."""
        return releases.parse_project(self.fetch(name), self.url_for(name))

    def _get(self, url: str) -> object:
        import json

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


# -- Debian


def debian_names(name: str) -> list[str]:
    """Debian binary package names that may hold Python project *name*.

    Debian names Python 3 modules ``python3-<module>``, keeping dots
    (``python3-oslo.config``) and dropping a ``python-``/``py`` prefix
    (``python3-ldap``, ``python3-yaml``).
    """
    lowered = name.lower().replace("_", "-")
    stems = [lowered, requirement.canonical_name(name),
             lowered.replace("-", ".")]  # python3-mysql.connector
    for prefix in ("python-", "py"):
        if lowered.startswith(prefix) and len(lowered) > len(prefix) + 1:
            stems.append(lowered[len(prefix):])
            break  # "python-ldap" is not "thon-ldap"
    seen: list[str] = []
    for stem in stems:
        candidate = f"python3-{stem}"
        if candidate not in seen:
            seen.append(candidate)
    return seen


def parse_apt_policy(text: str) -> dict[str, str]:
    """``apt-cache policy A B ...`` output -> {package: candidate}."""
    found: dict[str, str] = {}
    package = ""
    for line in text.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            package = line[:-1].strip()
        elif package and line.strip().startswith("Candidate:"):
            candidate = line.split(":", 1)[1].strip()
            if candidate and candidate != "(none)":
                found[package] = candidate
    return found


def debian_lookup(
    name: str,
    apt_cache: str | None = None,
    run: Callable[..., subprocess.CompletedProcess[str]] | None = None,
    env: Mapping[str, str] | None = None,
) -> review.DistroInfo:
    """Look *name* up in the machine's Debian package lists.

    "unknown" where ``apt-cache`` is missing, fails, or has no package
    lists (``apt-get update`` never ran: then even ``python3`` is
    unknown to it).

    :param apt_cache: the executable; found on *env*'s PATH when None.
    :param run: the subprocess seam, ``subprocess.run`` by default.
    :param env: the environment apt-cache runs in (the command passes
        its own); ``LC_ALL=C`` is added.  None: an empty one, with the
        default PATH.
    """
    import subprocess

    environ = dict(env or {})
    exe = apt_cache or shutil.which(
        "apt-cache", path=environ.get("PATH", os.defpath))
    if not exe:
        return review.DistroInfo("unknown",
                                 detail="apt-cache is not available here")
    names = debian_names(name)
    command: Sequence[str] = (exe, "policy", "python3", *names)
    runner = run or subprocess.run
    try:
        result = runner(list(command), capture_output=True, text=True,
                        timeout=60, check=False,
                        env={**environ, "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError) as exc:
        return review.DistroInfo("unknown", detail=f"apt-cache failed: "
                                 f"{exc}")
    if result.returncode != 0:
        return review.DistroInfo(
            "unknown", detail="apt-cache failed: "
            + (result.stderr.strip().splitlines() or ["no output"])[-1])
    found = parse_apt_policy(result.stdout)
    for candidate in names:
        if candidate in found:
            return review.DistroInfo("packaged", candidate,
                                     found[candidate])
    if "python3" not in found:
        return review.DistroInfo(
            "unknown", detail="apt-cache has no package lists; run "
            "apt-get update")
    return review.DistroInfo("not packaged",
                             detail="looked for " + ", ".join(names))
