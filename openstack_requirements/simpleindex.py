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

"""The one client of PEP 503/691 simple indexes: project pages, file
downloads with their hash checked, hash verification. Network.

Not to be confused with the pip/uv index options of
:mod:`openstack_requirements.venv` or the JSON-API client
(:mod:`openstack_requirements.indexclient`).  Fetches go through the
shared :class:`openstack_requirements.transport.Transport`; the pages
are parsed by :mod:`openstack_requirements.simpleapi`.
"""

from __future__ import annotations

from collections.abc import Iterable
import concurrent.futures
import hashlib
import os
import tempfile
import urllib.parse
import zipfile

from openstack_requirements import errors
from openstack_requirements import simpleapi
from openstack_requirements import transport

PYPI = "https://pypi.org/simple/"
FETCH_TIMEOUT = 60.0  # seconds per socket operation: big files
#: Prefix of a download in progress; removed if the download fails.
DOWNLOADING = ".download-"


class Client:
    """A PEP 503/691 simple index at *url* (http(s):// or file://).

    Fetches through the shared :class:`transport.Transport`: its
    timeout, retries with backoff, one TLS context per host, gzip.
    """

    def __init__(self, url: str,
                 http: transport.Transport | None = None) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.http = http or transport.Transport(timeout=FETCH_TIMEOUT)
        #: X-PyPI-Last-Serial of each project page read, when sent.
        self.serials: dict[str, str] = {}

    def page_url(self, name: str) -> str:
        return urllib.parse.urljoin(self.url, urllib.parse.quote(name) + "/")

    def project(self, name: str) -> list[simpleapi.File] | None:
        """Files of project *name*, or None if the index has no such page.

        :raises IndexUnavailableError: the index cannot be reached.
        """
        url = self.page_url(name)
        # A directory on disk has no server to pick its index page: its
        # PEP 691 JSON form (sizes, upload times) where there is one.
        directory = transport.file_path(url)
        as_json = directory is not None and os.path.isfile(
            os.path.join(directory, simpleapi.JSON_PAGE))
        local = (url if directory is None
                 else url + (simpleapi.JSON_PAGE if as_json
                             else simpleapi.PAGE))
        try:
            response = self.http.get(local, accept=simpleapi.ACCEPT)
        except transport.NotFoundError:
            return None
        if response.last_serial:
            self.serials[name] = response.last_serial
        text = response.body.decode("utf-8", "replace")
        try:
            if as_json or response.content_type in (
                    simpleapi.JSON_CONTENT_TYPE, "application/json"):
                return simpleapi.parse_project_json(text, response.url)
            return simpleapi.parse_project(text, response.url)
        except (ValueError, KeyError, TypeError) as exc:
            raise transport.IndexUnavailableError(
                f"{url}: not a simple-API page: {exc}", url) from exc

    def download(self, f: simpleapi.File, directory: str) -> tuple[str, str]:
        """Fetch *f* into *directory*; (path, sha256).  Hash checked.

        :raises IndexUnavailableError: unreachable, or the hash differs.
        """
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=DOWNLOADING)
        os.close(fd)
        try:
            sha256 = self.http.sha256(f.url, tmp)
        except BaseException:
            os.unlink(tmp)
            raise
        if f.sha256 and f.sha256 != sha256:
            os.unlink(tmp)
            raise transport.IndexUnavailableError(
                f"{f.url}: sha256 is {sha256} but the index says "
                f"{f.sha256}", f.url)
        return tmp, sha256

    def hash_of(self, url: str) -> str:
        """sha256 of the file at *url* (streamed, not kept)."""
        return self.http.sha256(url)


def core_metadata(index: Client, f: simpleapi.File) -> str | None:
    """The core metadata of *f* without fetching the file, or None.

    Its PEP 658 ``.metadata`` file when the page announces one (hash
    checked).  A wheel in a local mirror without one is read in place.
    """
    if f.metadata_sha256:
        try:
            body = index.http.get(f.url + ".metadata").body
        except transport.IndexUnavailableError:
            return None
        if hashlib.sha256(body).hexdigest() != f.metadata_sha256:
            return None
        return body.decode("utf-8", "replace")
    path = transport.file_path(f.url)
    if path is not None and os.path.isfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.endswith(".dist-info/METADATA") and (
                            member.count("/") == 1):
                        return archive.read(member).decode("utf-8",
                                                           "replace")
        except (OSError, zipfile.BadZipFile):
            return None
    return None


def fetch_pages(
    index: Client, names: Iterable[str], workers: int = 16
) -> dict[str, list[simpleapi.File] | None]:
    """Project pages of *names*, fetched in parallel.

    The first page that cannot be fetched stops the rest: an offline
    machine is told so after one page's retries, not after every page's.

    :raises ToolError: the index cannot be reached.
    """
    unique = sorted(set(names))
    pool = concurrent.futures.ThreadPoolExecutor(workers)
    try:
        found = list(pool.map(index.project, unique))
    except transport.IndexUnavailableError as exc:
        raise errors.ToolError(f"cannot read the index: {exc}") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return dict(zip(unique, found, strict=True))


def verify_remote(
    index: Client, files: Iterable[simpleapi.File], workers: int = 8
) -> list[errors.Finding]:
    """Fetch each of *files* and compare it with its ``#sha256=``."""

    def one(f: simpleapi.File) -> errors.Finding | None:
        if not f.sha256:
            return errors.Finding(index.url, None, f"{f.url} is listed "
                                  "without #sha256=", "hash")
        try:
            actual = index.hash_of(f.url)
        except transport.IndexUnavailableError as exc:
            return errors.Finding(index.url, None,
                                  f"{f.filename} cannot be fetched: {exc}",
                                  "missing-file")
        if actual != f.sha256:
            return errors.Finding(
                index.url, None, f"{f.url} has sha256 {actual}, its page "
                f"says {f.sha256}", "hash")
        return None

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return [x for x in pool.map(one, files) if x is not None]
