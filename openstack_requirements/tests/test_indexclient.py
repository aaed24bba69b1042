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

"""The index client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time

from openstack_requirements import errors
from openstack_requirements import indexclient
from openstack_requirements import transport
from openstack_requirements.tests import base  # noqa: H306
from openstack_requirements.tests import localindex


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class TestClient(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.index = self.useFixture(localindex.IndexServer())
        self.sleeps: list[float] = []

    def client(self, **kwargs: object) -> indexclient.Client:
        options: dict[str, object] = {
            "index_url": self.index.url, "timeout": 5.0, "retries": 2,
            "backoff": 0.5, "sleep": self.sleeps.append}
        options.update(kwargs)
        return indexclient.Client(**options)  # type: ignore[arg-type]

    def test_fetches_and_parses_a_project(self) -> None:
        project = self.client().project("requests")
        self.assertEqual("requests", project.name)
        self.assertEqual("2.34.2", project.latest().version)
        self.assertEqual(1, self.index.hits("requests"))
        self.assertEqual([], self.sleeps)

    def test_name_is_canonicalised_in_the_url(self) -> None:
        client = self.client()
        self.assertEqual(f"{self.index.url}/mysql-python/json",
                         client.url_for("MySQL_python"))
        self.assertEqual("MySQL-python",
                         client.project("MySQL_python").name)

    def test_retries_5xx_with_backoff_then_succeeds(self) -> None:
        self.index.script("pyqt5", "500", "500")
        project = self.client().project("pyqt5")
        self.assertEqual("5.15.11", project.latest().version)
        self.assertEqual(3, self.index.hits("pyqt5"))
        self.assertEqual([0.5, 1.0], self.sleeps)

    def test_error_5xx_until_retries_run_out(self) -> None:
        self.index.script("pyqt5", "500", "500", "500", "500")
        exc = self.assertRaises(transport.IndexUnavailableError,
                                self.client(retries=1).project, "pyqt5")
        self.assertEqual(
            f"cannot get {self.index.url}/pyqt5/json after 2 attempt(s): "
            "HTTP 503 Service Unavailable; check the network (are you "
            "offline?) or pass --index-url for a reachable index; answers "
            "are cached for an hour", str(exc))
        self.assertEqual(3, exc.exit_code)
        self.assertEqual(2, self.index.hits("pyqt5"))

    def test_slow_server_times_out_then_retry_succeeds(self) -> None:
        self.index.script("zyrx", "slow")
        self.index.server.slow_seconds = 1.0
        start = time.monotonic()
        project = self.client(timeout=0.2).project("zyrx")
        self.assertEqual("zyrx", project.name)
        self.assertLess(time.monotonic() - start, 1.0)
        self.assertEqual([0.5], self.sleeps)
        self.assertEqual(2, self.index.hits("zyrx"))

    def test_error_slow_server_every_time(self) -> None:
        self.index.script("zyrx", "slow", "slow")
        self.index.server.slow_seconds = 0.6
        exc = self.assertRaises(transport.IndexUnavailableError,
                                self.client(timeout=0.2, retries=1).project,
                                "zyrx")
        self.assertIn(f"cannot get {self.index.url}/zyrx/json after 2 "
                      "attempt(s): ", str(exc))
        self.assertIn("timed out", str(exc))

    def test_error_malformed_json(self) -> None:
        self.index.script("zyrx", "garbage")
        exc = self.assertRaises(transport.IndexUnavailableError,
                                self.client().project, "zyrx")
        self.assertTrue(str(exc).startswith(
            f"{self.index.url}/zyrx/json returned malformed JSON ("), exc)
        self.assertTrue(str(exc).endswith(
            "); is --index-url a JSON API such as https://pypi.org/pypi?"))
        self.assertEqual(1, self.index.hits("zyrx"))  # no retry

    def test_error_json_that_is_not_the_api(self) -> None:
        self.index.script("zyrx", "html")
        exc = self.assertRaises(errors.ToolError, self.client().project,
                                "zyrx")
        self.assertEqual(
            f"{self.index.url}/zyrx/json: not a package index JSON "
            "document (no 'info' object); check --index-url points at a "
            "JSON API such as https://pypi.org/pypi", str(exc))

    def test_error_unknown_project_is_not_retried(self) -> None:
        exc = self.assertRaises(indexclient.ProjectNotFoundError,
                                self.client().project, "no-such-thing")
        self.assertEqual(
            f"no project 'no-such-thing' on the index "
            f"({self.index.url}/no-such-thing/json answered 404); check "
            "the spelling or --index-url", str(exc))
        self.assertEqual(2, exc.exit_code)
        self.assertEqual(1, self.index.hits("no-such-thing"))
        self.assertEqual([], self.sleeps)

    def test_error_offline(self) -> None:
        # A port nobody listens on: connection refused, like no network.
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        client = self.client(index_url=f"http://127.0.0.1:{port}/pypi")
        exc = self.assertRaises(transport.IndexUnavailableError,
                                client.project, "requests")
        self.assertIn("after 3 attempt(s): [Errno 111] Connection refused; "
                      "check the network (are you offline?)", str(exc))
        self.assertEqual([0.5, 1.0], self.sleeps)

    def test_cache_is_used_for_an_hour(self) -> None:
        cache = self.make_dir()
        clock = Clock()
        client = self.client(cache_dir=os.path.join(cache, "c"),
                             clock=clock)
        client.project("requests")
        clock.now += 3599
        client.project("requests")
        self.assertEqual(1, self.index.hits("requests"))
        clock.now += 2
        self.assertEqual("2.34.2", client.project("requests").version)
        self.assertEqual(2, self.index.hits("requests"))
        self.assertEqual(1, len(os.listdir(os.path.join(cache, "c"))))

    def test_after_the_hour_a_conditional_request_keeps_the_entry(
            self) -> None:
        cache = self.make_dir()
        clock = Clock()
        client = self.client(cache_dir=cache, clock=clock)
        client.project("requests")
        clock.now += 3601
        self.assertEqual("2.34.2", client.project("requests").version)
        self.assertEqual(2, self.index.hits("requests"))
        etag = self.index.server.headers[-1].get("If-None-Match", "")
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        clock.now += 3599  # the 304 made the entry good for another hour
        client.project("requests")
        self.assertEqual(2, self.index.hits("requests"))

    def test_after_the_hour_a_changed_document_is_fetched(self) -> None:
        files = self.make_dir()
        shutil.copy(os.path.join(localindex.REVIEW_FILES, "zyrx.json"),
                    files)
        index = self.useFixture(localindex.IndexServer(files))
        clock = Clock()
        client = self.client(cache_dir=self.make_dir(), clock=clock,
                             index_url=index.url)
        self.assertEqual("zyrx", client.project("zyrx").name)
        with open(os.path.join(files, "zyrx.json"), encoding="utf-8") as f:
            doc = json.load(f)
        doc["info"]["name"] = "Zyrx"
        self.write(files, "zyrx.json", json.dumps(doc))
        clock.now += 3601
        self.assertEqual("Zyrx", client.project("zyrx").name)
        self.assertEqual(2, index.hits("zyrx"))

    def test_requests_share_one_connection(self) -> None:
        client = self.client()
        for name in ("requests", "zyrx", "requests"):
            client.project(name)
        self.assertEqual(1, client._transport.connections)

    def test_not_found_is_cached_for_an_hour(self) -> None:
        cache = self.make_dir()
        clock = Clock()
        client = self.client(cache_dir=cache, clock=clock)
        first = self.assertRaises(indexclient.ProjectNotFoundError,
                                  client.project, "no-such-thing")
        clock.now += 3599
        again = self.assertRaises(indexclient.ProjectNotFoundError,
                                  client.project, "no-such-thing")
        self.assertEqual(str(first), str(again))
        self.assertEqual(1, self.index.hits("no-such-thing"))
        clock.now += 2
        self.assertRaises(indexclient.ProjectNotFoundError,
                          client.project, "no-such-thing")
        self.assertEqual(2, self.index.hits("no-such-thing"))
        self.assertEqual(1, len(os.listdir(cache)))

    def test_cache_is_per_index(self) -> None:
        cache = self.make_dir()
        self.client(cache_dir=cache).project("zyrx")
        other = self.client(cache_dir=cache,
                            index_url=self.index.root + "/simple/")
        self.assertEqual(f"{self.index.url}/zyrx/json",
                         other.url_for("zyrx"))
        other.project("zyrx")  # same JSON root: served from the cache
        self.assertEqual(1, self.index.hits("zyrx"))
        third = self.client(cache_dir=cache,
                            index_url=self.index.root + "/pypi/")
        self.assertNotEqual(third.url_for("zyrx"), "")
        self.assertEqual(1, len(os.listdir(cache)))

    def test_damaged_cache_entry_is_refetched(self) -> None:
        cache = self.make_dir()
        client = self.client(cache_dir=cache)
        client.project("zyrx")
        (entry,) = os.listdir(cache)
        self.write(cache, entry, '{"url": ')
        client.project("zyrx")
        self.assertEqual(2, self.index.hits("zyrx"))
        with open(os.path.join(cache, entry), encoding="utf-8") as f:
            self.assertEqual("zyrx", json.load(f)["data"]["info"]["name"])

    def test_no_cache_dir_means_no_cache(self) -> None:
        client = self.client(cache_dir=None)
        client.project("zyrx")
        client.project("zyrx")
        self.assertEqual(2, self.index.hits("zyrx"))

    def test_unwritable_cache_dir_is_not_fatal(self) -> None:
        cache = self.write(self.make_dir(), "file", "not a dir")
        self.client(cache_dir=cache).project("zyrx")


class TestJsonApiRoot(base.TestCase):
    def test_simple_url_maps_to_json_root(self) -> None:
        self.assertEqual("https://pypi.org/pypi",
                         indexclient.json_api_root("https://pypi.org/simple/"))
        self.assertEqual("https://m.example/pypi",
                         indexclient.json_api_root("https://m.example/pypi/"))
