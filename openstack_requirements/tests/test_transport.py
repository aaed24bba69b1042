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

"""The shared transport against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import pathlib

from openstack_requirements import errors
from openstack_requirements import transport
from openstack_requirements.tests import base  # noqa: H306
from openstack_requirements.tests import localindex

BODY = b"0123456789" * 50_000  # half a megabyte


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers /PATH by the next scripted action for PATH, then "ok"."""

    server: localindex.ScriptedServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.arrived(self.path, dict(self.headers.items()))
        action = self.server.next_action(self.path)
        if action.isdigit():
            self.send_response(int(action))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = BODY
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if action == "gzip":
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if action == "cut":  # the connection drops mid-body
            body = body[: len(body) // 2]
        self.wfile.write(body)


class TestHttp(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.server = self.useFixture(localindex.Loopback(_Handler))
        self.sleeps: list[float] = []
        self.http = transport.Transport(timeout=5.0, retries=2,
                                        backoff=0.5, sleep=self.sleeps.append)

    def test_get_asks_for_gzip_and_undoes_it(self) -> None:
        self.server.script("/page", "gzip")
        response = self.http.get(self.server.root + "/page",
                                 accept="application/json")
        self.assertEqual((BODY, "application/octet-stream",
                          self.server.root + "/page"),
                         (response.body, response.content_type,
                          response.url))
        (headers,) = self.server.server.headers
        self.assertEqual(("gzip", "application/json",
                          "openstack-requirements"),
                         (headers["Accept-Encoding"], headers["Accept"],
                          headers["User-Agent"]))

    def test_downloads_are_not_gzipped(self) -> None:
        self.http.sha256(self.server.root + "/f")
        self.assertEqual("identity",
                         self.server.server.headers[0]["Accept-Encoding"])

    def test_429_is_retried_with_backoff(self) -> None:
        self.server.script("/page", "429", "503")
        self.assertEqual(BODY, self.http.get(self.server.root + "/page").body)
        self.assertEqual(3, self.server.hits_at("/page"))
        self.assertEqual([0.5, 1.0], self.sleeps)

    def test_error_retries_run_out(self) -> None:
        self.server.script("/page", "502", "502", "502")
        url = self.server.root + "/page"
        exc = self.assertRaises(transport.IndexUnavailableError,
                                self.http.get, url)
        self.assertEqual(
            f"cannot get {url} after 3 attempt(s): HTTP 502 Bad Gateway; "
            "check the network (are you offline?) or pass --index-url for "
            "a reachable index", str(exc))
        self.assertEqual((errors.EXIT_TOOL, url), (exc.exit_code, exc.url))

    def test_error_client_error_is_not_retried(self) -> None:
        self.server.script("/page", "403")
        url = self.server.root + "/page"
        exc = self.assertRaises(transport.IndexUnavailableError,
                                self.http.get, url)
        self.assertEqual(f"cannot get {url}: HTTP 403 Forbidden; check "
                         "--index-url", str(exc))
        self.assertEqual(1, self.server.hits_at("/page"))
        self.assertEqual([], self.sleeps)

    def test_error_not_found_is_not_retried(self) -> None:
        self.server.script("/page", "410")
        url = self.server.root + "/page"
        exc = self.assertRaises(transport.NotFoundError, self.http.get, url)
        self.assertEqual(f"{url} answered 410", str(exc))
        self.assertEqual(errors.EXIT_TOOL, exc.exit_code)
        self.assertEqual(1, self.server.hits_at("/page"))

    def test_answer_cut_short_is_retried(self) -> None:
        self.server.script("/page", "cut")
        self.assertEqual(BODY, self.http.get(self.server.root + "/page").body)
        self.assertEqual([0.5], self.sleeps)

    def test_download_restarts_after_a_cut(self) -> None:
        self.server.script("/f", "cut")
        path = os.path.join(self.make_dir(), "f")
        digest = self.http.sha256(self.server.root + "/f", path)
        self.assertEqual(hashlib.sha256(BODY).hexdigest(), digest)
        with open(path, "rb") as f:
            self.assertEqual(BODY, f.read())
        self.assertEqual(2, self.server.hits_at("/f"))

    def test_error_local_disk_is_not_retried(self) -> None:
        path = os.path.join(self.make_dir(), "no-dir", "f")
        exc = self.assertRaises(errors.InputError, self.http.sha256,
                                self.server.root + "/f", path)
        self.assertNotIsInstance(exc, transport.IndexUnavailableError)
        self.assertEqual(f"cannot write {path}: No such file or directory",
                         str(exc))
        self.assertEqual((1, []), (self.server.hits_at("/f"), self.sleeps))

    def test_one_tls_context_per_host(self) -> None:
        # Made once and reused: no connection is needed to see that.
        first = self.http._opener("https://a.example/simple/x/")
        self.assertIs(first, self.http._opener("https://A.example/y"))
        other = self.http._opener("https://b.example/simple/x/")
        self.assertIsNot(first, other)


class TestFile(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sleeps: list[float] = []
        self.http = transport.Transport(sleep=self.sleeps.append)
        self.dir = self.make_dir()

    def test_reads_a_file_url(self) -> None:
        path = self.write(self.dir, "index.html", "<html></html>")
        url = pathlib.Path(path).as_uri()
        response = self.http.get(url)
        self.assertEqual((b"<html></html>", "text/html", url),
                         (response.body, response.content_type,
                          response.url))
        self.assertEqual(hashlib.sha256(b"<html></html>").hexdigest(),
                         self.http.sha256(url))

    def test_error_missing_file_is_not_found(self) -> None:
        path = os.path.join(self.dir, "nope", "index.html")
        exc = self.assertRaises(transport.NotFoundError, self.http.get,
                                pathlib.Path(path).as_uri())
        self.assertEqual(f"{path}: no such file", str(exc))
        self.assertEqual([], self.sleeps)

    def test_error_unreadable_file(self) -> None:
        exc = self.assertRaises(transport.IndexUnavailableError,
                                self.http.get,
                                pathlib.Path(self.dir).as_uri())
        self.assertEqual(f"cannot read {self.dir}: Is a directory",
                         str(exc))

    def test_file_path(self) -> None:
        self.assertEqual("/srv/a b/x.whl",
                         transport.file_path("file:///srv/a%20b/x.whl"))
        self.assertIsNone(transport.file_path("https://pypi.org/simple/"))
