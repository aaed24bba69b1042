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

"""Tiny real wheels and sdists made in a test, and a loopback index.

The sdists carry an in-tree PEP 517 backend with no build requirements,
so ``uv build`` and ``pip wheel`` build them without any network.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
import functools
import hashlib
import http.server
import io
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import threading
import zipfile

import fixtures


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_wheel(
    directory: str, name: str, version: str, tag: str = "py3-none-any",
    requires_python: str | None = None, requires: Sequence[str] = (),
) -> str:
    """A valid wheel holding module ``<name>_mod`` with __version__."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    if requires_python:
        metadata += f"Requires-Python: {requires_python}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{dist}_mod.py": f"__version__ = {version!r}\n".encode(),
        f"{info}/METADATA": metadata.encode(),
        f"{info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
            f"Tag: {tag}\n").encode(),
    }
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n"
                     for path, data in files.items())
    record += f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = record.encode()
    path = os.path.join(directory, f"{dist}-{version}-{tag}.whl")
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    return path


_BACKEND = '''\
import base64, hashlib, os, sys, time, zipfile

NAME, VERSION, FAIL, GATE = {name!r}, {version!r}, {fail!r}, {gate!r}


def get_requires_for_build_wheel(config_settings=None):
    return []


def _hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    if FAIL:
        sys.stderr.write("fatal error: foo.h: No such file or directory\\n")
        raise SystemExit("error: command 'gcc' failed with exit code 1")
    # A test holds the build here while the gate file exists.
    deadline = time.time() + 120
    while GATE and os.path.exists(GATE) and time.time() < deadline:
        time.sleep(0.05)
    dist = NAME.replace("-", "_")
    info = "%s-%s.dist-info" % (dist, VERSION)
    tag = "py3-none-any"
    files = {{
        dist + "_mod.py": ("__version__ = %r\\n" % VERSION).encode(),
        info + "/METADATA": ("Metadata-Version: 2.1\\nName: %s\\n"
                             "Version: %s\\n" % (NAME, VERSION)).encode(),
        info + "/WHEEL": ("Wheel-Version: 1.0\\nGenerator: test\\n"
                          "Root-Is-Purelib: true\\nTag: %s\\n" % tag).encode(),
    }}
    record = "".join("%s,%s,%d\\n" % (p, _hash(d), len(d))
                     for p, d in files.items())
    files[info + "/RECORD"] = (record + info + "/RECORD,,\\n").encode()
    filename = "%s-%s-%s.whl" % (dist, VERSION, tag)
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as z:
        for member, data in files.items():
            z.writestr(member, data)
    return filename
'''


def make_sdist(
    directory: str, name: str, version: str, fail: bool = False,
    gate: str | None = None, requires_python: str | None = None,
) -> str:
    """An sdist whose in-tree backend builds a pure wheel (or fails).

    While the file *gate* exists its build waits (up to two minutes).
    """
    dist = name.replace("-", "_")
    top = f"{dist}-{version}"
    pkg_info = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    if requires_python:
        pkg_info += f"Requires-Python: {requires_python}\n"
    members = {
        "PKG-INFO": pkg_info,
        "pyproject.toml": textwrap.dedent("""\
            [build-system]
            requires = []
            build-backend = "backend"
            backend-path = ["."]
            """),
        "backend.py": _BACKEND.format(name=name, version=version,
                                      fail=fail, gate=gate),
    }
    path = os.path.join(directory, f"{top}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{member}")
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return path


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; PEP 691 JSON for clients that ask for it."""

    def send_head(self):  # type: ignore[no-untyped-def]  # noqa: ANN201
        accept = self.headers.get("Accept", "")
        path = self.translate_path(self.path)
        json_page = os.path.join(path, "index.json")
        if (self.server.negotiate  # type: ignore[attr-defined]
                and "application/vnd.pypi.simple.v1+json" in accept
                and self.path.endswith("/") and os.path.isfile(json_page)):
            with open(json_page, "rb") as f:
                data = f.read()
            self.send_response(200)
            self.send_header("Content-Type",
                             "application/vnd.pypi.simple.v1+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return io.BytesIO(data)
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server(fixtures.Fixture):
    """``http.server`` on 127.0.0.1 serving *root*; ``url`` is its base."""

    def __init__(self, root: str, negotiate: bool = False) -> None:
        super().__init__()
        self.root = root
        self.negotiate = negotiate

    def _setUp(self) -> None:
        handler = functools.partial(_Handler, directory=self.root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     handler)
        self.httpd.negotiate = self.negotiate  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        thread = threading.Thread(target=self.httpd.serve_forever,
                                  daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(self.httpd.server_close)
        self.addCleanup(self.httpd.shutdown)


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "UV_", "PYTHON"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_INPUT="1")
    return env


def pip_install(index_url: str, constraints: str, target: str,
                *names: str) -> subprocess.CompletedProcess[str]:
    """Real ``pip install -c ... --index-url ...`` into *target*."""
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-cache-dir",
         "--target", target, "-c", constraints, "--index-url", index_url,
         *names], capture_output=True, text=True, env=clean_env(),
        timeout=300)


def second_python(version: str = "3.12") -> str | None:
    """A CPython of *version* from pyenv, or None."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    for candidate in subprocess.run(
            [pyenv, "versions", "--bare"], capture_output=True,
            text=True).stdout.split():
        if candidate.startswith(version + "."):
            prefix = subprocess.run([pyenv, "prefix", candidate],
                                    capture_output=True,
                                    text=True).stdout.strip()
            exe = os.path.join(prefix, "bin", f"python{version}")
            if os.path.exists(exe):
                return exe
    return None
