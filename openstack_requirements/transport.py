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
- kept-alive connections: an HTTP/1.1 connection is reused for the next
  request to the same host, so hundreds of pages cost a handful of DNS
  look-ups and TLS handshakes rather than one each (a stalled DNS answer
  costs seconds; a handshake ~30 ms of CPU); a reused connection that
  the server closed meanwhile is replaced at once, without counting as
  a retry;
- conditional requests: :meth:`Transport.get` sends the validators of a
  cached answer (``If-None-Match``, ``If-Modified-Since``) and reports a
  304 as ``not_modified``;
- redirects followed (up to :data:`MAX_REDIRECTS`);
- through a proxy (``https_proxy`` and friends, as pip and urllib read
  them) the standard library's opener is used instead, without reuse;
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
import weakref

from openstack_requirements import errors

DEFAULT_TIMEOUT = 15.0  # seconds per socket operation, as pip's --timeout
DEFAULT_RETRIES = 3  # attempts after the first one
DEFAULT_BACKOFF = 1.0  # seconds before the first retry; doubles after
USER_AGENT = "openstack-requirements"
OFFLINE_HINT = ("check the network (are you offline?) or pass --index-url "
                "for a reachable index")
CHUNK = 1 << 20
MAX_REDIRECTS = 10
#: A connection idle for longer is closed rather than reused (servers
#: close idle ones after 5-60 s; a reuse that fails is retried anyway).
IDLE_SECONDS = 30.0
_REDIRECTS = (301, 302, 303, 307, 308)

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
    etag: str = ""
    last_modified: str = ""
    status: int = 200  # 304 when a conditional request was answered


@dataclasses.dataclass(frozen=True)
class Response:
    """A whole answer: the final URL (after redirects), its type, body.

    ``not_modified``: the server answered 304 to the validators given
    to :meth:`Transport.get` (the body is then empty).
    """

    url: str
    content_type: str
    body: bytes
    last_serial: str | None = None  # X-PyPI-Last-Serial
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


@dataclasses.dataclass(frozen=True)
class Validators:
    """What a cached answer said of itself, for a conditional request."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        found = {}
        if self.etag:
            found["If-None-Match"] = self.etag
        if self.last_modified:
            found["If-Modified-Since"] = self.last_modified
        return found


def file_path(url: str) -> str | None:
    """The local path of a ``file://`` *url*; None for other schemes."""

    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None  # not a file:// URL either; fetching it says why
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
        self._context: ssl.SSLContext | None = None
        self._pool = _Pool()
        #: Connections opened (not reused): what keep-alive saves.
        self.connections = 0
        weakref.finalize(self, self._pool.close)

    def close(self) -> None:
        """Close the idle kept-alive connections (reopened on demand)."""
        self._pool.close()

    # -- the public calls

    def get(self, url: str, accept: str | None = None,
            validators: Validators | None = None) -> Response:
        """The whole answer at *url*, gzip undone.

        With *validators* the request is conditional: a 304 comes back
        as a Response with ``not_modified`` set and an empty body.

        :raises NotFoundError: nothing there (404/410, no such file).
        :raises IndexUnavailableError: no usable answer after retries.
        """

        def read(answer: Answer) -> Response:
            if answer.status == 304:
                return Response(answer.url, answer.content_type, b"",
                                answer.last_serial, answer.etag,
                                answer.last_modified, not_modified=True)
            data = answer.body.read()  # IncompleteRead if cut short
            if answer.encoding == "gzip":
                data = gzip.decompress(data)  # BadGzipFile is retried
            return Response(answer.url, answer.content_type, data,
                            answer.last_serial, answer.etag,
                            answer.last_modified)

        return self.fetch(url, read, accept=accept, gzip=True,
                          extra=validators.headers() if validators else None)

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
        extra: dict[str, str] | None = None,
    ) -> T:
        """What *read* makes of the answer at *url*.

        *read* runs inside the retry loop, so a connection that breaks
        mid-body is retried like one that never opened.  *extra*: more
        request headers (a 304 answer then reaches *read*).
        """
        path = file_path(url)
        if path is not None:
            return self._fetch_file(url, path, read)
        headers = {"User-Agent": USER_AGENT}
        if accept:
            headers["Accept"] = accept
        if gzip:
            headers["Accept-Encoding"] = "gzip"
        headers.update(extra or {})
        return self._fetch_http(url, read, headers)

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
        """The urllib opener for the host of *url* (through a proxy)."""

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
        headers: dict[str, str],
    ) -> T:

        exchange = (self._via_proxy if _proxied(url) else self._direct)
        last = ""
        attempt = 0
        while True:
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            attempt += 1
            try:
                return exchange(url, headers, read)
            except _Status as exc:
                last = f"HTTP {exc.code} {exc.reason}"
                if exc.code in (404, 410):
                    raise NotFoundError(f"{url} answered {exc.code}",
                                        url) from None
                if exc.code < 500 and exc.code != 429:
                    # A client error will not change on retry.
                    raise IndexUnavailableError(
                        f"cannot get {url}: {last}; check --index-url",
                        url) from None
                failure: Exception = exc
            except urllib.error.URLError as exc:
                last = str(exc.reason)
                failure = exc
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                # Refused, timeouts and resets mid-body, truncated answers.
                last = _reason(exc, self.timeout)
                failure = exc
            if attempt > self.retries:
                raise IndexUnavailableError(
                    f"cannot get {url} after {attempt} attempt(s): {last}; "
                    f"{self.hint}", url) from failure

    def _via_proxy(self, url: str, headers: dict[str, str],
                   read: Callable[[Answer], T]) -> T:
        """One exchange through urllib (proxies), no connection reuse."""

        request = urllib.request.Request(url, headers=headers)
        try:
            with self._opener(url).open(request,
                                        timeout=self.timeout) as response:
                return read(_answer(response, response.geturl(),
                                    response.headers, 200))
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return read(_answer(exc, url, exc.headers, 304))
            raise _Status(exc.code, str(exc.reason)) from exc

    def _direct(self, url: str, headers: dict[str, str],
                read: Callable[[Answer], T]) -> T:
        """One exchange on a kept-alive connection, redirects followed."""

        for _ in range(MAX_REDIRECTS + 1):
            key, target = _split(url)
            conn, response = self._send(key, target, headers)
            done = False
            try:
                status = response.status
                if status < 200:  # 1xx other than 100 Continue
                    raise http.client.HTTPException(
                        f"an interim HTTP {status} answer where the answer "
                        "was due")
                location = response.getheader("Location")
                if status in _REDIRECTS and location:
                    response.read()
                    done = True
                    url = urllib.parse.urljoin(url, location)
                    continue
                if status >= 400:
                    response.read()
                    done = True
                    raise _Status(status, response.reason)
                if status == 304:
                    response.read()  # nothing, but ends the answer
                result = read(_answer(response, url, response.headers,
                                      status))
                done = True
                return result
            finally:
                self._release(key, conn, response, done)
        raise IndexUnavailableError(
            f"cannot get {url}: more than {MAX_REDIRECTS} redirects; "
            "check --index-url", url)

    def _send(
        self, key: _Key, target: str, headers: dict[str, str],
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send the request on an idle connection, else a new one.

        A reused connection the server has closed meanwhile fails before
        any answer; the request then goes again on a new connection.
        """

        conn = self._pool.take(key)
        if conn is not None:
            try:
                conn.request("GET", target, headers=headers)
                return conn, conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionError,
                    http.client.BadStatusLine):
                conn.close()  # stale: the server let it go
        conn = self._connect(key)
        try:
            conn.request("GET", target, headers=headers)
            return conn, conn.getresponse()
        except BaseException:
            conn.close()
            raise

    def _connect(self, key: _Key) -> http.client.HTTPConnection:
        scheme, host, port = key
        with self._lock:
            self.connections += 1
            if scheme == "https" and self._context is None:
                self._context = ssl.create_default_context()
            context = self._context
        if scheme == "https":
            return http.client.HTTPSConnection(
                host, port, timeout=self.timeout, context=context)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def _release(self, key: _Key, conn: http.client.HTTPConnection,
                 response: http.client.HTTPResponse, done: bool) -> None:
        """Back to the pool if the answer was read to its end."""

        if done and response.isclosed() and not response.will_close:
            self._pool.give(key, conn)
        else:
            conn.close()


#: (scheme, host, port) of a connection.
_Key = tuple[str, str, int]


class _Status(Exception):
    """An HTTP error status, for the retry loop."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"HTTP {code} {reason}")
        self.code = code
        self.reason = reason


def _split(url: str) -> tuple[_Key, str]:
    """(scheme, host, port) and the request target of *url*."""

    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a bad port or IPv6 address
        raise IndexUnavailableError(
            f"cannot get {url}: {exc}; check --index-url", url) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise IndexUnavailableError(
            f"cannot get {url}: not an http(s) URL; check --index-url", url)
    port = port or (443 if scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query
                                    else "")
    return (scheme, parts.hostname, port), target


def _reason(exc: Exception, timeout: float) -> str:
    """What went wrong, in words: "[Errno 111] Connection refused"."""

    if isinstance(exc, OSError) and exc.errno is not None:
        return str(exc)
    if str(exc):
        return f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TimeoutError):
        return f"timed out after {timeout:g}s"
    return type(exc).__name__


def _proxied(url: str) -> bool:
    """Whether the environment sends *url* through a proxy."""

    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False  # _split says what is wrong with it
    proxies = urllib.request.getproxies()
    if parts.scheme.lower() not in proxies:
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")


def _answer(body: _Body, url: str, headers: typing.Any,
            status: int) -> Answer:
    return Answer(body, url, headers.get_content_type(),
                  headers.get("Content-Encoding", ""),
                  _length(headers.get("Content-Length")),
                  headers.get("X-PyPI-Last-Serial"),
                  headers.get("ETag", ""), headers.get("Last-Modified", ""),
                  status)


class _Pool:
    """Idle kept-alive connections per (scheme, host, port)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[_Key, list[tuple[float, http.client.HTTPConnection]]]
        self._idle = {}

    def take(self, key: _Key) -> http.client.HTTPConnection | None:
        now = time.monotonic()
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                since, conn = idle.pop()
                if now - since < IDLE_SECONDS:
                    return conn
                conn.close()
        return None

    def give(self, key: _Key, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.setdefault(key, []).append((time.monotonic(), conn))

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for _, conn in conns:
                conn.close()
