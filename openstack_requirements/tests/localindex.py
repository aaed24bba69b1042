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

"""The one loopback package index of the tests, and what it serves.

Real HTTP on 127.0.0.1, no internet:

- :class:`Loopback` runs a :class:`ScriptedServer` (hit counts, request
  headers, scripted misbehaviour) with any handler;
- :class:`IndexServer` serves the recorded JSON API fixtures
  (``GET /pypi/NAME/json`` answers with tests/files/review/NAME.json);
- :class:`FlatIndex` (and :func:`serve`) serves a flat directory of
  wheels and sdists as a PEP 691 JSON simple index, with PEP 700 upload
  times so that --exclude-newer has something to cut off;
- :class:`DirectoryServer` serves a mirror directory as static files,
  with PEP 691 JSON for clients that ask for it.

What it serves is made in the test: :func:`make_wheel` writes real
wheels with zipfile; :func:`make_sdist` writes sdists with an in-tree
PEP 517 backend and no build requirements, so ``uv build`` and
``pip wheel`` build them (or fail like a missing C header) without any
network.  :func:`interpreter` finds a second CPython for the tests that
need one.
"""

from __future__ import annotations

import base64
import collections
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
import contextlib
import functools
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import threading
import time
import typing
import zipfile

import fixtures

from openstack_requirements.tests import base

REVIEW_FILES = os.path.join(base.FILES_DIR, "review")
JSON_CONTENT_TYPE = "application/vnd.pypi.simple.v1+json"


# -- the server --------------------------------------------------------


class ScriptedServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server on 127.0.0.1 with a script.

    It counts hits per path, keeps the request headers, and hands out
    scripted actions per key, each used once.  ``stop`` is set when the
    server goes away, so that a handler told to be slow gives up.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(
        self, handler: type[http.server.BaseHTTPRequestHandler]
    ) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.lock = threading.Lock()
        self.hits: collections.Counter[str] = collections.Counter()
        self.headers: list[dict[str, str]] = []
        self.plan: dict[str, list[str]] = {}
        self.slow_seconds = 1.0
        self.stop = threading.Event()

    def arrived(self, path: str, headers: dict[str, str]) -> None:
        with self.lock:
            self.hits[path] += 1
            self.headers.append(headers)

    def next_action(self, key: str) -> str:
        """The next scripted action for *key*; "ok" once none is left."""
        with self.lock:
            plan = self.plan.get(key)
            return plan.pop(0) if plan else "ok"


class Loopback(fixtures.Fixture):
    """Run a :class:`ScriptedServer` with *handler*; ``root`` is its URL."""

    def __init__(
        self, handler: type[http.server.BaseHTTPRequestHandler]
    ) -> None:
        super().__init__()
        self.handler = handler

    def _setUp(self) -> None:
        self.server = ScriptedServer(self.handler)
        self.configure(self.server)
        thread = threading.Thread(target=self.server.serve_forever,
                                  kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.addCleanup(self.server.stop.set)
        host, port = self.server.server_address[:2]
        self.root = f"http://{host}:{port}"

    def configure(self, server: ScriptedServer) -> None:
        """Give the handler what it needs, before the first request."""

    def script(self, key: str, *actions: str) -> None:
        with self.server.lock:
            self.server.plan[key] = list(actions)

    def hits_at(self, path: str) -> int:
        with self.server.lock:
            return self.server.hits[path]


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


# -- the JSON API (review-requirement, what-broke) ----------------------


class _JsonApiHandler(_Quiet):
    """The JSON API as PyPI serves it.

    HTTP/1.1 kept alive, an ETag on every document and 304 to a matching
    If-None-Match.
    """

    server: ScriptedServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the
    # body's last segment would wait for the client's delayed ACK (40 ms)
    # on a kept-alive connection.
    disable_nagle_algorithm = True

    def _send(self, code: int, body: bytes,
              ctype: str = "application/json") -> None:
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if code == 200 and self.headers.get("If-None-Match") == etag:
            code, body = 304, b""
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            if code in (200, 304):
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = self.path.strip("/").split("/")
        self.server.arrived(self.path, dict(self.headers.items()))
        root = getattr(self.server, "files_dir", REVIEW_FILES)
        if len(parts) >= 2 and parts[0] == "files":
            # Distribution files: /files/.../NAME is FILES_DIR/files/NAME.
            path = os.path.join(root, "files", os.path.basename(parts[-1]))
            if not os.path.isfile(path):
                self._send(404, b"not found", "text/plain")
                return
            with open(path, "rb") as f:
                self._send(200, f.read(), "application/octet-stream")
            return
        if len(parts) not in (3, 4) or parts[0] != "pypi" or (
                parts[-1] != "json"):
            self._send(404, b"not found", "text/plain")
            return
        name = parts[1]
        action = self.server.next_action(name)
        if action == "slow":
            time.sleep(self.server.slow_seconds)
        elif action == "500":
            self._send(503, b"try later", "text/plain")
            return
        elif action == "garbage":
            self._send(200, b'{"info": {"name": "x", ')
            return
        elif action == "html":
            self._send(200, b'"<html>a proxy login page</html>"')
            return
        # /pypi/NAME/VERSION/json: one release, from NAME/VERSION.json
        path = (os.path.join(root, name, parts[2] + ".json")
                if len(parts) == 4 else os.path.join(root, name + ".json"))
        if not os.path.exists(path):
            self._send(404, b"not found", "text/plain")
            return
        with open(path, "rb") as f:
            body = f.read()
        # The recorded documents' file URLs point here, never at PyPI: a
        # test must not download from the internet.
        here = f"http://127.0.0.1:{self.server.server_address[1]}/files/"
        self._send(200, body.replace(
            b"https://files.pythonhosted.org/", here.encode()))


class IndexServer(Loopback):
    """Serve the review fixtures; ``url`` is the JSON API root.

    A test can script misbehaviour per name: "slow" (sleep before
    answering), "500", "garbage" (malformed JSON), "html" (a 200 that is
    not JSON API data); each scripted action is used once, then the
    server answers normally.  ``/files/NAME`` serves ``files/NAME`` of
    the directory, and every ``https://files.pythonhosted.org/`` in a
    document is rewritten to point there (404 unless the test put the
    file there).
    """

    def __init__(self, root: str = REVIEW_FILES) -> None:
        super().__init__(_JsonApiHandler)
        self.files_dir = root

    def configure(self, server: ScriptedServer) -> None:
        server.files_dir = self.files_dir  # type: ignore[attr-defined]

    def _setUp(self) -> None:
        super()._setUp()
        self.url = f"{self.root}/pypi"

    def hits(self, name: str) -> int:
        return self.hits_at(f"/pypi/{name}/json")


# -- a flat directory as a PEP 691 index (generate-constraints) ---------


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class _FlatHandler(_Quiet):
    server: ScriptedServer
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
        root: str = self.server.root  # type: ignore[attr-defined]
        upload_times: dict[str, str] = (
            self.server.upload_times)  # type: ignore[attr-defined]
        files = []
        for filename in sorted(os.listdir(root)):
            stem = filename.split("-")[0]
            if _norm(stem) != project:
                continue
            with open(os.path.join(root, filename), "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            entry: dict[str, object] = {
                "filename": filename,
                "url": f"/files/{filename}",
                "hashes": {"sha256": digest},
            }
            if filename in upload_times:
                entry["upload-time"] = upload_times[filename]
            if filename in self.server.yanked:  # type: ignore[attr-defined]
                entry["yanked"] = "a test yank"
            files.append(entry)
        if not files:
            self.send_error(404)
            return
        body = json.dumps({
            "meta": {"api-version": "1.1"}, "name": project,
            "files": files,
        }).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", JSON_CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        serial = self.server.serial  # type: ignore[attr-defined]
        if serial is not None:
            self.send_header("X-PyPI-Last-Serial", str(serial))
        self.end_headers()
        if not self.head:
            self.wfile.write(body)

    def _file(self, filename: str) -> None:
        delay: float = self.server.delay  # type: ignore[attr-defined]
        if delay:
            self.server.stop.wait(delay)  # a slow mirror, for Ctrl-C tests
        root: str = self.server.root  # type: ignore[attr-defined]
        path = os.path.join(root, os.path.basename(filename))
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


class FlatIndex(Loopback):
    """Serve the files in *root* as a JSON simple index; ``url`` is it.

    With *delay*, each file download first waits that many seconds;
    with *serial*, pages carry it as ``X-PyPI-Last-Serial``; files in
    *yanked* are yanked (PEP 592).
    """

    def __init__(self, root: str, upload_times: dict[str, str],
                 delay: float = 0.0, serial: int | None = None,
                 yanked: Iterable[str] = ()) -> None:
        super().__init__(_FlatHandler)
        self.files_dir = root
        self.upload_times = dict(upload_times)
        self.delay = delay
        self.serial = serial
        self.yanked = frozenset(yanked)

    def configure(self, server: ScriptedServer) -> None:
        server.root = self.files_dir  # type: ignore[attr-defined]
        server.upload_times = self.upload_times  # type: ignore[attr-defined]
        server.delay = self.delay  # type: ignore[attr-defined]
        server.serial = self.serial  # type: ignore[attr-defined]
        server.yanked = self.yanked  # type: ignore[attr-defined]

    def _setUp(self) -> None:
        super()._setUp()
        self.url = f"{self.root}/simple"


@contextlib.contextmanager
def serve(
    root: str, upload_times: dict[str, str], delay: float = 0.0
) -> Iterator[str]:
    """Serve *root* as a JSON simple index on 127.0.0.1; yield its URL."""
    with FlatIndex(root, upload_times, delay) as index:
        yield index.url


# -- a mirror directory (build-wheel-mirror, check-mirror) --------------


class _DirectoryHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; PEP 691 JSON for clients that ask for it."""

    def send_head(self):  # type: ignore[no-untyped-def]  # noqa: ANN201
        accept = self.headers.get("Accept", "")
        path = self.translate_path(self.path)
        json_page = os.path.join(path, "index.json")
        if (self.server.negotiate  # type: ignore[attr-defined]
                and JSON_CONTENT_TYPE in accept
                and self.path.endswith("/") and os.path.isfile(json_page)):
            with open(json_page, "rb") as f:
                data = f.read()
            self.send_response(200)
            self.send_header("Content-Type", JSON_CONTENT_TYPE)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return io.BytesIO(data)
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:
        pass


class DirectoryServer(Loopback):
    """Serve the directory *root* as it is; ``url`` is its base.

    With *negotiate*, a client asking for PEP 691 JSON gets a
    directory's index.json instead of its index.html.
    """

    def __init__(self, root: str, negotiate: bool = False) -> None:
        super().__init__(functools.partial(  # type: ignore[arg-type]
            _DirectoryHandler, directory=root))
        self.negotiate = negotiate

    def configure(self, server: ScriptedServer) -> None:
        server.negotiate = self.negotiate  # type: ignore[attr-defined]

    def _setUp(self) -> None:
        super()._setUp()
        self.url = self.root


# -- wheels and sdists -------------------------------------------------


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _dist(name: str) -> str:
    """*name* as a wheel or sdist filename writes it."""
    return re.sub(r"[-_.]+", "_", name)


def make_wheel(
    directory: str, name: str, version: str, tag: str = "py3-none-any",
    requires_python: str | None = None, requires: Sequence[str] = (),
    modules: Sequence[str] = (), top_level: str | None = None,
) -> str:
    """A valid wheel holding module ``<name>_mod`` with __version__.

    *modules*: other module paths instead (``pkg/__init__.py``);
    *top_level*: a ``top_level.txt`` to add, with this text.
    """
    dist = _dist(name)
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    if requires_python:
        metadata += f"Requires-Python: {requires_python}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        module: f"__version__ = {version!r}\n".encode()
        for module in (modules or [f"{dist}_mod.py"])}
    if top_level is not None:
        files[f"{info}/top_level.txt"] = top_level.encode()
    files.update({
        f"{info}/METADATA": metadata.encode(),
        f"{info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
            f"Tag: {tag}\n").encode(),
    })
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n"
                     for path, data in files.items())
    record += f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = record.encode()
    path = os.path.join(directory, f"{dist}-{version}-{tag}.whl")
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    return path


#: What a build that misses a C header prints before it fails.
MISSING_HEADER = (
    "fatal error: foo.h: No such file or directory",
    "error: command 'gcc' failed with exit code 1",
)
#: The same, as a real extension missing the Kerberos headers prints it
#: (buildlog knows which Debian package provides krb5.h).
MISSING_KRB5 = (
    "building the C extension",
    "src/binding.c:3:10: fatal error: krb5.h: No such file or directory",
    "compilation terminated.",
    "error: command '/usr/bin/gcc' failed with exit code 1",
)

_BACKEND = '''\
import base64, hashlib, os, sys, time, zipfile

NAME, VERSION, FAIL, GATE = {name!r}, {version!r}, {fail!r}, {gate!r}


def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel


def _hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    if FAIL:
        for line in FAIL:
            print(line, file=sys.stderr)
        raise SystemExit(1)
    # A test holds the build here while the gate file exists.
    deadline = time.time() + 120
    while GATE and os.path.exists(GATE) and time.time() < deadline:
        time.sleep(0.05)
    dist = {dist!r}
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


def _write_sdist(directory: str, top: str, members: dict[str, str]) -> str:
    """TOP.tar.gz in *directory* holding *members* under TOP/."""
    path = os.path.join(directory, f"{top}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{member}")
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 1700000000
            archive.addfile(info, io.BytesIO(data))
    return path


def make_sdist(
    directory: str, name: str, version: str, fail: Sequence[str] = (),
    gate: str | None = None, requires_python: str | None = None,
) -> str:
    """An sdist whose in-tree backend builds a pure wheel.

    With *fail*, its build prints those lines on stderr and fails (see
    :data:`MISSING_HEADER`).  While the file *gate* exists its build
    waits (up to two minutes).
    """
    dist = _dist(name)
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
                                      fail=tuple(fail), gate=gate,
                                      dist=dist),
    }
    return _write_sdist(directory, top, members)


#: Where a machine may keep wheels of real releases (a local PyPI
#: mirror); ``OSR_TEST_WHEEL_DIRS`` (os.pathsep-separated) comes first.
WHEEL_DIRS = ("/opt/pypi/files", "/opt/wheels")


def real_pip_wheel(minimum: tuple[int, ...]) -> str | None:
    """The newest wheel of a real pip >= *minimum* on this machine."""
    return real_wheel("pip", minimum)


def real_wheel(name: str, minimum: tuple[int, ...] = ()) -> str | None:
    """The newest pure wheel of a real *name* >= *minimum* here."""
    dirs = [d for d in os.environ.get("OSR_TEST_WHEEL_DIRS", "").split(
        os.pathsep) if d] + list(WHEEL_DIRS)
    found: list[tuple[tuple[int, ...], str]] = []
    for directory in dirs:
        with contextlib.suppress(OSError):
            for filename in os.listdir(directory):
                match = re.fullmatch(
                    re.escape(name) + r"-(\d+(?:\.\d+)*)-py3-none-any\.whl",
                    filename)
                if match:
                    version = tuple(int(p) for p in match[1].split("."))
                    if version >= minimum:
                        found.append(
                            (version, os.path.join(directory, filename)))
    return max(found)[1] if found else None


# -- interpreters and pip ----------------------------------------------


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


def pip_env() -> dict[str, str]:
    """This process's environment without the machine's pip/uv config."""
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
         *names], capture_output=True, text=True, env=pip_env(),
        timeout=300)


# -- serve-index, the real server -----------------------------------------


class ServedIndex(fixtures.Fixture):
    """``serve-index MIRROR --port 0`` in a child process; ``url`` is it.

    The real command and the real waitress server, on 127.0.0.1.  A
    token allowed to upload anything is made first (``token``); the
    tokens file is ``tokens`` and the upload log ``log``.  The children
    run beside the mirror with *pythonpath* (``TestCase.child_env``'s),
    never in the checkout.
    """

    def __init__(self, mirror: str, *options: str,
                 pythonpath: str | None = None) -> None:
        super().__init__()
        self.mirror = mirror
        self.options = options
        self.env = pip_env()
        if pythonpath:
            self.env["PYTHONPATH"] = pythonpath

    def _setUp(self) -> None:
        os.makedirs(self.mirror, exist_ok=True)
        self.tokens = os.path.join(self.mirror, "index-tokens.json")
        self.log = os.path.join(self.mirror, "upload-log.jsonl")
        self.token = self.add_token("tests")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "openstack_requirements.cmds.serve_index",
             self.mirror, "--port", "0", "--threads", "4", *self.options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=self.env, cwd=os.path.dirname(self.mirror))
        self.addCleanup(self._stop)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"at (http://\S+/) ", line)
        if match is None:
            raise AssertionError(f"serve-index did not start: {line}"
                                 f"{self.process.stdout.read()}")
        self.url = match[1].rstrip("/")
        self.upload_url = self.url + "/legacy/"
        self.output = drain(self.process.stdout)

    def _stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def add_token(self, token_id: str, *projects: str) -> str:
        argv = ["--file", self.tokens, "add", token_id]
        for project in projects:
            argv += ["--project", project]
        result = subprocess.run(
            [sys.executable, "-m", "openstack_requirements.cmds.index_tokens",
             *argv], capture_output=True, text=True, check=True,
            env=self.env, cwd=os.path.dirname(self.mirror))
        return result.stdout.strip()

    def log_records(self) -> list[dict[str, object]]:
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(line) for line in f]


def drain(stream: typing.IO[str]) -> list[str]:
    """Read *stream* to its end in a thread; the lines so far.

    A server whose output pipe nobody reads blocks on its next log line
    (waitress logs a warning when its queue grows).
    """
    lines: list[str] = []
    thread = threading.Thread(target=lambda: lines.extend(stream),
                              daemon=True)
    thread.start()
    return lines


def multipart_body(
    fields: Sequence[tuple[str, str]], filename: str, content: bytes,
    boundary: str = "osr-test-boundary",
) -> tuple[bytes, str]:
    """(body, content type) of a legacy-API upload, as twine sends it."""
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; '
            f'name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream'
        '\r\n\r\n'.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_fields(path: str, **override: str) -> list[tuple[str, str]]:
    """The form fields twine sends for the wheel or sdist *path*."""
    name, version = os.path.basename(path).split("-")[:2]
    if path.endswith(".tar.gz"):
        version = version.removesuffix(".tar.gz")
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    fields = {":action": "file_upload", "protocol_version": "1",
              "name": name, "version": version,
              "filetype": "sdist" if path.endswith(".tar.gz")
              else "bdist_wheel", "sha256_digest": digest}
    fields.update(override)
    return list(fields.items())


def make_setuptools_sdist(directory: str, name: str, version: str,
                          requires: Sequence[str] = ()) -> str:
    """An sdist built by the real setuptools (a build requirement).

    Like a pbr-based project, it needs setuptools from the index to
    build; *requires* become its ``install_requires``.
    """
    dist = _dist(name)
    top = f"{dist}-{version}"
    pkg_info = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    members = {
        "PKG-INFO": pkg_info,
        "pyproject.toml": textwrap.dedent("""\
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"
            """),
        "setup.cfg": textwrap.dedent(f"""\
            [metadata]
            name = {name}
            version = {version}

            [options]
            py_modules = {dist}_mod
            install_requires =
            """) + "".join(f"    {r}\n" for r in requires),
        f"{dist}_mod.py": f"__version__ = {version!r}\n",
    }
    return _write_sdist(directory, top, members)


def uv_install(index_url: str, constraints: str, target: str,
               *names: str) -> subprocess.CompletedProcess[str]:
    """Real ``uv pip install`` from *index_url* alone into *target*."""
    import uv

    return subprocess.run(
        [uv.find_uv_bin(), "pip", "install", "--no-config", "--no-cache",
         "--python", sys.executable, "--target", target, "-c",
         constraints, "--index-url", index_url, *names],
        capture_output=True, text=True, env=pip_env(), timeout=300)


def wheel_of_installed(directory: str, name: str) -> str:
    """Repack the installed distribution *name* as a wheel in *directory*.

    For tests that install into a fresh venv with no network: the
    dependencies come from this environment, as real wheels (files from
    its RECORD, scripts under ``.data/scripts``; console scripts are made
    again from entry_points.txt by the installer).
    """
    import importlib.metadata

    dist = importlib.metadata.distribution(name)
    info = dist._path  # type: ignore[attr-defined]  # the .dist-info dir
    site = os.path.dirname(info)
    with open(os.path.join(info, "WHEEL"), encoding="utf-8") as f:
        tags = [line.split(":", 1)[1].strip().split("-") for line in f
                if line.startswith("Tag:")]
    # The compressed tag set of the filename: py2.py3-none-any.
    tag = "-".join(".".join(dict.fromkeys(parts)) for parts in
                   zip(*tags, strict=True))
    project, version = _dist(dist.metadata["Name"]), dist.version
    entry_scripts = {ep.name for ep in dist.entry_points
                     if ep.group in ("console_scripts", "gui_scripts")}
    files: dict[str, bytes] = {}
    for item in dist.files or ():
        path = str(item)
        full = os.path.normpath(os.path.join(site, path))
        if path.endswith((".pyc", "/RECORD", "/INSTALLER", "/REQUESTED",
                          "/direct_url.json")) or not os.path.isfile(full):
            continue
        if path.startswith(".."):
            script = os.path.basename(path)
            if script in entry_scripts or "/bin/" not in path:
                continue
            path = f"{project}-{version}.data/scripts/{script}"
        with open(full, "rb") as f:
            files[path] = f.read()
    record_name = f"{os.path.basename(info)}/RECORD"
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n"
                     for path, data in files.items())
    files[record_name] = (record + f"{record_name},,\n").encode()
    out = os.path.join(directory, f"{project}-{version}-{tag}.whl")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in files.items():
            info_ = zipfile.ZipInfo(member)
            # A regular file (pip checks S_ISREG) with or without exec bits.
            mode = 0o100755 if ".data/scripts/" in member else 0o100644
            info_.external_attr = mode << 16
            info_.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info_, data)
    return out


def release_copy(tmp: str, tag: str) -> str:
    """A bare git repository of this working tree, its commit tagged *tag*.

    Ready to serve over git's "dumb" HTTP protocol (static files).
    """
    source = os.path.join(tmp, "toolkit")
    shutil.copytree(base.REPO_DIR, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".tox", "*.egg-info", "__pycache__", ".hypothesis",
        ".stestr", "build", "dist", "AUTHORS", "ChangeLog"))
    git = ["git", "-c", "user.name=test", "-c", "user.email=t@example.org",
           "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "release"],
                 ["tag", "-a", "-m", tag, tag]):
        subprocess.run(git + args, cwd=source, check=True,
                       capture_output=True)
    bare = os.path.join(tmp, "served", "toolkit.git")
    subprocess.run(["git", "clone", "-q", "--bare", source, bare],
                   check=True, capture_output=True)
    subprocess.run(["git", "update-server-info"], cwd=bare, check=True)
    return bare


def wheelhouse(tmp: str, *extra: str) -> str:
    """This environment's runtime and build dependencies, as wheels.

    Enough to install the toolkit into a fresh venv with no index; *extra*
    names more installed distributions to repack.
    """
    import importlib.metadata

    from packaging.requirements import Requirement

    house = os.path.join(tmp, "wheelhouse")
    os.makedirs(house, exist_ok=True)
    with open(os.path.join(base.REPO_DIR, "requirements.txt"),
              encoding="utf-8") as f:
        runtime = [Requirement(line.split("#")[0]).name for line in f
                   if line.split("#")[0].strip()]
    # requirements.txt and what those need in turn, as installed here.
    todo = ["pip", "setuptools", *runtime, *extra]
    done: set[str] = set()
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in done:
            continue
        done.add(name)
        wheel_of_installed(house, name)
        for text in importlib.metadata.requires(name) or ():
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return house
