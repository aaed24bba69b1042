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

import fixtures

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


class _KeptAlive(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; notes the client port of each request.

    /etag answers 304 to a matching If-None-Match; /moved redirects to
    /etag; /loop redirects to itself; /bye answers, then drops the
    connection without saying so (a server letting an idle one go).
    """

    protocol_version = "HTTP/1.1"
    server: localindex.ScriptedServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.arrived(f"{self.path} {self.client_address[1]}",
                            dict(self.headers.items()))
        if self.path in ("/moved", "/loop"):
            self.send_response(301 if self.path == "/moved" else 302)
            self.send_header("Location",
                             "etag" if self.path == "/moved" else "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/early":  # 103 Early Hints, then nothing
            self.wfile.write(b"HTTP/1.1 103 Early Hints\r\n\r\n")
            self.close_connection = True
            return
        if (self.path == "/etag"
                and self.headers.get("If-None-Match") == '"v1"'):
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        body = b"x" * 1000
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"v1"')
        self.send_header("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT")
        self.end_headers()
        self.wfile.write(body)
        if self.path == "/bye":
            self.close_connection = True


class TestKeepAlive(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.server = self.useFixture(localindex.Loopback(_KeptAlive))
        self.sleeps: list[float] = []
        self.http = transport.Transport(timeout=5.0, retries=2,
                                        backoff=0.5, sleep=self.sleeps.append)
        self.addCleanup(self.http.close)

    def ports(self) -> set[str]:
        return {key.split()[1] for key in self.server.server.hits}

    def test_one_connection_for_many_requests(self) -> None:
        for i in range(5):
            self.assertEqual(b"x" * 1000,
                             self.http.get(f"{self.server.root}/{i}").body)
        self.http.sha256(self.server.root + "/file")
        self.assertEqual((1, 1), (len(self.ports()), self.http.connections))

    def test_parallel_requests_use_a_connection_each(self) -> None:
        from concurrent import futures

        with futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: self.http.get(
                f"{self.server.root}/{i}"), range(40)))
        self.assertLessEqual(self.http.connections, 4)
        self.assertEqual(40, sum(self.server.server.hits.values()))

    def test_a_connection_the_server_dropped_is_replaced(self) -> None:
        self.http.get(self.server.root + "/bye")
        self.assertEqual(b"x" * 1000,
                         self.http.get(self.server.root + "/after").body)
        self.assertEqual(2, len(self.ports()))
        self.assertEqual([], self.sleeps)  # not a retry

    def test_conditional_request_gets_not_modified(self) -> None:
        first = self.http.get(self.server.root + "/etag")
        self.assertEqual(('"v1"', "Tue, 01 Dec 2026 10:00:00 GMT", False),
                         (first.etag, first.last_modified,
                          first.not_modified))
        again = self.http.get(self.server.root + "/etag",
                              validators=transport.Validators(
                                  first.etag, first.last_modified))
        self.assertEqual((True, b""), (again.not_modified, again.body))
        self.assertEqual({"If-None-Match": '"v1"',
                          "If-Modified-Since": first.last_modified},
                         {k: v for k, v in
                          self.server.server.headers[-1].items()
                          if k.startswith("If-")})
        # The 304 ended cleanly: the connection is still reused.
        self.http.get(self.server.root + "/etag")
        self.assertEqual(1, len(self.ports()))

    def test_redirect_is_followed_on_the_same_connection(self) -> None:
        response = self.http.get(self.server.root + "/moved")
        self.assertEqual((self.server.root + "/etag", b"x" * 1000),
                         (response.url, response.body))
        self.assertEqual(1, len(self.ports()))

    def test_error_bad_port_is_an_index_error(self) -> None:
        for url in ("http://127.0.0.1:abc/x", "http://127.0.0.1:99999/x",
                    "http://[::1/x"):
            exc = self.assertRaises(transport.IndexUnavailableError,
                                    self.http.get, url)
            self.assertIn("check --index-url", str(exc))
        self.assertEqual([], self.sleeps)

    def test_error_interim_answer_is_not_taken_for_the_answer(
            self) -> None:
        exc = self.assertRaises(transport.IndexUnavailableError,
                                self.http.get, self.server.root + "/early")
        self.assertIn("an interim HTTP 103 answer", str(exc))
        self.assertEqual(3, len(self.ports()))  # never reused

    def test_error_too_many_redirects(self) -> None:
        exc = self.assertRaises(transport.IndexUnavailableError,
                                self.http.get, self.server.root + "/loop")
        self.assertEqual(
            f"cannot get {self.server.root}/loop: more than 10 redirects; "
            "check --index-url", str(exc))
        self.assertEqual([], self.sleeps)

    def test_a_proxy_from_the_environment_is_used(self) -> None:
        # The proxy is this server: it sees the absolute URL.
        self.useFixture(fixtures.EnvironmentVariable(
            "http_proxy", self.server.root))
        self.useFixture(fixtures.EnvironmentVariable("no_proxy", ""))
        self.useFixture(fixtures.EnvironmentVariable("NO_PROXY", ""))
        url = "http://index.invalid/etag"
        self.assertEqual(b"x" * 1000, self.http.get(url).body)
        (key,) = self.server.server.hits
        self.assertTrue(key.startswith(url + " "), key)


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
