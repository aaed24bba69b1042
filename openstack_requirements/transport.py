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

"""The one HTTP(S) and file:// transport of the index clients. Network.

Both index clients fetch through :class:`Transport`: the JSON API client
(:mod:`openstack_requirements.indexclient`, for review-requirement and
what-broke) and the simple-API client
(:class:`openstack_requirements.simpleindex.Client`, for
build-wheel-mirror and check-mirror).  One policy for all of them:

- a timeout on every socket operation;
- retries with exponential backoff (``backoff``, then twice that, ...)
  on connection failures, timeouts, broken answers and HTTP 5xx/429;
  other 4xx answers are not retried, and 404/410 raise
  :class:`NotFoundError`;
- one TLS context per host, made once (a bare ``urlopen`` builds one per
  request, ~30 ms of CPU each, for hundreds of pages);
- ``Accept-Encoding: gzip`` on whole-body requests (index answers of big
  projects are megabytes of text);
- ``file://`` URLs read from disk, without retries.

Failures raise :class:`IndexUnavailableError` (a ToolError: exit 3)
whose message names the URL, what went wrong and what to do.
"""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import dataclasses
import gzip
import hashlib
import http.client
import ssl
import threading
import time
import typing
import urllib.error
import urllib.parse
import urllib.request

from openstack_requirements import errors

DEFAULT_TIMEOUT = 15.0  # seconds per socket operation, as pip's --timeout
DEFAULT_RETRIES = 3  # attempts after the first one
DEFAULT_BACKOFF = 1.0  # seconds before the first retry; doubles after
USER_AGENT = "openstack-requirements"
OFFLINE_HINT = ("check the network (are you offline?) or pass --index-url "
                "for a reachable index")
CHUNK = 1 << 20

T = typing.TypeVar("T")


class IndexUnavailableError(errors.ToolError):
    """The index could not be reached or gave an unusable answer."""

    def __init__(self, msg: str, url: str = "") -> None:
        super().__init__(msg)
        self.url = url


class NotFoundError(IndexUnavailableError):
    """The index has nothing at that URL (HTTP 404/410, no such file)."""


class _Body(typing.Protocol):
    """An answer being read: an HTTP response or an open file."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to *size* bytes; all that is left by default."""


@dataclasses.dataclass(frozen=True)
class Answer:
    """An answer being read: the body, what its headers say."""

    body: _Body
    url: str  # after redirects
    content_type: str
    encoding: str  # Content-Encoding
    length: int | None  # Content-Length
    #: X-PyPI-Last-Serial: the index's change counter (PyPI, devpi).
    last_serial: str | None = None


@dataclasses.dataclass(frozen=True)
class Response:
    """A whole answer: the final URL (after redirects), its type, body."""

    url: str
    content_type: str
    body: bytes
    last_serial: str | None = None  # X-PyPI-Last-Serial


def file_path(url: str) -> str | None:
    """The local path of a ``file://`` *url*; None for other schemes."""

    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "file":
        return None
    return urllib.request.url2pathname(parts.path)


# Our own disk failing is not the index failing: not retried, and an
# InputError (exit 2) like every failed local write (fileio), not a
# ToolError.


def _create(stack: contextlib.ExitStack, path: str) -> typing.BinaryIO:
    try:
        return stack.enter_context(open(path, "wb"))
    except OSError as exc:
        raise errors.InputError(
            f"cannot write {path}: {exc.strerror or exc}") from exc


def _write(out: typing.BinaryIO, chunk: bytes) -> None:
    try:
        out.write(chunk)
    except OSError as exc:
        raise errors.InputError(
            f"cannot write {out.name}: {exc.strerror or exc}") from exc


def _length(header: str | None) -> int | None:
    return int(header) if header and header.isdigit() else None


class Transport:
    """Fetch URLs with the shared timeout, retry and TLS policy.

    Thread-safe: the clients fetch pages and files in parallel.

    :param timeout: seconds per socket operation (connect, each read).
    :param retries: attempts after the first one.
    :param backoff: seconds before the first retry, doubled after each
        (default :data:`DEFAULT_BACKOFF`).
    :param sleep: the backoff seam (tests pass a recorder).
    :param hint: what to do, appended to the error when retries run out.
    """

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        hint: str = OFFLINE_HINT,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        # Looked up now, not at import: a test of a whole command
        # shortens the module's backoff instead of sleeping seconds.
        self.backoff = DEFAULT_BACKOFF if backoff is None else backoff
        self.sleep = sleep
        self.hint = hint
        self._lock = threading.Lock()
        self._openers: dict[str, urllib.request.OpenerDirector] = {}

    # -- the public calls

    def get(self, url: str, accept: str | None = None) -> Response:
        """The whole answer at *url*, gzip undone.

        :raises NotFoundError: nothing there (404/410, no such file).
        :raises IndexUnavailableError: no usable answer after retries.
        """

        def read(answer: Answer) -> Response:
            data = answer.body.read()  # IncompleteRead if cut short
            if answer.encoding == "gzip":
                data = gzip.decompress(data)  # BadGzipFile is retried
            return Response(answer.url, answer.content_type, data,
                            answer.last_serial)

        return self.fetch(url, read, accept=accept, gzip=True)

    def sha256(self, url: str, path: str | None = None) -> str:
        """The sha256 of the file at *url*, streamed; kept at *path*.

        A retry starts the file again from its first byte.
        """

        def read(answer: Answer) -> str:
            digest = hashlib.sha256()
            size = 0
            with contextlib.ExitStack() as stack:
                out = None if path is None else _create(stack, path)
                while chunk := answer.body.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if out is not None:
                        _write(out, chunk)
            if answer.length is not None and size != answer.length:
                # http.client ends a chunked read early without a word.
                raise ConnectionError(f"cut short after {size} of "
                                      f"{answer.length} bytes")
            return digest.hexdigest()

        return self.fetch(url, read)

    def fetch(
        self,
        url: str,
        read: Callable[[Answer], T],
        accept: str | None = None,
        gzip: bool = False,
    ) -> T:
        """What *read* makes of the answer at *url*.

        *read* runs inside the retry loop, so a connection that breaks
        mid-body is retried like one that never opened.
        """
        path = file_path(url)
        if path is not None:
            return self._fetch_file(url, path, read)
        return self._fetch_http(url, read, accept, gzip)

    # -- I/O

    def _fetch_file(self, url: str, path: str,
                    read: Callable[[Answer], T]) -> T:
        ctype = ("application/json" if path.endswith(".json")
                 else "text/html" if path.endswith(".html")
                 else "application/octet-stream")
        try:
            with open(path, "rb") as body:
                return read(Answer(body, url, ctype, "", None))
        except (FileNotFoundError, NotADirectoryError) as exc:
            raise NotFoundError(f"{path}: no such file", url) from exc
        except OSError as exc:
            raise IndexUnavailableError(
                f"cannot read {path}: {exc.strerror or exc}", url) from exc

    def _opener(self, url: str) -> urllib.request.OpenerDirector:
        """The opener, with its TLS context, for the host of *url*."""

        host = urllib.parse.urlsplit(url).netloc.lower()
        with self._lock:
            opener = self._openers.get(host)
            if opener is None:
                opener = urllib.request.build_opener(
                    urllib.request.HTTPSHandler(
                        context=ssl.create_default_context()))
                self._openers[host] = opener
            return opener

    def _fetch_http(
        self,
        url: str,
        read: Callable[[Answer], T],
        accept: str | None,
        gzip: bool,
    ) -> T:

        headers = {"User-Agent": USER_AGENT}
        if accept:
            headers["Accept"] = accept
        if gzip:
            headers["Accept-Encoding"] = "gzip"
        request = urllib.request.Request(url, headers=headers)
        opener = self._opener(url)
        last = ""
        attempt = 0
        while True:
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            attempt += 1
            try:
                with opener.open(request, timeout=self.timeout) as response:
                    return read(Answer(
                        response, response.geturl(),
                        response.headers.get_content_type(),
                        response.headers.get("Content-Encoding", ""),
                        _length(response.headers.get("Content-Length")),
                        response.headers.get("X-PyPI-Last-Serial")))
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code} {exc.reason}"
                if exc.code in (404, 410):
                    raise NotFoundError(f"{url} answered {exc.code}",
                                        url) from exc
                if exc.code < 500 and exc.code != 429:
                    # A client error will not change on retry.
                    raise IndexUnavailableError(
                        f"cannot get {url}: {last}; check --index-url",
                        url) from exc
                failure: Exception = exc
            except urllib.error.URLError as exc:
                last = str(exc.reason)
                failure = exc
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                # Timeouts and resets mid-body, truncated answers.
                last = f"{type(exc).__name__}: {exc}" if str(exc) else (
                    f"timed out after {self.timeout:g}s"
                    if isinstance(exc, TimeoutError)
                    else type(exc).__name__)
                failure = exc
            if attempt > self.retries:
                raise IndexUnavailableError(
                    f"cannot get {url} after {attempt} attempt(s): {last}; "
                    f"{self.hint}", url) from failure
