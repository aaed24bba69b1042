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

"""The package index server's HTTP rules: routes, content negotiation,
conditional requests, upload tokens, upload checks, human pages and the
upload log record. Pure: no I/O.

:mod:`openstack_requirements.indexserver` applies them to requests and
to the mirror directory (:mod:`openstack_requirements.mirrordir`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import email.utils
import enum
import hashlib
import hmac
import html
import json
import urllib.parse

from packaging import utils
from packaging import version as versions

from openstack_requirements import errors
from openstack_requirements import mirror
from openstack_requirements import simpleapi

#: The PEP 691 media types, and the HTML ones (PEP 691 names both).
JSON_TYPES = ("application/vnd.pypi.simple.v1+json",
              "application/vnd.pypi.simple.latest+json")
HTML_TYPES = ("application/vnd.pypi.simple.v1+html",
              "application/vnd.pypi.simple.latest+html", "text/html")
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
#: Where twine and uv publish post (``--repository-url URL/legacy/``).
UPLOAD_PATHS = ("/", "/legacy/")
#: Digest fields of the legacy upload API and the hashlib names.
DIGEST_FIELDS = {"sha256_digest": "sha256", "md5_digest": "md5",
                 "blake2_256_digest": "blake2_256"}
#: A filename an upload may carry: no directory, no hidden file.
_UNSAFE = ("/", "\\", "\x00")


class Kind(enum.Enum):
    HOME = "home"  # human root page with the upload form
    PROJECT = "project"  # human project page
    SIMPLE_ROOT = "simple-root"
    SIMPLE_PROJECT = "simple-project"
    PACKAGE = "package"
    UPLOAD = "upload"
    REDIRECT = "redirect"
    NOT_FOUND = "not-found"
    NOT_ALLOWED = "not-allowed"


@dataclasses.dataclass(frozen=True, slots=True)
class Route:
    kind: Kind
    name: str = ""  # canonical project name, or the package filename
    location: str = ""  # where a REDIRECT points


def route(method: str, path: str) -> Route:
    """What a request for *path* (already percent-decoded) asks for.

    Project names are canonicalised; another spelling is redirected to
    the canonical URL, as PEP 503 asks.
    """
    if method == "POST":
        if path in UPLOAD_PATHS:
            return Route(Kind.UPLOAD)
        return Route(Kind.NOT_ALLOWED)
    if method not in ("GET", "HEAD"):
        return Route(Kind.NOT_ALLOWED)
    if path == "/":
        return Route(Kind.HOME)
    parts = path.split("/")[1:]
    if any(p in (".", "..") for p in parts):
        return Route(Kind.NOT_FOUND)
    top = parts[0]
    if top == simpleapi.SIMPLE:
        if parts == [top]:
            return Route(Kind.REDIRECT, location=f"/{top}/")
        if parts == [top, ""]:
            return Route(Kind.SIMPLE_ROOT)
        return _project_route(Kind.SIMPLE_PROJECT, top, parts)
    if top == "project":
        return _project_route(Kind.PROJECT, top, parts)
    if top == simpleapi.PACKAGES and len(parts) == 2 and parts[1] and (
            not parts[1].startswith(".")):
        return Route(Kind.PACKAGE, parts[1])
    return Route(Kind.NOT_FOUND)


def _project_route(kind: Kind, top: str, parts: Sequence[str]) -> Route:
    if len(parts) not in (2, 3) or not parts[1] or (
            len(parts) == 3 and parts[2]):
        return Route(Kind.NOT_FOUND)
    name = utils.canonicalize_name(parts[1])
    if name != parts[1] or len(parts) == 2:
        return Route(Kind.REDIRECT,
                     location=f"/{top}/{urllib.parse.quote(name)}/")
    return Route(kind, name)


# -- content negotiation (PEP 691) -------------------------------------


def negotiate(accept: str | None, fmt: str | None = None) -> str | None:
    """"json" or "html" for a simple-API page; None: nothing acceptable.

    ``?format=`` (a media type, as PyPI takes it) wins over ``Accept``.
    No ``Accept`` at all means HTML, the form every installer reads.
    Among equal quality values the server prefers JSON.
    """
    if fmt:
        accept = fmt
    if not accept or not accept.strip():
        return "html"
    best: tuple[float, int, str] | None = None
    for item in accept.split(","):
        media, *params = (p.strip() for p in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0:
            continue
        if media in JSON_TYPES:
            choice = (quality, 1, "json")
        elif media in HTML_TYPES or media in ("*/*", "text/*"):
            choice = (quality, 0, "html")
        elif media == "application/*":
            choice = (quality, 1, "json")
        else:
            continue
        if best is None or choice[:2] > best[:2]:
            best = choice
    return best[2] if best else None


def content_type(fmt: str) -> str:
    return (simpleapi.JSON_CONTENT_TYPE if fmt == "json"
            else "application/vnd.pypi.simple.v1+html")


def package_type(filename: str) -> str:
    if filename.endswith((".whl", ".zip")):
        return "application/zip"
    if filename.endswith((".tar.gz", ".tgz")):
        return "application/gzip"
    return "application/octet-stream"


# -- conditional requests (RFC 9110) -----------------------------------


def etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def http_date(timestamp: float) -> str:
    return email.utils.formatdate(int(timestamp), usegmt=True)


def not_modified(
    tag: str, modified: float, if_none_match: str | None,
    if_modified_since: str | None,
) -> bool:
    """Whether a GET with these validators gets 304 Not Modified.

    If-None-Match, when sent, decides alone (RFC 9110 13.2.2); weak
    comparison, so ``W/"x"`` matches ``"x"``.
    """
    if if_none_match is not None:
        sent = [t.strip().removeprefix("W/")
                for t in if_none_match.split(",")]
        return "*" in sent or tag.removeprefix("W/") in sent
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        return int(modified) <= since.timestamp()
    return False


# -- tokens ------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Token:
    """An upload token as the tokens file keeps it: only its hash."""

    id: str
    sha256: str
    projects: tuple[str, ...] = ()  # canonical names; () means any
    created: str = ""

    def allows(self, project: str) -> bool:
        return not self.projects or project in self.projects


def hash_secret(secret: str) -> str:
    # Tokens are long random strings, so a plain hash suffices (as for
    # API keys); no password-stretching is needed.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def parse_tokens(text: str, source: str) -> list[Token]:
    """Tokens of a tokens file (``{"tokens": [...]}``).

    :raises ParseError: not such a document.
    """
    if not text.strip():
        return []
    try:
        doc = json.loads(text)
        tokens = [Token(str(t["id"]), str(t["sha256"]),
                        canonical_projects(t.get("projects", ())),
                        str(t.get("created", "")))
                  for t in doc["tokens"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise errors.ParseError(
            source, 1, "", f"not a tokens file ({exc!r}); manage it with "
            "index-tokens") from exc
    return tokens


def canonical_projects(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({str(utils.canonicalize_name(n)) for n in names}))


def render_tokens(tokens: Iterable[Token]) -> str:
    doc = {"tokens": [{"id": t.id, "sha256": t.sha256,
                       "projects": list(t.projects), "created": t.created}
                      for t in tokens]}
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def basic_secret(authorization: str | None) -> str | None:
    """The token of an HTTP Basic ``Authorization`` header.

    twine and uv publish send ``__token__:TOKEN``; any user name is
    accepted, the password is the token.
    """
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    _, _, password = decoded.decode("utf-8", "replace").partition(":")
    return password or None


def find_token(tokens: Iterable[Token], secret: str | None) -> Token | None:
    """The token whose hash is *secret*'s; compared in constant time."""
    if not secret:
        return None
    digest = hash_secret(secret)
    found = None
    for token in tokens:
        if hmac.compare_digest(token.sha256, digest):
            found = token
    return found


# -- uploads -----------------------------------------------------------


class Status(enum.IntEnum):
    OK = 200
    BAD_REQUEST = 400
    FORBIDDEN = 403
    CONFLICT = 409
    TOO_LARGE = 413
    UNAVAILABLE = 503


@dataclasses.dataclass(frozen=True, slots=True)
class Refusal:
    """Why an upload is refused: the status and a message saying so."""

    status: Status
    message: str


def check_filename(filename: str) -> Refusal | None:
    """A refusal for a filename that could leave ``packages/``."""
    if (not filename or any(c in filename for c in _UNSAFE)
            or filename.startswith(".") or filename in (".", "..")):
        return Refusal(Status.BAD_REQUEST,
                       f"invalid filename {filename!r}: a bare wheel or "
                       "sdist filename is required")
    try:
        mirror.parse_filename(filename)
    except ValueError as exc:
        return Refusal(Status.BAD_REQUEST, str(exc))
    return None


def check_upload(
    filename: str, fields: Mapping[str, str], digests: Mapping[str, str],
) -> Refusal | None:
    """What the upload form says wrong about a file that arrived whole.

    *fields* are the form fields sent (``name``, ``version``, the
    ``*_digest`` fields); *digests* maps hashlib names to the file's hex
    digests.  Every digest sent must match, and the name and version
    sent must be the filename's.  (That the filename agrees with the
    file's METADATA is the mirror's rule for every file it takes in:
    :func:`openstack_requirements.mirror.disagreement`.)
    """
    for field, algorithm in DIGEST_FIELDS.items():
        sent = fields.get(field, "").strip().lower()
        if sent and algorithm in digests and not hmac.compare_digest(
                sent, digests[algorithm]):
            return Refusal(Status.BAD_REQUEST,
                           f"{field} does not match the file received "
                           f"({digests[algorithm]}); the upload was "
                           "damaged, send it again")
    name, version, _ = mirror.parse_filename(filename)
    sent_name, sent_version = fields.get("name"), fields.get("version")
    if sent_name and utils.canonicalize_name(sent_name) != name:
        return Refusal(Status.BAD_REQUEST,
                       f"{filename} is {name}, but the form says name "
                       f"{sent_name}")
    if sent_version and not mirror.same_version(sent_version, version):
        return Refusal(Status.BAD_REQUEST,
                       f"{filename} is version {version}, but the form "
                       f"says version {sent_version}")
    return None


def log_record(
    time: float, remote: str, token: str | None, filename: str,
    project: str, version: str, sha256: str, size: int, status: int,
    message: str,
) -> str:
    """One line of the upload log (JSON lines): who, what, digest."""
    return json.dumps({
        "time": email.utils.formatdate(time, usegmt=True),
        "timestamp": round(time, 3), "remote": remote, "token": token,
        "filename": filename, "project": project, "version": version,
        "sha256": sha256, "size": size, "status": status,
        "result": "accepted" if status == Status.OK else "refused",
        "message": message}, sort_keys=True) + "\n"


# -- human pages -------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    """A file as the human project page shows it."""

    filename: str
    size: int
    uploaded: float
    sha256: str | None


_STYLE = ("body{font-family:sans-serif;margin:2em;max-width:60em}"
          "table{border-collapse:collapse}td,th{padding:.2em .8em;"
          "text-align:left;border-bottom:1px solid #ddd}"
          "code{font-size:.85em}")


def _page(title: str, body: Sequence[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", "<html>", "  <head>",
        '    <meta charset="utf-8">',
        f"    <title>{html.escape(title)}</title>",
        f"    <style>{_STYLE}</style>", "  </head>", "  <body>",
        *("    " + line for line in body), "  </body>", "</html>", ""])


def upload_form(project: str = "") -> list[str]:
    """The upload form: a file and a token, posted to the legacy API."""
    hint = (f" (a new version of {html.escape(project)})"
            if project else "")
    return [
        f"<h2>Upload a wheel or sdist{hint}</h2>",
        '<form id="upload" method="post" action="/legacy/" '
        'enctype="multipart/form-data">',
        '  <input type="hidden" name=":action" value="file_upload">',
        '  <input type="hidden" name="protocol_version" value="1">',
        '  <input type="hidden" name="form" value="html">',
        '  <p><label>File <input type="file" name="content" '
        'accept=".whl,.tar.gz,.zip" required></label></p>',
        '  <p><label>Token <input type="password" name="token" '
        'autocomplete="off" required></label></p>',
        '  <p><button type="submit">Upload</button></p>',
        "</form>",
    ]


def render_home(projects: Iterable[tuple[str, int]]) -> str:
    """Root page for people: each project and its number of files."""
    rows = [f'<tr><td><a href="/project/{urllib.parse.quote(n)}/">'
            f"{html.escape(n)}</a></td><td>{count}</td></tr>"
            for n, count in sorted(projects)]
    return _page("Package index", [
        "<h1>Package index</h1>",
        '<p>Installers use <a href="/simple/">/simple/</a> '
        "(PEP 503 HTML, PEP 691 JSON by <code>Accept</code>).</p>",
        f"<p>{len(rows)} projects.</p>",
        "<table>", "<tr><th>Project</th><th>Files</th></tr>", *rows,
        "</table>", *upload_form()])


def render_project_page(name: str, files: Iterable[Row]) -> str:
    """A project's page for people: versions, sizes, upload times."""
    rows = []
    for row in sorted(files, key=_newest_first):
        _, version, kind = mirror.parse_filename(row.filename)
        quoted = urllib.parse.quote(row.filename)
        rows.append(
            f"<tr><td>{html.escape(version)}</td><td>"
            f'<a href="/{simpleapi.PACKAGES}/{quoted}">'
            f"{html.escape(row.filename)}</a></td>"
            f"<td>{kind.value}</td><td>{_size(row.size)}</td>"
            f"<td>{html.escape(http_date(row.uploaded))}</td>"
            f"<td><code>{html.escape(row.sha256 or '')}</code></td></tr>")
    return _page(name, [
        f"<h1>{html.escape(name)}</h1>",
        f'<p><a href="/">All projects</a> &middot; <a href="/simple/'
        f'{urllib.parse.quote(name)}/">simple page</a></p>',
        "<table>", "<tr><th>Version</th><th>File</th><th>Kind</th>"
        "<th>Size</th><th>Uploaded</th><th>sha256</th></tr>", *rows,
        "</table>", *upload_form(name)])


def render_result(refusal: Refusal | None, filename: str,
                  project: str) -> str:
    """What the upload form shows after a post."""
    if refusal is None:
        quoted = urllib.parse.quote(project)
        return _page("Uploaded", [
            "<h1>Uploaded</h1>",
            f'<p id="result">{html.escape(filename)} is in the index: '
            f'<a href="/project/{quoted}/">{html.escape(project)}</a>'
            "</p>"])
    return _page("Upload refused", [
        "<h1>Upload refused</h1>",
        f'<p id="result">{int(refusal.status)}: '
        f"{html.escape(refusal.message)}</p>",
        '<p><a href="/">Back</a></p>'])


def _newest_first(row: Row) -> tuple[object, ...]:
    _, version, _ = mirror.parse_filename(row.filename)
    try:
        key: object = versions.Version(version)
    except versions.InvalidVersion:
        key = versions.Version("0")
    return (_Reverse(key), row.filename)


@dataclasses.dataclass(frozen=True, slots=True)
class _Reverse:
    key: object

    def __lt__(self, other: _Reverse) -> bool:
        return bool(other.key < self.key)  # type: ignore[operator]


def _size(size: int) -> str:
    amount = float(size)
    for unit in ("B", "KiB", "MiB"):
        if amount < 1024:
            return f"{amount:.0f} {unit}" if unit == "B" else (
                f"{amount:.1f} {unit}")
        amount /= 1024
    return f"{amount:.1f} GiB"


def parse_size(text: str) -> int:
    """Bytes of ``100M``, ``2G``, ``512k`` or a plain number.

    :raises ValueError: not such a size.
    """
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    factor = 1
    for unit, value in (("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30)):
        if text.endswith(unit):
            text, factor = text[:-1], value
    number = int(text)
    if number <= 0:
        raise ValueError("the size must be positive")
    return number * factor
