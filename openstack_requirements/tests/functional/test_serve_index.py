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

"""serve-index: the real server on 127.0.0.1, real twine, uv, pip."""

from __future__ import annotations

import base64
from collections.abc import Sequence
import http.client
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import uv

from openstack_requirements import mirrordir
from openstack_requirements import simpleapi
from openstack_requirements.tests import base
from openstack_requirements.tests import indexload
from openstack_requirements.tests import localindex


def _snapshot(root: str) -> dict[str, bytes]:
    """Every file of packages/, simple/ and the manifest: contents."""
    found = {}
    manifest = os.path.join(root, mirrordir.MANIFEST)
    if os.path.exists(manifest):
        with open(manifest, "rb") as f:
            found[mirrordir.MANIFEST] = f.read()
    for top in (simpleapi.PACKAGES, simpleapi.SIMPLE):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    found[os.path.relpath(path, root)] = f.read()
    return found


class ServerTestCase(base.TestCase):
    options: Sequence[str] = ()

    def setUp(self) -> None:
        super().setUp()
        self.src = self.make_dir()
        self.root = os.path.join(self.make_dir(), "mirror")
        self.index = self.useFixture(
            localindex.ServedIndex(
                self.root, *self.options,
                pythonpath=self.child_env()["PYTHONPATH"]))

    def request(
        self, path: str, method: str = "GET", body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        parsed = urllib.parse.urlsplit(self.index.url)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port,
                                          timeout=30)
        try:
            try:
                conn.request(method, path, body=body, headers=headers or {})
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered before reading it all (413)
            response = conn.getresponse()
            return response.status, response.msg, response.read()
        finally:
            conn.close()

    def upload(
        self, filename: str, content: bytes,
        fields: Sequence[tuple[str, str]], token: str | None = None,
    ) -> tuple[int, bytes]:
        body, ctype = localindex.multipart_body(fields, filename, content)
        headers = {"Content-Type": ctype}
        secret = self.index.token if token is None else token
        if secret:
            headers["Authorization"] = "Basic " + base64.b64encode(
                f"__token__:{secret}".encode()).decode()
        status, _, text = self.request("/legacy/", "POST", body, headers)
        return status, text

    def upload_file(self, path: str, **override: str) -> tuple[int, bytes]:
        with open(path, "rb") as f:
            content = f.read()
        return self.upload(os.path.basename(path), content,
                           localindex.upload_fields(path, **override))

    def twine(self, token: str | None,
              *paths: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "twine", "upload", "--non-interactive",
                "--disable-progress-bar", "--repository-url",
                self.index.upload_url]
        if token is not None:
            argv += ["-u", "__token__", "-p", token]
        return subprocess.run([*argv, *paths], capture_output=True,
                              text=True, env=localindex.pip_env(),
                              cwd=self.src, timeout=120)

    def uv_publish(self, token: str | None,
                   *paths: str) -> subprocess.CompletedProcess[str]:
        argv = [uv.find_uv_bin(), "publish", "--no-config", "--publish-url",
                self.index.upload_url, "--trusted-publishing", "never"]
        if token is not None:
            argv += ["--token", token]
        return subprocess.run([*argv, *paths], capture_output=True,
                              text=True, env=localindex.pip_env(),
                              cwd=self.src, timeout=120)

    def listed(self, name: str) -> list[str]:
        path = os.path.join(self.root, "simple", name, "index.html")
        if not os.path.exists(path):
            return []
        return [f.filename for f in simpleapi.parse_project(
            base.read(path), "http://h/")]


class TestPublish(ServerTestCase):

    def test_twine_uploads_a_wheel_and_an_sdist_with_a_token(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        sdist = localindex.make_sdist(self.src, "alpha", "1.0")
        result = self.twine(self.index.token, wheel, sdist)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertEqual(["alpha-1.0-py3-none-any.whl", "alpha-1.0.tar.gz"],
                         self.listed("alpha"))
        self.assertEqual([], mirrordir.verify_mirror(self.root))
        records = self.index.log_records()
        self.assertEqual(
            [("alpha-1.0-py3-none-any.whl", "accepted", "tests",
              mirrordir.sha256_of(wheel)),
             ("alpha-1.0.tar.gz", "accepted", "tests",
              mirrordir.sha256_of(sdist))],
            [(r["filename"], r["result"], r["token"], r["sha256"])
             for r in records])

    def test_twine_without_or_with_a_wrong_token_is_refused(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        before = _snapshot(self.root)
        for token in ("", "osr-wrong"):
            result = self.twine(token, wheel)
            self.assertNotEqual(0, result.returncode)
            self.assertIn("403", result.stdout + result.stderr)
        self.assertEqual(before, _snapshot(self.root))
        self.assertEqual(["refused", "refused"],
                         [r["result"] for r in self.index.log_records()])

    def test_uv_publish_uploads_with_a_token_only(self) -> None:
        wheel = localindex.make_wheel(self.src, "beta", "2.0")
        sdist = localindex.make_sdist(self.src, "beta", "2.0")
        refused = self.uv_publish("osr-wrong", wheel)
        self.assertNotEqual(0, refused.returncode)
        self.assertIn("403", refused.stderr)
        self.assertNotEqual(0, self.uv_publish(None, wheel).returncode)
        self.assertEqual([], self.listed("beta"))
        result = self.uv_publish(self.index.token, wheel, sdist)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(["beta-2.0-py3-none-any.whl", "beta-2.0.tar.gz"],
                         self.listed("beta"))

    def test_pip_and_uv_install_what_was_uploaded(self) -> None:
        wheel = localindex.make_wheel(self.src, "gamma", "1.5")
        self.assertEqual(200, self.upload_file(wheel)[0])
        index_url = self.index.url + "/simple/"
        constraints = self.write(self.src, "c.txt", "")
        target = os.path.join(self.make_dir(), "pip")
        result = localindex.pip_install(index_url, constraints, target,
                                        "gamma==1.5")
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertTrue(os.path.exists(os.path.join(target, "gamma_mod.py")))
        target = os.path.join(self.make_dir(), "uv")
        result = subprocess.run(
            [uv.find_uv_bin(), "pip", "install", "--no-config",
             "--no-cache", "--python", sys.executable, "--target", target,
             "--index-url", index_url, "gamma==1.5"],
            capture_output=True, text=True, env=localindex.pip_env(),
            cwd=self.src, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertTrue(os.path.exists(os.path.join(target, "gamma_mod.py")))

    def test_token_scoped_to_other_projects_is_refused(self) -> None:
        scoped = self.index.add_token("team-b", "beta")
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        with open(wheel, "rb") as f:
            content = f.read()
        fields = localindex.upload_fields(wheel)
        status, text = self.upload(os.path.basename(wheel), content, fields,
                                   token=scoped)
        self.assertEqual(403, status)
        self.assertIn(b"token 'team-b' may not upload alpha", text)
        self.assertEqual([], self.listed("alpha"))
        beta = localindex.make_wheel(self.src, "beta", "1.0")
        with open(beta, "rb") as f:
            status, _ = self.upload(os.path.basename(beta), f.read(),
                                    localindex.upload_fields(beta),
                                    token=scoped)
        self.assertEqual(200, status)

    def test_revoked_token_is_refused_without_a_restart(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        subprocess.run(
            [sys.executable, "-m", "openstack_requirements.cmds.index_tokens",
             "--file", self.index.tokens, "revoke", "tests"], check=True,
            capture_output=True, env=self.index.env, cwd=self.src)
        self.assertEqual(403, self.upload_file(wheel)[0])

    def test_same_file_again_is_accepted_and_changes_nothing(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        self.assertEqual(200, self.upload_file(wheel)[0])
        before = _snapshot(self.root)
        status, text = self.upload_file(wheel)
        self.assertEqual(200, status)
        self.assertIn(b"already there", text)
        self.assertEqual(before, _snapshot(self.root))


class TestStray(ServerTestCase):

    def test_upload_replaces_a_file_the_mirror_never_published(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        stray = os.path.join(self.root, "packages", os.path.basename(wheel))
        with open(stray, "wb") as f:
            f.write(b"copied in by hand")
        status, _, body = self.request("/")
        self.assertNotIn(b"/project/alpha/", body)  # strays are not shown
        self.assertEqual(200, self.upload_file(wheel)[0])
        self.assertEqual(mirrordir.sha256_of(wheel),
                         mirrordir.sha256_of(stray))
        self.assertEqual([os.path.basename(wheel)], self.listed("alpha"))


class TestHostile(ServerTestCase):
    """Each refused upload leaves packages/ and simple/ as they were."""

    options = ("--max-upload-size", "64K")

    def setUp(self) -> None:
        super().setUp()
        self.wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        self.assertEqual(200, self.upload_file(self.wheel)[0])
        self.before = _snapshot(self.root)

    def assert_refused(self, status: int, expected: int,
                       text: bytes, message: str) -> None:
        self.assertEqual(expected, status, text)
        self.assertIn(message.encode(), text)
        self.assertEqual(self.before, _snapshot(self.root))
        self.assertEqual([], [e for e in os.listdir(self.root)
                              if e.startswith(".")])
        last = self.index.log_records()[-1]
        self.assertEqual(("refused", expected),
                         (last["result"], last["status"]))

    def test_error_wrong_digest(self) -> None:
        other = localindex.make_wheel(self.src, "alpha", "2.0")
        status, text = self.upload_file(other, sha256_digest="0" * 64)
        self.assert_refused(status, 400, text, "sha256_digest does not "
                            "match the file received")

    def test_error_name_differs_from_metadata(self) -> None:
        # A wheel of "alpha" renamed to say it is "beta".
        fake = os.path.join(self.make_dir(), "beta-1.0-py3-none-any.whl")
        shutil.copyfile(localindex.make_wheel(self.make_dir(), "alpha",
                                              "1.0"), fake)
        status, text = self.upload_file(fake)
        self.assert_refused(status, 400, text, "beta-1.0-py3-none-any.whl: "
                            "its metadata says alpha 1.0 but the filename "
                            "says beta 1.0: a renamed file is refused")

    def test_error_version_differs_from_the_form(self) -> None:
        other = localindex.make_wheel(self.src, "alpha", "2.0")
        status, text = self.upload_file(other, version="3.0")
        self.assert_refused(status, 400, text, "alpha-2.0-py3-none-any.whl "
                            "is version 2.0, but the form says version 3.0")

    def test_error_path_traversal(self) -> None:
        other = localindex.make_wheel(self.src, "evil", "1.0")
        with open(other, "rb") as f:
            content = f.read()
        for filename in ("../../evil-1.0-py3-none-any.whl",
                         "..%2fevil-1.0-py3-none-any.whl", "..",
                         "/tmp/evil-1.0-py3-none-any.whl",
                         "sub\\evil-1.0-py3-none-any.whl",
                         ".evil-1.0-py3-none-any.whl"):
            status, text = self.upload(
                filename, content, localindex.upload_fields(other))
            self.assert_refused(status, 400, text, "invalid filename")
        self.assertFalse(os.path.exists(os.path.join(
            os.path.dirname(self.root), "evil-1.0-py3-none-any.whl")))

    def test_error_same_filename_other_content(self) -> None:
        other = localindex.make_wheel(self.make_dir(), "alpha", "1.0",
                                      requires_python=">=3")
        status, text = self.upload_file(other)
        self.assert_refused(status, 409, text, "File already exists")

    def test_error_oversized_body(self) -> None:
        content = os.urandom(100 * 1024)
        status, text = self.upload("alpha-3.0-py3-none-any.whl", content,
                                   localindex.upload_fields(self.wheel))
        self.assertEqual(413, status)
        self.assertEqual(self.before, _snapshot(self.root))

    def test_error_truncated_multipart(self) -> None:
        other = localindex.make_wheel(self.src, "alpha", "2.0")
        with open(other, "rb") as f:
            content = f.read()
        body, ctype = localindex.multipart_body(
            localindex.upload_fields(other), os.path.basename(other),
            content)
        body = body[:len(body) - 200]  # cut inside the file part
        headers = {"Content-Type": ctype, "Authorization": "Basic "
                   + base64.b64encode(
                       f"__token__:{self.index.token}".encode()).decode()}
        status, _, text = self.request("/legacy/", "POST", body, headers)
        self.assert_refused(status, 400, text, "malformed or truncated "
                            "multipart body")

    def test_error_not_a_wheel_inside(self) -> None:
        status, text = self.upload(
            "alpha-2.0-py3-none-any.whl", b"not a zip file",
            localindex.upload_fields(self.wheel, version="2.0",
                                     sha256_digest=""))
        self.assert_refused(status, 400, text, "not a readable wheel")

    def test_error_no_token(self) -> None:
        other = localindex.make_wheel(self.src, "alpha", "2.0")
        with open(other, "rb") as f:
            status, text = self.upload(os.path.basename(other), f.read(),
                                       localindex.upload_fields(other),
                                       token="")
        self.assert_refused(status, 403, text, "a valid upload token is "
                            "needed")


class TestRead(ServerTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.wheel = localindex.make_wheel(self.src, "alpha", "1.0",
                                           requires_python=">=3.9")
        self.assertEqual(200, self.upload_file(self.wheel)[0])

    def test_pep691_json_by_accept(self) -> None:
        status, headers, body = self.request(
            "/simple/alpha/", headers={"Accept": simpleapi.ACCEPT})
        self.assertEqual(200, status)
        self.assertEqual(simpleapi.JSON_CONTENT_TYPE,
                         headers["Content-Type"])
        self.assertEqual("Accept", headers["Vary"])
        files = simpleapi.parse_project_json(
            body.decode(), self.index.url + "/simple/alpha/")
        self.assertEqual([(self.index.url
                           + "/packages/alpha-1.0-py3-none-any.whl",
                           mirrordir.sha256_of(self.wheel), ">=3.9")],
                         [(f.url, f.sha256, f.requires_python)
                          for f in files])
        status, headers, body = self.request("/simple/")
        self.assertEqual("application/vnd.pypi.simple.v1+html",
                         headers["Content-Type"])
        self.assertEqual(["alpha"], simpleapi.parse_root(body.decode()))
        status, headers, body = self.request(
            "/simple/?format=application/vnd.pypi.simple.v1%2Bjson")
        self.assertEqual([{"name": "alpha"}], json.loads(body)["projects"])

    def test_error_unacceptable_media_type_is_406(self) -> None:
        status, _, _ = self.request("/simple/alpha/",
                                    headers={"Accept": "image/png"})
        self.assertEqual(406, status)

    def test_conditional_get_is_304(self) -> None:
        for path in ("/simple/alpha/",
                     "/packages/alpha-1.0-py3-none-any.whl"):
            status, headers, body = self.request(path)
            self.assertEqual(200, status)
            status, _, again = self.request(
                path, headers={"If-None-Match": headers["ETag"]})
            self.assertEqual((304, b""), (status, again))
            status, _, _ = self.request(path, headers={
                "If-Modified-Since": headers["Last-Modified"]})
            self.assertEqual(304, status)
            status, _, _ = self.request(path,
                                        headers={"If-None-Match": '"x"'})
            self.assertEqual(200, status)
        # A new upload changes the page, and so its ETag.
        _, headers, _ = self.request("/simple/alpha/")
        other = localindex.make_wheel(self.src, "alpha", "2.0")
        self.assertEqual(200, self.upload_file(other)[0])
        status, _, _ = self.request(
            "/simple/alpha/", headers={"If-None-Match": headers["ETag"]})
        self.assertEqual(200, status)

    def test_files_and_redirects(self) -> None:
        status, headers, body = self.request(
            "/packages/alpha-1.0-py3-none-any.whl")
        with open(self.wheel, "rb") as f:
            self.assertEqual((200, f.read()), (status, body))
        self.assertEqual("application/zip", headers["Content-Type"])
        status, headers, _ = self.request("/simple/Alpha/")
        self.assertEqual((301, "/simple/alpha/"),
                         (status, headers["Location"]))
        for path in ("/packages/../index-tokens.json", "/index-tokens.json",
                     "/upload-log.jsonl", "/packages/missing-1.0.tar.gz",
                     "/simple/nothing/"):
            self.assertEqual(404, self.request(path)[0], path)
        self.assertEqual(405, self.request("/simple/", "DELETE")[0])

    def test_human_pages(self) -> None:
        status, _, body = self.request("/")
        text = body.decode()
        self.assertEqual(200, status)
        self.assertIn('<a href="/project/alpha/">alpha</a></td><td>1</td>',
                      text)
        self.assertIn('<form id="upload"', text)
        status, _, body = self.request("/project/alpha/")
        text = body.decode()
        self.assertIn("<td>1.0</td>", text)
        self.assertIn(f"<td>{os.path.getsize(self.wheel)} B</td>", text)
        self.assertIn(mirrordir.sha256_of(self.wheel), text)

    def test_private_index_needs_a_token_to_read(self) -> None:
        private = self.useFixture(localindex.ServedIndex(
            self.root + "-private", "--private",
            pythonpath=self.child_env()["PYTHONPATH"]))
        url = private.url + "/simple/"
        caught = self.assertRaises(urllib.error.HTTPError,
                                   urllib.request.urlopen, url, timeout=30)
        self.assertEqual(401, caught.code)
        request = urllib.request.Request(url, headers={
            "Authorization": "Basic " + base64.b64encode(
                f"__token__:{private.token}".encode()).decode()})
        with urllib.request.urlopen(request, timeout=30) as response:
            self.assertEqual(200, response.status)


class TestConcurrentUploads(ServerTestCase):

    def test_nothing_lost_and_no_broken_page(self) -> None:
        # The load test's consistency check, for a few seconds.
        result = indexload.run(self.index.url, self.root, self.index.token,
                               uploaders=4, readers=4, seconds=3.0,
                               work=self.make_dir())
        self.assertEqual([], result.problems)
        self.assertGreater(result.accepted, 8)
        self.assertGreater(result.reads, 20)
