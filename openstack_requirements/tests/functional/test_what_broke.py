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

"""what-broke end to end against an index on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil

from openstack_requirements.cmds import what_broke
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

GLOBAL = """requests!=2.33.1  # Apache-2.0
PyQt5  # GPL
"""
UPPER = "requests===2.33.0\nPyQt5===5.15.11\nnot-on-index===1.0\n"


class TestWhatBroke(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.index = self.useFixture(localindex.IndexServer())
        self.dir = self.make_dir()
        self.global_ = self.write(self.dir, "g.txt", GLOBAL)
        self.upper = self.write(self.dir, "u.txt", UPPER)

    def what_broke(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(what_broke.main, [
            "--index-url", self.index.url, "--no-cache",
            "--global", self.global_, "--upper", self.upper,
            "--retries", "0", "--jobs", "2", *argv])

    def test_lists_releases_exit_1(self) -> None:
        code, out, err = self.what_broke("--since", "2026-05-12")
        self.assertEqual(1, code, err)
        self.assertEqual(
            "Releases since 2026-05-12T00:00+00:00 of 3 project(s), "
            "newest first; * = the global specifiers let it in\n"
            "* 2026-05-14 19:25  requests 2.34.2  (allowed by !=2.33.1, "
            "pinned 2.33.0)\n"
            "* 2026-05-13 19:20  requests 2.34.1  (allowed by !=2.33.1, "
            "pinned 2.33.0)\n"
            "2 new release(s), 2 let in\n"
            "not on the index: not-on-index\n", out)

    def test_a_held_release_is_marked_and_not_let_in(self) -> None:
        # holds.txt beside the global list is found.
        self.write(self.dir, "holds.txt",
                   'requests!=2.34.2  # reason="breaks glance" '
                   "link=https://bugs.example/3 owner=me "
                   "expires=2099-01-01\n")
        code, out, err = self.what_broke("--since", "2026-05-12")
        self.assertEqual(1, code, err)
        self.assertIn(
            "  2026-05-14 19:25  requests 2.34.2  (held: requests!=2.34.2 "
            "(breaks glance; https://bugs.example/3; owner me; until "
            "2099-01-01), pinned 2.33.0)\n"
            "* 2026-05-13 19:20  requests 2.34.1", out)
        self.assertIn("2 new release(s), 1 let in\n", out)
        self.write(self.dir, "holds.txt",
                   'requests<2.34  # reason=x expires=2099-01-01\n')
        code, out, err = self.what_broke("--since", "2026-05-12", "--json")
        self.assertEqual(0, code, err)
        self.assertEqual(
            ["requests<2.34 (x; until 2099-01-01)"] * 2,
            [r["held"] for r in json.loads(out)["releases"]])

    def test_nothing_new_exit_0(self) -> None:
        code, out, err = self.what_broke("--since", "2026-11-01T00:00Z")
        self.assertEqual(0, code, err)
        self.assertIn("0 new release(s), 0 let in\n", out)

    def test_json_and_name_filter(self) -> None:
        code, out, err = self.what_broke("--json", "--since", "2026-03-29",
                                         "--name", "Requests")
        self.assertEqual(1, code, err)
        data = json.loads(out)
        self.assertEqual(1, data["checked"])
        self.assertEqual(
            [("2.34.2", True), ("2.34.1", True), ("2.34.0", True),
             ("2.34.0.dev1", False), ("2.33.1", False)],
            [(r["version"], r["allowed"]) for r in data["releases"]])
        self.assertEqual("excluded by !=2.33.1", data["releases"][4]["why"])

    def test_a_half_warm_cache_gives_the_same_output(self) -> None:
        # What comes from the cache is read first, the rest fetched; the
        # output keeps the order asked for all the same.
        cache = os.path.join(self.dir, "cache")

        def run(*names: str) -> str:
            argv = ["--index-url", self.index.url, "--cache-dir", cache,
                    "--global", "", "--upper", "", "--retries", "0",
                    "--json", "--since", "2026-03-29"]
            for name in names:
                argv += ["--name", name]
            code, out, err = self.run_main(what_broke.main, argv)
            self.assertEqual(1, code, err)
            return out

        cold = run("aaa-missing", "requests", "zzz-missing")
        shutil.rmtree(cache)
        run("zzz-missing", "requests")  # these two come from the cache
        half = run("aaa-missing", "requests", "zzz-missing")
        self.assertEqual(cold, half)
        self.assertEqual(["aaa-missing", "zzz-missing"],
                         json.loads(half)["not_on_index"])

    def test_error_bad_index_url(self) -> None:
        code, out, err = self.run_main(what_broke.main, [
            "--index-url", "https://pypi.org:abc/pypi", "--name", "x"])
        self.assertEqual(2, code)
        self.assertIn("--index-url 'https://pypi.org:abc/pypi' is not a "
                      "valid URL", err)
        self.assertNotIn("Traceback", err)

    def test_since_file(self) -> None:
        stamp = self.write(self.dir, "stamp", "")
        when = 1778716800  # 2026-05-14T00:00:00Z
        os.utime(stamp, (when, when))
        code, out, err = self.what_broke("--since-file", stamp)
        self.assertEqual(1, code, err)
        self.assertIn("Releases since 2026-05-14T00:00+00:00", out)
        self.assertIn("requests 2.34.2", out)
        self.assertNotIn("requests 2.34.1", out)

    def test_error_failed_lookups_exit_3(self) -> None:
        self.index.script("pyqt5", "500")
        code, out, err = self.what_broke("--since", "2026-05-12")
        self.assertEqual(3, code)
        self.assertIn("requests 2.34.2", out)
        self.assertIn("failed: pyqt5: cannot get "
                      f"{self.index.url}/pyqt5/json after 1 attempt(s): "
                      "HTTP 503 Service Unavailable;", out)

    def test_shipped_lists(self) -> None:
        # Every name of the real lists is asked for; the loopback index
        # knows only the fixtures and answers 404 for the rest.
        code, out, err = self.run_main(what_broke.main, [
            "--index-url", self.index.url, "--no-cache", "--retries", "0",
            "--since", "2026-05-01"])
        self.assertEqual(1, code, err)
        lines = out.splitlines()
        self.assertEqual(
            "* 2026-05-14 19:25  requests 2.34.2  (allowed by "
            "!=2.20.0,!=2.24.0, pinned 2.34.2)", lines[1])
        self.assertIn("  2026-05-03 20:21  requests 2.34.0.dev1  "
                      "(pre-release (pip skips it by default), pinned "
                      "2.34.2)", lines)
        self.assertIn("4 new release(s), 3 let in", lines)
        (missing,) = [x for x in lines if x.startswith("not on the index")]
        self.assertIn(" oslo-config, ", missing)
        self.assertGreater(self.index.hits("oslo-config"), 0)

    def test_error_bad_date(self) -> None:
        code, out, err = self.what_broke("--since", "yesterday")
        self.assertEqual(2, code)
        self.assertEqual("--since 'yesterday' is not a date; use YYYY-MM-DD "
                         "or an ISO date-time such as 2026-11-01T18:00Z\n",
                         err)

    def test_error_missing_since_file(self) -> None:
        code, out, err = self.what_broke("--since-file", "/nonexistent/x")
        self.assertEqual(2, code)
        self.assertEqual("/nonexistent/x: cannot read its modification "
                         "time: No such file or directory\n", err)

    def test_error_nothing_to_check(self) -> None:
        # An empty global list and no upper-constraints used to "check"
        # 0 projects and exit 0; it is bad input.
        empty = self.write(self.dir, "empty.txt", "# nothing yet\n")
        code, out, err = self.run_main(what_broke.main, [
            "--index-url", self.index.url, "--no-cache", "--global", empty,
            "--upper", ""])
        self.assertEqual(2, code, out + err)
        self.assertEqual(
            f"nothing to check: {empty} name no project; give a --global "
            "or --upper file with requirements, or --name NAME\n", err)
        self.assertEqual("", out)
        self.assertEqual(0, sum(self.index.hits(n) for n in
                                ("requests", "pyqt5")))

    def test_error_bad_timeout_and_retries(self) -> None:
        # nan used to reach the client as a traceback (ValueError).
        for option, value in (("--timeout", "nan"), ("--timeout", "inf"),
                              ("--timeout", "0"), ("--timeout", "-1"),
                              ("--timeout", "x"), ("--retries", "-1"),
                              ("--retries", "1.5")):
            code, out, err = self.what_broke(option, value)
            self.assertEqual(2, code, (option, value, err))
            self.assertIn(f"argument {option}: {value!r} is not a", err)
            self.assertNotIn("Traceback", err)

    def test_error_both_since_options(self) -> None:
        code, out, err = self.what_broke("--since", "2026-01-01",
                                         "--since-file", "x")
        self.assertEqual(2, code)
        self.assertIn("not allowed with argument", err)
