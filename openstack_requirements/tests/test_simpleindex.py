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

"""The PEP 503/691 client against a real loopback index (no internet)."""

from __future__ import annotations

import dataclasses
import os
import pathlib
import socket

from openstack_requirements import errors
from openstack_requirements import mirrordir
from openstack_requirements import simpleapi
from openstack_requirements import simpleindex
from openstack_requirements import transport
from openstack_requirements.tests import base  # noqa: H306
from openstack_requirements.tests import localindex


def quick() -> transport.Transport:
    return transport.Transport(timeout=5, retries=0, backoff=0)


class IndexTestCase(base.TestCase):
    """A mirror directory holding alpha 1.0 (wheel) and gamma 3.0."""

    def setUp(self) -> None:
        super().setUp()
        src = self.make_dir()
        self.root = self.make_dir()
        self.wheel = localindex.make_wheel(src, "alpha", "1.0",
                                           requires_python=">=3.9")
        self.sdist = localindex.make_sdist(src, "gamma", "3.0")
        target = mirrordir.MirrorDir(self.root)
        with target.locked():
            mirrordir.add_files([self.wheel, self.sdist], target)
            target.regenerate()

    def serve(self, negotiate: bool = False) -> simpleindex.Client:
        server = self.useFixture(
            localindex.DirectoryServer(self.root, negotiate))
        return simpleindex.Client(server.url + "/simple", quick())


class TestProject(IndexTestCase):
    def expected(self, client: simpleindex.Client) -> list[simpleapi.File]:
        return [simpleapi.File(
            "alpha-1.0-py3-none-any.whl",
            client.url.replace("/simple/", "/packages/")
            + "alpha-1.0-py3-none-any.whl",
            mirrordir.sha256_of(self.wheel), ">=3.9",
            metadata_sha256=mirrordir.sha256_of(os.path.join(
                self.root, "packages",
                "alpha-1.0-py3-none-any.whl.metadata")))]

    def project(self, client: simpleindex.Client) -> list[simpleapi.File]:
        """The page's files, without the PEP 700 fields of JSON pages."""
        return [dataclasses.replace(f, size=None, upload_time=None)
                for f in client.project("alpha") or ()]

    def test_html_page(self) -> None:
        client = self.serve()
        self.assertEqual(self.expected(client), self.project(client))

    def test_json_page_when_served(self) -> None:
        client = self.serve(negotiate=True)
        self.assertEqual(os.path.getsize(self.wheel),
                         client.project("alpha")[0].size)
        self.assertEqual(self.expected(client), self.project(client))

    def test_file_url(self) -> None:
        url = pathlib.Path(self.root, "simple").as_uri()
        client = simpleindex.Client(url, quick())
        self.assertEqual(self.expected(client), self.project(client))

    def test_missing_project_is_none(self) -> None:
        self.assertIsNone(self.serve().project("nowhere"))

    def test_error_not_a_simple_page(self) -> None:
        with open(os.path.join(self.root, "simple", "alpha", "index.json"),
                  "w", encoding="utf-8") as f:
            f.write('{"projects": []}')
        client = self.serve(negotiate=True)
        exc = self.assertRaises(transport.IndexUnavailableError,
                                client.project, "alpha")
        self.assertEqual(
            f"{client.url}alpha/: not a simple-API page: not a PEP 691 "
            "project page (no 'files' list)", str(exc))


class TestDownload(IndexTestCase):
    def test_download_checks_the_hash(self) -> None:
        client = self.serve()
        [f] = client.project("alpha") or []
        work = self.make_dir()
        path, sha256 = client.download(f, work)
        self.assertEqual(mirrordir.sha256_of(self.wheel), sha256)
        self.assertEqual(mirrordir.sha256_of(self.wheel),
                         mirrordir.sha256_of(path))

    def test_error_hash_differs(self) -> None:
        client = self.serve()
        [f] = client.project("alpha") or []
        work = self.make_dir()
        bad = simpleapi.File(f.filename, f.url, "0" * 64)
        exc = self.assertRaises(transport.IndexUnavailableError,
                                client.download, bad, work)
        self.assertIn(f"{f.url}: sha256 is {f.sha256} but the index says "
                      f"{'0' * 64}", str(exc))
        self.assertEqual([], os.listdir(work))


class TestFetchPages(IndexTestCase):
    def test_pages_by_name(self) -> None:
        pages = simpleindex.fetch_pages(self.serve(),
                                        ["gamma", "alpha", "nowhere"])
        self.assertEqual(["alpha", "gamma", "nowhere"], sorted(pages))
        self.assertIsNone(pages["nowhere"])
        self.assertEqual(["gamma-3.0.tar.gz"],
                         [f.filename for f in pages["gamma"] or []])

    def test_error_unreachable_index(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        client = simpleindex.Client(f"http://127.0.0.1:{port}/simple",
                                    quick())
        exc = self.assertRaises(errors.ToolError, simpleindex.fetch_pages,
                                client, ["alpha"])
        self.assertIn("cannot read the index: ", str(exc))


class TestVerifyRemote(IndexTestCase):
    def test_matching_and_differing_hashes(self) -> None:
        client = self.serve()
        pages = simpleindex.fetch_pages(client, ["alpha", "gamma"])
        files = (pages["alpha"] or []) + (pages["gamma"] or [])
        self.assertEqual([], simpleindex.verify_remote(client, files))
        with open(os.path.join(self.root, "packages", "gamma-3.0.tar.gz"),
                  "ab") as f:
            f.write(b"changed")
        [finding] = simpleindex.verify_remote(client, files)
        self.assertEqual("hash", finding.code)
        self.assertIn("gamma-3.0.tar.gz has sha256 ", finding.message)

    def test_unlisted_hash_and_missing_file(self) -> None:
        client = self.serve()
        nohash = simpleapi.File("x-1.0.tar.gz", client.url + "x-1.0.tar.gz")
        gone = simpleapi.File("y-1.0.tar.gz", client.url + "y-1.0.tar.gz",
                              "0" * 64)
        findings = simpleindex.verify_remote(client, [nohash, gone])
        self.assertEqual(["hash", "missing-file"],
                         [f.code for f in findings])
        self.assertEqual(f"{nohash.url} is listed without #sha256=",
                         findings[0].message)
