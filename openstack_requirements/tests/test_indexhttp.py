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

"""The index server's rules: routes, negotiation, validators, uploads."""

from __future__ import annotations

import base64
import json

from openstack_requirements import errors
from openstack_requirements import indexhttp
from openstack_requirements.tests import base

Kind = indexhttp.Kind
JSON = "application/vnd.pypi.simple.v1+json"
WHEEL = "alpha_lib-1.0-py3-none-any.whl"
SHA = "a" * 64


class TestRoute(base.TestCase):

    def test_routes(self) -> None:
        route = indexhttp.route
        self.assertEqual(Kind.HOME, route("GET", "/").kind)
        self.assertEqual(Kind.SIMPLE_ROOT, route("GET", "/simple/").kind)
        self.assertEqual(indexhttp.Route(Kind.SIMPLE_PROJECT, "alpha-lib"),
                         route("HEAD", "/simple/alpha-lib/"))
        self.assertEqual(indexhttp.Route(Kind.PROJECT, "alpha-lib"),
                         route("GET", "/project/alpha-lib/"))
        self.assertEqual(indexhttp.Route(Kind.PACKAGE, WHEEL),
                         route("GET", f"/packages/{WHEEL}"))
        self.assertEqual(Kind.UPLOAD, route("POST", "/legacy/").kind)
        self.assertEqual(Kind.UPLOAD, route("POST", "/").kind)
        self.assertEqual(Kind.NOT_ALLOWED, route("POST", "/simple/").kind)
        self.assertEqual(Kind.NOT_ALLOWED, route("PUT", "/").kind)

    def test_non_canonical_names_redirect(self) -> None:
        self.assertEqual(
            indexhttp.Route(Kind.REDIRECT, location="/simple/alpha-lib/"),
            indexhttp.route("GET", "/simple/Alpha_Lib/"))
        self.assertEqual("/simple/alpha/",
                         indexhttp.route("GET", "/simple/alpha").location)
        self.assertEqual("/simple/",
                         indexhttp.route("GET", "/simple").location)

    def test_nothing_outside_simple_and_packages(self) -> None:
        for path in ("/packages/../index-tokens.json", "/packages/.x",
                     "/packages/", "/index-tokens.json", "/simple/a/b/",
                     "/packages/a/b.whl", "/simple/../packages/x.whl"):
            self.assertEqual(Kind.NOT_FOUND,
                             indexhttp.route("GET", path).kind, path)


class TestNegotiate(base.TestCase):

    def test_choices(self) -> None:
        negotiate = indexhttp.negotiate
        self.assertEqual("html", negotiate(None))
        self.assertEqual("html", negotiate("text/html"))
        self.assertEqual("json", negotiate(JSON))
        self.assertEqual("json", negotiate(
            f"{JSON}, application/vnd.pypi.simple.v1+html;q=0.2, "
            "text/html;q=0.01"))
        # pip's Accept (HTML preferred by quality).
        self.assertEqual("html", negotiate(
            "application/vnd.pypi.simple.v1+json;q=0.5, text/html"))
        self.assertEqual("json", negotiate("*/*, " + JSON))
        self.assertEqual("html", negotiate("*/*"))
        self.assertIsNone(negotiate("image/png"))
        self.assertIsNone(negotiate(f"{JSON};q=0"))

    def test_format_parameter_wins(self) -> None:
        self.assertEqual("json", indexhttp.negotiate("text/html", JSON))
        self.assertEqual("html", indexhttp.negotiate(JSON, "text/html"))


class TestConditional(base.TestCase):
    DATE = "Sun, 01 Nov 2026 10:00:00 GMT"
    STAMP = 1793527200.0

    def test_if_none_match(self) -> None:
        tag = indexhttp.etag(b"page")
        self.assertTrue(indexhttp.not_modified(tag, 0, tag, None))
        self.assertTrue(indexhttp.not_modified(tag, 0, f'"x", W/{tag}',
                                               None))
        self.assertTrue(indexhttp.not_modified(tag, 0, "*", None))
        self.assertFalse(indexhttp.not_modified(tag, 0, '"x"', None))
        # If-None-Match decides alone, even with a matching date.
        self.assertFalse(indexhttp.not_modified(tag, self.STAMP, '"x"',
                                                self.DATE))

    def test_if_modified_since(self) -> None:
        self.assertEqual(self.DATE, indexhttp.http_date(self.STAMP))
        self.assertTrue(indexhttp.not_modified('"t"', self.STAMP, None,
                                               self.DATE))
        self.assertFalse(indexhttp.not_modified('"t"', self.STAMP + 1,
                                                None, self.DATE))
        self.assertFalse(indexhttp.not_modified('"t"', 0, None, "garbage"))


class TestTokens(base.TestCase):

    def test_round_trip_and_scopes(self) -> None:
        token = indexhttp.Token("ci", indexhttp.hash_secret("s3cret"),
                                indexhttp.canonical_projects(["Alpha_Lib"]),
                                "2026-01-01T00:00:00Z")
        text = indexhttp.render_tokens([token])
        self.assertNotIn("s3cret", text)
        self.assertEqual([token], indexhttp.parse_tokens(text, "t.json"))
        self.assertIs(token, indexhttp.find_token([token], "s3cret"))
        self.assertIsNone(indexhttp.find_token([token], "other"))
        self.assertIsNone(indexhttp.find_token([token], None))
        self.assertTrue(token.allows("alpha-lib"))
        self.assertFalse(token.allows("beta"))
        self.assertTrue(indexhttp.Token("any", "x").allows("beta"))

    def test_basic_auth(self) -> None:
        header = "Basic " + base64.b64encode(b"__token__:osr-1").decode()
        self.assertEqual("osr-1", indexhttp.basic_secret(header))
        self.assertIsNone(indexhttp.basic_secret("Bearer osr-1"))
        self.assertIsNone(indexhttp.basic_secret("Basic !!!"))
        self.assertIsNone(indexhttp.basic_secret(None))

    def test_error_not_a_tokens_file(self) -> None:
        exc = self.assertRaises(errors.ParseError, indexhttp.parse_tokens,
                                '{"tokens": [{"id": "x"}]}', "t.json")
        self.assertEqual("t.json:1: not a tokens file (KeyError('sha256')); "
                         "manage it with index-tokens", str(exc))


class TestCheckUpload(base.TestCase):

    def check(self, filename: str = WHEEL, **fields: str) -> str | None:
        refusal = indexhttp.check_upload(filename, fields,
                                         {"sha256": SHA, "md5": "b" * 32})
        return None if refusal is None else (
            f"{int(refusal.status)} {refusal.message}")

    def test_agreeing_upload(self) -> None:
        self.assertIsNone(self.check(name="Alpha_Lib", version="1.0.0",
                                     sha256_digest=SHA.upper()))
        self.assertIsNone(self.check())  # the form sends no fields

    def test_error_digest(self) -> None:
        self.assertEqual(
            f"400 sha256_digest does not match the file received ({SHA}); "
            "the upload was damaged, send it again",
            self.check(sha256_digest="c" * 64))
        self.assertIn("md5_digest does not match",
                      self.check(md5_digest="c" * 32) or "")

    def test_error_form_fields(self) -> None:
        self.assertEqual(f"400 {WHEEL} is alpha-lib, but the form says "
                         "name beta", self.check(name="beta"))
        self.assertEqual(f"400 {WHEEL} is version 1.0, but the form says "
                         "version 1.1", self.check(version="1.1"))

    def test_error_filenames(self) -> None:
        for filename in ("../x-1.0.tar.gz", "/x-1.0.tar.gz", "a\\x-1.0.whl",
                         ".x-1.0.tar.gz", "", "..", "x\x00-1.0.tar.gz"):
            refusal = indexhttp.check_filename(filename)
            self.assertIsNotNone(refusal, filename)
            assert refusal is not None
            self.assertEqual(indexhttp.Status.BAD_REQUEST, refusal.status)
        self.assertIn("is not a wheel", str(indexhttp.check_filename(
            "x.exe")))
        self.assertIsNone(indexhttp.check_filename(WHEEL))


class TestPages(base.TestCase):

    def test_project_page_newest_first_with_sizes(self) -> None:
        page = indexhttp.render_project_page("alpha", [
            indexhttp.Row("alpha-1.0.tar.gz", 1500, 0.0, SHA),
            indexhttp.Row("alpha-10.0.tar.gz", 3 << 20, 0.0, None)])
        self.assertLess(page.index("alpha-10.0.tar.gz"),
                        page.index("alpha-1.0.tar.gz"))
        self.assertIn("<td>1.5 KiB</td>", page)
        self.assertIn("<td>3.0 MiB</td>", page)
        self.assertIn("Thu, 01 Jan 1970 00:00:00 GMT", page)
        self.assertIn('action="/legacy/"', page)

    def test_escaping(self) -> None:
        page = indexhttp.render_result(indexhttp.Refusal(
            indexhttp.Status.BAD_REQUEST, "<script>"), "x", "y")
        self.assertIn("400: &lt;script&gt;", page)

    def test_log_record(self) -> None:
        record = json.loads(indexhttp.log_record(
            0.0, "127.0.0.1", "ci", WHEEL, "alpha-lib", "1.0", SHA, 10, 200,
            "added"))
        self.assertEqual(("accepted", "ci", SHA, "Thu, 01 Jan 1970 "
                          "00:00:00 GMT"),
                         (record["result"], record["token"],
                          record["sha256"], record["time"]))

    def test_parse_size(self) -> None:
        self.assertEqual([512 << 10, 100 << 20, 2 << 30, 12],
                         [indexhttp.parse_size(s)
                          for s in ("512K", "100M", "2GiB", "12")])
        self.assertRaises(ValueError, indexhttp.parse_size, "0")
        self.assertRaises(ValueError, indexhttp.parse_size, "lots")
