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

"""index-tokens, and serve-index's refusals of bad options."""

from __future__ import annotations

import os
import stat

from openstack_requirements import indexhttp
from openstack_requirements.cmds import index_tokens  # noqa: H306
from openstack_requirements.cmds import serve_index
from openstack_requirements.tests import base


class TestIndexTokens(base.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.path = os.path.join(self.make_dir(), "tokens.json")

    def test_add_list_revoke(self) -> None:
        code, out, _ = self.run_main(index_tokens.main, [
            "--file", self.path, "add", "ci", "--project", "Alpha_Lib"])
        self.assertEqual(0, code)
        secret = out.strip()
        self.assertTrue(secret.startswith("osr-"))
        text = base.read(self.path)
        self.assertNotIn(secret, text)
        self.assertEqual(0o600, stat.S_IMODE(os.stat(self.path).st_mode))
        [token] = indexhttp.parse_tokens(text, self.path)
        self.assertEqual(("ci", ("alpha-lib",)), (token.id, token.projects))
        self.assertIs(token, indexhttp.find_token([token], secret))
        code, out, _ = self.run_main(index_tokens.main, [
            "--file", self.path, "list"])
        self.assertEqual(f"ci\talpha-lib\t{token.created}\n", out)
        code, out, _ = self.run_main(index_tokens.main, [
            "--file", self.path, "revoke", "ci"])
        self.assertEqual((0, "revoked ci\n"), (code, out))
        self.assertEqual([], indexhttp.parse_tokens(base.read(self.path),
                                                    self.path))

    def test_error_duplicate_and_unknown_ids(self) -> None:
        self.run_main(index_tokens.main, ["--file", self.path, "add", "ci"])
        before = base.read(self.path)
        code, _, err = self.run_main(index_tokens.main, [
            "--file", self.path, "add", "ci"])
        self.assertEqual((2, f"{self.path}: token 'ci' exists; revoke it "
                          "first or pick another id\n"), (code, err))
        code, _, err = self.run_main(index_tokens.main, [
            "--file", self.path, "revoke", "nobody"])
        self.assertEqual((2, f"{self.path}: no token 'nobody'; see "
                          "index-tokens list\n"), (code, err))
        self.assertEqual(before, base.read(self.path))


class TestServeIndexOptions(base.TestCase):

    def test_error_bad_size(self) -> None:
        code, _, err = self.run_main(serve_index.main, [
            self.make_dir(), "--max-upload-size", "lots"])
        self.assertEqual((2, "--max-upload-size 'lots': give a size such "
                          "as 512K, 100M or 2G\n"), (code, err))

    def test_error_broken_tokens_file(self) -> None:
        root = self.make_dir()
        tokens = self.write(root, "index-tokens.json", "[1, 2]\n")
        code, _, err = self.run_main(serve_index.main, [root, "--port", "0"])
        self.assertEqual(2, code)
        self.assertTrue(err.startswith(f"{tokens}:1: not a tokens file"),
                        err)
        self.assertEqual(["index-tokens.json"], os.listdir(root))
