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

"""Simple repository API pages: PEP 503 HTML and PEP 691 JSON, rendered
and parsed. Pure: no I/O.

A simple index laid out as plain files (a mirror) looks like::

    ROOT/simple/index.html              every project (and index.json)
    ROOT/simple/<canonical>/index.html  links with #sha256= and
                                        data-requires-python
                                        (and index.json, PEP 691)
    ROOT/packages/<filename>            the wheels and sdists
"""

from __future__ import annotations

from collections.abc import Iterable
import dataclasses
import html
import html.parser
import json
import urllib.parse

SIMPLE = "simple"
PACKAGES = "packages"
PAGE = "index.html"
JSON_PAGE = "index.json"
JSON_CONTENT_TYPE = "application/vnd.pypi.simple.v1+json"
#: What a client asks an index for: JSON where served, else HTML.
ACCEPT = f"{JSON_CONTENT_TYPE}, text/html;q=0.1"


@dataclasses.dataclass(frozen=True, slots=True)
class File:
    """A file listed on a project page of a simple index."""

    filename: str
    url: str
    sha256: str | None = None
    requires_python: str | None = None
    yanked: bool = False
    size: int | None = None  # PEP 700
    upload_time: str | None = None  # PEP 700, ISO 8601 UTC
    #: sha256 of the PEP 658 ``<file>.metadata`` served next to a wheel.
    metadata_sha256: str | None = None


def _href(f: File) -> str:
    url = f.url
    if f.sha256:
        url += "#sha256=" + f.sha256
    return url


def render_project(name: str, files: Iterable[File]) -> str:
    """PEP 503 project page: one link per file, sorted by filename."""
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        '    <meta name="pypi:repository-version" content="1.0">',
        f"    <title>Links for {html.escape(name)}</title>",
        "  </head>",
        "  <body>",
        f"    <h1>Links for {html.escape(name)}</h1>",
    ]
    for f in sorted(files, key=lambda f: f.filename):
        attrs = f'href="{html.escape(_href(f))}"'
        if f.requires_python:
            attrs += (' data-requires-python="'
                      f'{html.escape(f.requires_python)}"')
        if f.metadata_sha256:
            # PEP 714 names it data-core-metadata; older pip reads the
            # PEP 658 name.
            value = html.escape("sha256=" + f.metadata_sha256)
            attrs += (f' data-core-metadata="{value}"'
                      f' data-dist-info-metadata="{value}"')
        if f.yanked:
            attrs += ' data-yanked=""'
        lines.append(f"    <a {attrs}>{html.escape(f.filename)}</a><br>")
    lines += ["  </body>", "</html>", ""]
    return "\n".join(lines)


def render_project_json(name: str, files: Iterable[File],
                        versions: Iterable[str] = ()) -> str:
    """PEP 691 JSON form of the same page, with PEP 700's fields.

    :param versions: the project's versions (PEP 700 ``versions``).
    """
    entries = []
    for f in sorted(files, key=lambda f: f.filename):
        entry: dict[str, object] = {
            "filename": f.filename,
            "url": f.url,
            "hashes": {"sha256": f.sha256} if f.sha256 else {},
        }
        if f.requires_python:
            entry["requires-python"] = f.requires_python
        if f.yanked:
            entry["yanked"] = True
        if f.size is not None:
            entry["size"] = f.size
        if f.upload_time:
            entry["upload-time"] = f.upload_time
        if f.metadata_sha256:
            meta = {"sha256": f.metadata_sha256}
            entry["core-metadata"] = meta
            entry["data-dist-info-metadata"] = meta
        entries.append(entry)
    doc = {"meta": {"api-version": "1.1"}, "name": name,
           "versions": sorted(set(versions)), "files": entries}
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def render_root(names: Iterable[str]) -> str:
    """PEP 503 root page: one link per project."""
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        '    <meta name="pypi:repository-version" content="1.0">',
        "    <title>Simple index</title>",
        "  </head>",
        "  <body>",
    ]
    for name in sorted(set(names)):
        quoted = urllib.parse.quote(name)
        lines.append(f'    <a href="{quoted}/">{html.escape(name)}</a><br>')
    lines += ["  </body>", "</html>", ""]
    return "\n".join(lines)


def render_root_json(names: Iterable[str]) -> str:
    doc = {"meta": {"api-version": "1.0"},
           "projects": [{"name": n} for n in sorted(set(names))]}
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def package_url(filename: str) -> str:
    """Link from ``simple/<name>/index.html`` to ``packages/<file>``."""
    return f"../../{PACKAGES}/{urllib.parse.quote(filename)}"


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[dict[str, str | None], list[str]]] = []
        self._open: list[str] | None = None

    def handle_starttag(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> None:
        if tag == "a":
            self._open = []
            self.anchors.append((dict(attrs), self._open))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def _metadata_hash(value: object) -> str | None:
    """sha256 of a PEP 658/714 value: "sha256=..." or {"sha256": ...}."""
    if isinstance(value, dict):
        found = value.get("sha256")
        return str(found) if found else None
    if isinstance(value, str) and value.startswith("sha256="):
        return value.partition("=")[2] or None
    return None


def _file_from_url(url: str, text: str, requires: str | None,
                   yanked: bool, sha256: str | None = None,
                   **extra: object) -> File:
    plain, _, fragment = url.partition("#")
    if sha256 is None and fragment:
        values = urllib.parse.parse_qs(fragment).get("sha256")
        sha256 = values[0] if values else None
    path = plain.partition("?")[0]
    filename = path.rsplit("/", 1)[-1]
    if "%" in filename:
        filename = urllib.parse.unquote(filename)
    return File(filename or text, plain, sha256, requires or None, yanked,
                **extra)  # type: ignore[arg-type]


def parse_project(text: str, base_url: str) -> list[File]:
    """Files of a PEP 503 HTML project page; URLs made absolute."""
    parser = _Links()
    parser.feed(text)
    parser.close()
    files = []
    for attrs, data in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        files.append(_file_from_url(
            urllib.parse.urljoin(base_url, href), "".join(data).strip(),
            attrs.get("data-requires-python"), "data-yanked" in attrs,
            metadata_sha256=_metadata_hash(
                attrs.get("data-core-metadata")
                or attrs.get("data-dist-info-metadata"))))
    return files


def parse_project_json(text: str, base_url: str) -> list[File]:
    """Files of a PEP 691 JSON project page; URLs made absolute.

    :raises ValueError: not a PEP 691 project document.
    """
    doc = json.loads(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise ValueError("not a PEP 691 project page (no 'files' list)")
    files = []
    for entry in doc["files"]:
        url = str(entry["url"])
        if not url.startswith(("https://", "http://")):
            url = urllib.parse.urljoin(base_url, url)
        hashes = entry.get("hashes") or {}
        yanked = entry.get("yanked", False)
        files.append(_file_from_url(
            url, str(entry.get("filename", "")),
            entry.get("requires-python"), bool(yanked),
            hashes.get("sha256"),
            size=entry["size"] if isinstance(entry.get("size"), int)
            else None,
            upload_time=entry.get("upload-time") or None,
            metadata_sha256=_metadata_hash(
                entry.get("core-metadata")
                or entry.get("data-dist-info-metadata"))))
    return files


def parse_root(text: str) -> list[str]:
    """Project names linked from a PEP 503 root page (as written)."""
    parser = _Links()
    parser.feed(text)
    parser.close()
    return ["".join(data).strip() for _, data in parser.anchors]
