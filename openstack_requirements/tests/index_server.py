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

"""A package index JSON API on 127.0.0.1 serving recorded fixtures.

Real HTTP over loopback, no internet: ``GET /pypi/NAME/json`` answers
with tests/files/review/NAME.json.  A test can script misbehaviour per
name: "slow" (sleep before answering), "500", "garbage" (malformed
JSON), "html" (a 200 that is not JSON API data); each scripted action is
used once, then the server answers normally.
"""

from __future__ import annotations

import collections
import http.server
import os
import threading
import time

import fixtures

from openstack_requirements.tests import base

REVIEW_FILES = os.path.join(base.FILES_DIR, "review")


class ScriptedServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server on 127.0.0.1 with a script.

    It counts hits per path, keeps the request headers, and hands out
    scripted actions per key, each used once.
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
        thread = threading.Thread(target=self.server.serve_forever,
                                  kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        host, port = self.server.server_address[:2]
        self.root = f"http://{host}:{port}"

    def script(self, key: str, *actions: str) -> None:
        with self.server.lock:
            self.server.plan[key] = list(actions)

    def hits_at(self, path: str) -> int:
        with self.server.lock:
            return self.server.hits[path]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: ScriptedServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def _send(self, code: int, body: bytes,
              ctype: str = "application/json") -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = self.path.strip("/").split("/")
        self.server.arrived(self.path, dict(self.headers.items()))
        if len(parts) != 3 or parts[0] != "pypi" or parts[2] != "json":
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
        path = os.path.join(REVIEW_FILES, name + ".json")
        if not os.path.exists(path):
            self._send(404, b"not found", "text/plain")
            return
        with open(path, "rb") as f:
            self._send(200, f.read())


class IndexServer(Loopback):
    """Serve the review fixtures; ``url`` is the JSON API root."""

    def __init__(self) -> None:
        super().__init__(_Handler)

    def _setUp(self) -> None:
        super()._setUp()
        self.url = f"{self.root}/pypi"

    def hits(self, name: str) -> int:
        return self.hits_at(f"/pypi/{name}/json")
