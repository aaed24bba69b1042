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

"""A tiny package index built inside a test: real wheels written with
zipfile, a real sdist whose in-tree build backend fails, and a real HTTP
server on 127.0.0.1 speaking the JSON simple API (PEP 691, with PEP 700
upload times) so that --exclude-newer has something to cut off.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from collections.abc import Sequence
import contextlib
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import textwrap
import threading
import zipfile


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def wheel(
    directory: str,
    name: str,
    version: str,
    requires: Sequence[str] = (),
    requires_python: str = "",
) -> str:
    """Write a pure-Python wheel for *name* into *directory*."""
    dist = re.sub(r"[-_.]+", "_", name)
    path = os.path.join(directory, f"{dist}-{version}-py3-none-any.whl")
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    if requires_python:
        metadata += f"Requires-Python: {requires_python}\n"
    metadata += "".join(f"Requires-Dist: {req}\n" for req in requires)
    files = {
        f"{dist.lower()}/__init__.py": f"VERSION = {version!r}\n",
        f"{info}/METADATA": metadata,
        f"{info}/WHEEL": ("Wheel-Version: 1.0\nGenerator: localindex\n"
                          "Root-Is-Purelib: true\nTag: py3-none-any\n"),
    }
    record = []
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            data = text.encode("utf-8")
            archive.writestr(member, data)
            record.append(f"{member},{_record_hash(data)},{len(data)}")
        record.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return path


BACKEND = """\
import sys

def get_requires_for_build_wheel(config_settings=None):
    return []

def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    print("building the C extension", file=sys.stderr)
    print("src/binding.c:3:10: fatal error: krb5.h: No such file or "
          "directory", file=sys.stderr)
    print("compilation terminated.", file=sys.stderr)
    print("error: command '/usr/bin/gcc' failed with exit code 1",
          file=sys.stderr)
    raise SystemExit(1)

get_requires_for_build_sdist = get_requires_for_build_wheel
"""


def failing_sdist(directory: str, name: str, version: str) -> str:
    """An sdist whose in-tree backend fails like a missing C header."""
    dist = re.sub(r"[-_.]+", "_", name)
    base = f"{dist}-{version}"
    files = {
        "pyproject.toml": textwrap.dedent("""\
            [build-system]
            requires = []
            build-backend = "failing_backend"
            backend-path = ["."]
            """),
        "failing_backend.py": BACKEND,
        "PKG-INFO": (f"Metadata-Version: 2.1\nName: {name}\n"
                     f"Version: {version}\n"),
    }
    path = os.path.join(directory, f"{base}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode("utf-8")
            entry = tarfile.TarInfo(f"{base}/{member}")
            entry.size = len(data)
            entry.mtime = 1700000000
            archive.addfile(entry, io.BytesIO(data))
    return path


#: Where a machine may keep wheels of real releases (a local PyPI
#: mirror); ``OSR_TEST_WHEEL_DIRS`` (os.pathsep-separated) comes first.
WHEEL_DIRS = ("/opt/pypi/files", "/opt/wheels")


def real_pip_wheel(minimum: tuple[int, ...]) -> str | None:
    """The newest wheel of a real pip >= *minimum* on this machine."""
    dirs = [d for d in os.environ.get("OSR_TEST_WHEEL_DIRS", "").split(
        os.pathsep) if d] + list(WHEEL_DIRS)
    found: list[tuple[tuple[int, ...], str]] = []
    for directory in dirs:
        with contextlib.suppress(OSError):
            for filename in os.listdir(directory):
                match = re.fullmatch(r"pip-(\d+(?:\.\d+)*)-py3-none-any\.whl",
                                     filename)
                if match:
                    version = tuple(int(p) for p in match[1].split("."))
                    if version >= minimum:
                        found.append(
                            (version, os.path.join(directory, filename)))
    return max(found)[1] if found else None


def interpreter(version: str) -> str | None:
    """A CPython *version* (``3.12``) from pyenv or PATH, or None."""
    if shutil.which("pyenv"):
        result = subprocess.run(
            ["pyenv", "versions", "--bare"], capture_output=True,
            text=True, check=False)
        found = [v.strip() for v in result.stdout.splitlines()
                 if re.fullmatch(re.escape(version) + r"\.\d+", v.strip())]
        for full in sorted(found, reverse=True):
            prefix = subprocess.run(
                ["pyenv", "prefix", full], capture_output=True, text=True,
                check=False).stdout.strip()
            path = os.path.join(prefix, "bin", f"python{version}")
            if prefix and os.access(path, os.X_OK):
                return path
    return shutil.which(f"python{version}")


class _Handler(http.server.BaseHTTPRequestHandler):
    root = ""
    upload_times: dict[str, str] = {}
    delay = 0.0
    stop: threading.Event | None = None

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output quiet

    head = False

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's name
        self.head = True
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if len(parts) == 2 and parts[0] == "simple":
            self._project(_norm(parts[1]))
        elif len(parts) == 2 and parts[0] == "files":
            self._file(parts[1])
        else:
            self.send_error(404)

    def _project(self, project: str) -> None:
        files = []
        for filename in sorted(os.listdir(self.root)):
            stem = filename.split("-")[0]
            if _norm(stem) != project:
                continue
            with open(os.path.join(self.root, filename), "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            entry: dict[str, object] = {
                "filename": filename,
                "url": f"/files/{filename}",
                "hashes": {"sha256": digest},
            }
            if filename in self.upload_times:
                entry["upload-time"] = self.upload_times[filename]
            files.append(entry)
        if not files:
            self.send_error(404)
            return
        body = json.dumps({
            "meta": {"api-version": "1.1"}, "name": project,
            "files": files,
        }).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type",
                         "application/vnd.pypi.simple.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self.head:
            self.wfile.write(body)

    def _file(self, filename: str) -> None:
        if self.delay and self.stop is not None:
            self.stop.wait(self.delay)  # a slow mirror, for Ctrl-C tests
        path = os.path.join(self.root, os.path.basename(filename))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self.head:
            self.wfile.write(body)


@contextlib.contextmanager
def serve(
    root: str, upload_times: dict[str, str], delay: float = 0.0
) -> Iterator[str]:
    """Serve *root* as a JSON simple index on 127.0.0.1; yield its URL.

    With *delay*, each file download first waits that many seconds.
    """
    stop = threading.Event()
    handler = type("Handler", (_Handler,), {
        "root": root, "upload_times": dict(upload_times),
        "delay": delay, "stop": stop})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join()
