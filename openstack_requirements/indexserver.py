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

"""The package index server: a WSGI application serving a mirror
directory and accepting uploads, run by waitress. Network (and Files:
uploads go through :func:`openstack_requirements.mirrordir.add_files`).

The rules (routes, negotiation, conditional requests, upload checks)
are :mod:`openstack_requirements.indexhttp`'s; the pages and files are
the mirror directory's, which writes them atomically, so a reader never
sees a page naming a missing file.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
import contextlib
import dataclasses
import hashlib
import os
import shutil
import tempfile
import threading
import time
import typing
from typing import Any
import urllib.parse

import multipart
import waitress
import waitress.server

from openstack_requirements import errors
from openstack_requirements import fileio
from openstack_requirements import indexhttp
from openstack_requirements import mirror
from openstack_requirements import mirrordir
from openstack_requirements import simpleapi

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
Body = Iterable[bytes]

_REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified",
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed",
            406: "Not Acceptable", 409: "Conflict",
            413: "Content Too Large", 503: "Service Unavailable"}
_CHUNK = 1 << 16


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """What ``serve-index`` was told."""

    root: str
    tokens: str  # the tokens file; missing means nobody may upload
    upload_log: str
    max_upload: int = 100 << 20
    private: bool = False  # reading needs a token too


class _Tokens:
    """The tokens file, read again whenever it changes on disk.

    ``index-tokens revoke`` takes effect without a restart.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._tokens: list[indexhttp.Token] = []

    def current(self) -> list[indexhttp.Token]:
        try:
            info = os.stat(self.path)
            stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        except FileNotFoundError:
            return []
        with self._lock:
            if stamp != self._stamp:
                self._tokens = indexhttp.parse_tokens(
                    fileio.read_text(self.path), self.path)
                self._stamp = stamp
            return self._tokens


class _Refused(Exception):
    def __init__(self, refusal: indexhttp.Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def _refuse(status: indexhttp.Status, message: str) -> _Refused:
    return _Refused(indexhttp.Refusal(status, message))


@dataclasses.dataclass
class _Upload:
    """What arrived: the form fields and the file, saved to *path*."""

    fields: dict[str, str]
    filename: str = ""
    path: str = ""
    size: int = 0
    digests: dict[str, str] = dataclasses.field(default_factory=dict)


class IndexApp:
    """The WSGI application: read the mirror, write uploads into it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.mirror = mirrordir.MirrorDir(settings.root)
        self.tokens = _Tokens(settings.tokens)
        # Uploads are serialised here (threads) and by the mirror's
        # lock (other processes: build-wheel-mirror, another server).
        self._upload_lock = threading.Lock()
        self._log_lock = threading.Lock()
        self.tokens.current()  # a broken tokens file stops us here
        os.makedirs(self.mirror.packages, exist_ok=True)
        os.makedirs(self.mirror.simple, exist_ok=True)

    def __call__(self, environ: Environ,
                 start_response: StartResponse) -> Body:
        method = environ.get("REQUEST_METHOD", "GET")
        raw = environ.get("PATH_INFO") or "/"
        # WSGI hands the decoded path as latin-1; the URL was UTF-8.
        path = raw.encode("latin-1").decode("utf-8", "replace")
        route = indexhttp.route(method, path)
        kind = route.kind
        if kind is indexhttp.Kind.UPLOAD:
            return self._upload(environ, start_response)
        if kind is indexhttp.Kind.NOT_ALLOWED:
            return _text(start_response, 405, "method not allowed",
                         [("Allow", "GET, HEAD, POST")])
        if self.settings.private and not indexhttp.find_token(
                self.tokens.current(), indexhttp.basic_secret(
                    environ.get("HTTP_AUTHORIZATION"))):
            return _text(start_response, 401, "a token is needed to read "
                         "this index", [("WWW-Authenticate",
                                         'Basic realm="index"')])
        if kind is indexhttp.Kind.REDIRECT:
            return _text(start_response, 301, "moved",
                         [("Location", route.location)])
        if kind is indexhttp.Kind.PACKAGE:
            return self._package(environ, start_response, route.name)
        if kind in (indexhttp.Kind.SIMPLE_ROOT,
                    indexhttp.Kind.SIMPLE_PROJECT):
            return self._simple(environ, start_response, route)
        if kind is indexhttp.Kind.HOME:
            return self._send(environ, start_response,
                              self._home().encode("utf-8"),
                              indexhttp.HTML_CONTENT_TYPE, time.time())
        if kind is indexhttp.Kind.PROJECT:
            page = self._project(route.name)
            if page is not None:
                return self._send(environ, start_response,
                                  page.encode("utf-8"),
                                  indexhttp.HTML_CONTENT_TYPE, time.time())
        return _text(start_response, 404, "not found")

    # -- reading -----------------------------------------------------

    def _simple(self, environ: Environ, start_response: StartResponse,
                route: indexhttp.Route) -> Body:
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        fmt = indexhttp.negotiate(environ.get("HTTP_ACCEPT"),
                                  (query.get("format") or [None])[0])
        if fmt is None:
            return _text(start_response, 406, "this index serves "
                         + ", ".join(indexhttp.JSON_TYPES
                                     + indexhttp.HTML_TYPES))
        page = (simpleapi.JSON_PAGE if fmt == "json" else simpleapi.PAGE)
        if route.kind is indexhttp.Kind.SIMPLE_ROOT:
            path = os.path.join(self.mirror.simple, page)
        else:
            path = os.path.join(self.mirror.simple, route.name, page)
        try:
            # One open: the page is replaced by rename, never rewritten,
            # so what is read is one whole version of it.
            with open(path, "rb") as f:
                data = f.read()
                modified = os.fstat(f.fileno()).st_mtime
        except (FileNotFoundError, NotADirectoryError):
            if route.kind is not indexhttp.Kind.SIMPLE_ROOT:
                return _text(start_response, 404, "no such project")
            data = (simpleapi.render_root_json([]) if fmt == "json"
                    else simpleapi.render_root([])).encode("utf-8")
            modified = 0.0
        return self._send(environ, start_response, data,
                          indexhttp.content_type(fmt), modified,
                          [("Vary", "Accept")])

    def _send(self, environ: Environ, start_response: StartResponse,
              data: bytes, ctype: str, modified: float,
              extra: list[tuple[str, str]] | None = None) -> Body:
        tag = indexhttp.etag(data)
        headers = [("ETag", tag),
                   ("Last-Modified", indexhttp.http_date(modified)),
                   ("Cache-Control", "no-cache"), *(extra or [])]
        if indexhttp.not_modified(tag, modified,
                                  environ.get("HTTP_IF_NONE_MATCH"),
                                  environ.get("HTTP_IF_MODIFIED_SINCE")):
            start_response(_status(304), headers)
            return []
        start_response(_status(200), [("Content-Type", ctype),
                                      ("Content-Length", str(len(data))),
                                      *headers])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [data]

    def _package(self, environ: Environ, start_response: StartResponse,
                 filename: str) -> Body:
        path = os.path.join(self.mirror.packages, filename)
        try:
            f = open(path, "rb")  # noqa: SIM115 - the server closes it
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return _text(start_response, 404, "no such file")
        info = os.fstat(f.fileno())
        tag = f'"{info.st_size:x}-{info.st_mtime_ns:x}"'
        headers = [("ETag", tag),
                   ("Last-Modified", indexhttp.http_date(info.st_mtime)),
                   # A published file never changes.
                   ("Cache-Control", "max-age=31536000, immutable")]
        if indexhttp.not_modified(tag, info.st_mtime,
                                  environ.get("HTTP_IF_NONE_MATCH"),
                                  environ.get("HTTP_IF_MODIFIED_SINCE")):
            f.close()
            start_response(_status(304), headers)
            return []
        start_response(_status(200), [
            ("Content-Type", indexhttp.package_type(filename)),
            ("Content-Length", str(info.st_size)), *headers])
        if environ.get("REQUEST_METHOD") == "HEAD":
            f.close()
            return []
        wrapper = environ.get("wsgi.file_wrapper")
        if wrapper is not None:
            return typing.cast(Body, wrapper(f, _CHUNK))
        return _chunks(f)

    def _home(self) -> str:
        # What the mirror published (its manifest), not strays.
        counts: dict[str, int] = {}
        try:
            published = mirrordir.read_manifest(self.mirror.root) or {}
        except errors.InputError:
            published = {}  # check-mirror reports it; still serve pages
        for filename in published:
            with contextlib.suppress(ValueError):
                name, _, _ = mirror.parse_filename(filename)
                counts[name] = counts.get(name, 0) + 1
        return indexhttp.render_home(counts.items())

    def _project(self, name: str) -> str | None:
        page = os.path.join(self.mirror.simple, name, simpleapi.JSON_PAGE)
        try:
            listed = simpleapi.parse_project_json(
                fileio.read_text(page), "http://index/")
        except (errors.InputError, ValueError):
            return None
        rows = []
        for f in listed:
            try:
                info = os.stat(os.path.join(self.mirror.packages,
                                            f.filename))
            except FileNotFoundError:
                continue
            rows.append(indexhttp.Row(f.filename, info.st_size,
                                      info.st_mtime, f.sha256))
        return indexhttp.render_project_page(name, rows)

    # -- uploading ---------------------------------------------------

    def _upload(self, environ: Environ,
                start_response: StartResponse) -> Body:
        upload = _Upload({})
        token: indexhttp.Token | None = None
        name = version = ""
        try:
            length = _content_length(environ)
            if length > self.settings.max_upload:
                raise _refuse(indexhttp.Status.TOO_LARGE,
                              f"the upload is {length} bytes; this index "
                              f"takes at most {self.settings.max_upload}")
            header = indexhttp.basic_secret(
                environ.get("HTTP_AUTHORIZATION"))
            tokens = self.tokens.current()
            if header is not None:
                # Checked before the body is parsed.
                token = _authenticate(tokens, header)
            upload = self._receive(environ, length)
            if token is None:
                token = _authenticate(tokens, upload.fields.get("token"))
            if upload.fields.get(":action") != "file_upload":
                raise _refuse(indexhttp.Status.BAD_REQUEST,
                              "only :action=file_upload is supported")
            name, version, _ = mirror.parse_filename(upload.filename)
            if not token.allows(name):
                raise _refuse(indexhttp.Status.FORBIDDEN,
                              f"token {token.id!r} may not upload {name}")
            refusal = indexhttp.check_upload(upload.filename, upload.fields,
                                             upload.digests)
            if refusal is not None:
                raise _Refused(refusal)
            _check_metadata(upload)
            message = self._publish(upload, name)
            status = indexhttp.Status.OK
        except _Refused as exc:
            status, message = exc.refusal.status, exc.refusal.message
        finally:
            if upload.path:
                shutil.rmtree(os.path.dirname(upload.path),
                              ignore_errors=True)
        self._log(environ, token, upload, name, version, status, message)
        if upload.fields.get("form") == "html":
            refusal = (None if status == indexhttp.Status.OK
                       else indexhttp.Refusal(status, message))
            page = indexhttp.render_result(refusal, upload.filename, name)
            data = page.encode("utf-8")
            start_response(_status(int(status)), [
                ("Content-Type", indexhttp.HTML_CONTENT_TYPE),
                ("Content-Length", str(len(data)))])
            return [data]
        return _text(start_response, int(status), message,
                     reason=None if status == indexhttp.Status.OK
                     else message)

    def _receive(self, environ: Environ, length: int) -> _Upload:
        """Parse the multipart body; the file is saved to a temp dir."""
        ctype, options = multipart.parse_options_header(
            environ.get("CONTENT_TYPE", ""))
        boundary = options.get("boundary")
        if ctype != "multipart/form-data" or not boundary:
            raise _refuse(indexhttp.Status.BAD_REQUEST,
                          "send multipart/form-data (the legacy upload "
                          "API, as twine and uv publish do)")
        upload = _Upload({})
        content: Any = None
        try:
            parser = multipart.MultipartParser(
                environ["wsgi.input"], boundary, length,
                part_limit=64, memory_limit=1 << 20,
                disk_limit=self.settings.max_upload)
            for part in parser:
                if part.filename is None:
                    upload.fields.setdefault(part.name, part.value)
                elif part.name == "content" and content is None:
                    content = part
                else:
                    part.close()
        except multipart.MultipartError as exc:
            raise _refuse(indexhttp.Status.BAD_REQUEST,
                          f"malformed or truncated multipart body: {exc}"
                          ) from None
        try:
            if content is None:
                raise _refuse(indexhttp.Status.BAD_REQUEST,
                              "no file: send it as the 'content' field")
            upload.filename = str(content.filename)
            refusal = indexhttp.check_filename(upload.filename)
            if refusal is not None:
                raise _Refused(refusal)
            work = tempfile.mkdtemp(prefix="index-upload-")
            upload.path = os.path.join(work, upload.filename)
            upload.size, upload.digests = _save(content.file, upload.path)
        finally:
            if content is not None:
                content.close()
        return upload

    def _publish(self, upload: _Upload, name: str) -> str:
        """Add the checked file through ``--add``'s code; the message."""
        with self._upload_lock:
            try:
                with self.mirror.locked():
                    existing = _existing(self.mirror, upload)
                    if existing is not None:
                        return existing
                    mirrordir.add_files([upload.path], self.mirror)
                    self.mirror.write_project(name)
            except errors.InputError as exc:
                if "another build-wheel-mirror" in exc.msg:
                    raise _refuse(indexhttp.Status.UNAVAILABLE,
                                  exc.msg) from None
                raise _refuse(indexhttp.Status.BAD_REQUEST,
                              exc.msg) from None
        return f"{upload.filename} added"

    def _log(self, environ: Environ, token: indexhttp.Token | None,
             upload: _Upload, name: str, version: str, status: int,
             message: str) -> None:
        line = indexhttp.log_record(
            time.time(), str(environ.get("REMOTE_ADDR", "")),
            token.id if token else None, upload.filename, name, version,
            upload.digests.get("sha256", ""), upload.size, status, message)
        with self._log_lock:
            fd = os.open(self.settings.upload_log,
                         os.O_WRONLY | os.O_APPEND | os.O_CREAT
                         | os.O_CLOEXEC, 0o640)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)


def _existing(target: mirrordir.MirrorDir, upload: _Upload) -> str | None:
    """An upload of a file the mirror has: done if it is the same file.

    Files in an index never change (as on PyPI): another file of the
    same name is refused (409, where ``--add`` says the same as bad
    input), the same one again is accepted (twine's ``--skip-existing``
    and retries rely on that) and nothing is written.  What the mirror
    never published (a stray file) or finds damaged is ``add_files``'
    to replace.  Call with the mirror locked (its records are fresh).

    :raises _Refused: a different file of that name is published.
    """
    known = target.record(upload.filename)
    if known is None:
        return None
    if known.sha256 != upload.digests["sha256"]:
        raise _refuse(indexhttp.Status.CONFLICT,
                      f"File already exists: {upload.filename} is "
                      "published with other content; files never "
                      "change, release a new version instead")
    if not target.intact(upload.filename):
        return None
    return f"{upload.filename} is already there (same file)"


def _authenticate(tokens: list[indexhttp.Token],
                  secret: str | None) -> indexhttp.Token:
    token = indexhttp.find_token(tokens, secret)
    if token is None:
        raise _refuse(indexhttp.Status.FORBIDDEN,
                      "a valid upload token is needed (index-tokens add); "
                      "send it as the password, user __token__")
    return token


def _content_length(environ: Environ) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise _refuse(indexhttp.Status.BAD_REQUEST,
                      "bad Content-Length") from None


def _save(source: typing.BinaryIO, path: str) -> tuple[int, dict[str, str]]:
    hashers: dict[str, typing.Any] = {
        "sha256": hashlib.sha256(),
        "md5": hashlib.md5(usedforsecurity=False),
        "blake2_256": hashlib.blake2b(digest_size=32),
    }
    size = 0
    source.seek(0)
    with open(path, "wb") as out:
        while chunk := source.read(_CHUNK):
            out.write(chunk)
            size += len(chunk)
            for hasher in hashers.values():
                hasher.update(chunk)
    return size, {k: h.hexdigest() for k, h in hashers.items()}


def _check_metadata(upload: _Upload) -> None:
    """The mirror's own check (as ``--add``'s), before taking its lock."""
    try:
        mirrordir.checked_metadata(upload.path, upload.filename)
    except errors.InputError as exc:
        message = exc.msg
        if not message.startswith(upload.filename):
            message = f"{upload.filename}: {message}"
        raise _refuse(indexhttp.Status.BAD_REQUEST, message) from None


def _status(code: int, reason: str | None = None) -> str:
    text = reason or _REASONS.get(code, "")
    # A status line holds one line of printable ASCII.
    text = "".join(c if " " <= c < "\x7f" else "?" for c in text)[:200]
    return f"{code} {text}"


def _text(start_response: StartResponse, code: int, message: str,
          headers: list[tuple[str, str]] | None = None,
          reason: str | None = None) -> Body:
    data = (message + "\n").encode("utf-8")
    start_response(_status(code, reason), [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(data))), *(headers or [])])
    return [data]


def _chunks(f: typing.BinaryIO) -> Iterator[bytes]:
    with f:
        while chunk := f.read(_CHUNK):
            yield chunk


def create_server(
    app: IndexApp, host: str, port: int, threads: int, timeout: int,
) -> waitress.server.BaseWSGIServer:
    """A waitress server for *app*, bound and ready to ``run()``.

    waitress buffers each request body before the application sees it
    and answers 413 itself beyond the upload limit; idle connections are
    closed after *timeout* seconds.
    """
    return typing.cast(waitress.server.BaseWSGIServer, waitress.create_server(
        app, host=host, port=port, threads=threads,
        max_request_body_size=app.settings.max_upload,
        channel_timeout=timeout, ident="openstack-requirements",
        expose_tracebacks=False))
