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

"""review-requirement end to end against an index on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import typing

from openstack_requirements.cmds import review as review_cmd
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

if typing.TYPE_CHECKING:
    from openstack_requirements import review

GLOBAL = """requests!=2.20.0  # Apache-2.0
six  # MIT
"""
UPPER = "requests===2.34.2\nsix===1.17.0\n"


def no_debian(name: str) -> review.DistroInfo:
    from openstack_requirements import review

    return review.DistroInfo("unknown", detail="test")


class ReviewCase(base.TestCase):
    """Runs review-requirement against ``self.index`` with the lists."""

    extra: tuple[str, ...] = ()

    def review(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(
            lambda a, stdout: review_cmd.main(a, stdout, distro=no_debian),
            ["--index-url", self.index.url, "--cache-dir", self.cache,
             "--global", self.global_, "--upper", self.upper,
             "--retries", "0", *self.extra, *argv])


class TestReviewRequirement(ReviewCase):
    def setUp(self) -> None:
        super().setUp()
        self.index = self.useFixture(localindex.IndexServer())
        self.dir = self.make_dir()
        self.global_ = self.write(self.dir, "global-requirements.txt", GLOBAL)
        self.upper = self.write(self.dir, "upper-constraints.txt", UPPER)
        self.cache = os.path.join(self.dir, "cache")

    def test_looks_fine_exit_0(self) -> None:
        code, out, err = self.review("requests>=2.32.2")
        self.assertEqual(0, code, err)
        self.assertEqual("", err)
        self.assertTrue(out.startswith(
            "Review of requests>=2.32.2 (requests 2.34.2)\n"), out)
        self.assertIn("Already covered?            ok\n"
                      f"  {self.global_}:1: requests!=2.20.0  # "
                      "Apache-2.0\n", out)
        self.assertIn("  Debian: unknown (test)\n", out)
        # The entry's exclusion is kept.
        self.assertTrue(out.endswith(
            "global list line: requests!=2.20.0  # Apache-2.0\n"
            "verdict: looks fine\n"), out)

    def test_reject_exit_1_json(self) -> None:
        code, out, err = self.review("--json", "PyQt5>=5.15")
        self.assertEqual(1, code, err)
        data = json.loads(out)
        self.assertEqual("reject: GPL-3.0", data["verdict"])
        self.assertEqual("reject", data["status"])
        self.assertIn({"source": "PyQt5", "line": None, "code": "license",
                       "message": "GPL-3.0"}, data["findings"])

    def test_raise_with_old_minimum(self) -> None:
        code, out, err = self.review("requests>=2.33.0",
                                     "--old-minimum", "2.32.4")
        self.assertEqual(0, code, err)
        self.assertIn("  raise from 2.32.4 to 2.33.0 drops 2 release(s): "
                      "2.32.4 (2025-06-09), 2.32.5 (2025-08-18)\n", out)

    def test_python_targets_option(self) -> None:
        code, out, err = self.review("requests>=2.33.0", "--python", "3.9",
                                     "--python", "3.12")
        self.assertEqual(1, code)
        self.assertIn("  targets: Python 3.9, 3.12\n", out)
        self.assertIn("\nverdict: needs a human: Requires-Python >=3.10 "
                      "excludes Python 3.9\n", out)

    def test_error_bad_python_option(self) -> None:
        code, out, err = self.review("requests", "--python", "three")
        self.assertEqual(2, code)
        self.assertEqual("--python 'three' is not an X.Y version, e.g. "
                         "3.12\n", err)

    def test_error_bad_old_minimum(self) -> None:
        code, out, err = self.review("requests>=2.33", "--old-minimum", "x")
        self.assertEqual(2, code)
        self.assertEqual("--old-minimum 'x' is not a PEP 440 version, "
                         "e.g. 2.31.0\n", err)

    def test_error_unknown_project_exit_2(self) -> None:
        code, out, err = self.review("no-such-project>=1")
        self.assertEqual(2, code)
        self.assertEqual("", out)
        self.assertEqual(
            f"no project 'no-such-project' on the index ({self.index.url}"
            "/no-such-project/json answered 404); check the spelling or "
            "--index-url\n", err)

    def test_error_bad_requirement_exit_2(self) -> None:
        code, out, err = self.review("requests>=>2")
        self.assertEqual(2, code)
        self.assertEqual("requirement: invalid version specifier '>=>2'; "
                         "give NAME[SPEC], e.g. 'requests>=2.32'\n", err)
        self.assertEqual(0, self.index.hits("requests"))

    def test_error_index_down_exit_3(self) -> None:
        self.index.script("requests", "500")
        code, out, err = self.review("requests>=2.33.0")
        self.assertEqual(3, code)
        self.assertEqual("", out)
        self.assertEqual(
            "review-requirement: error: cannot get "
            f"{self.index.url}/requests/json after 1 attempt(s): HTTP 503 "
            "Service Unavailable; check the network (are you offline?) or "
            "pass --index-url for a reachable index; answers are cached "
            "for an hour\n", err)

    def test_error_nan_timeout(self) -> None:
        # nan passed "<= 0" and reached the socket: a ValueError traceback.
        code, out, err = self.review("requests", "--timeout", "nan")
        self.assertEqual(2, code, err)
        self.assertIn("argument --timeout: 'nan' is not a number of "
                      "seconds above 0, e.g. 15", err)
        self.assertNotIn("Traceback", err)

    def test_error_missing_global_list(self) -> None:
        code, out, err = self.run_main(review_cmd.main, [
            "requests", "--global", os.path.join(self.dir, "nope.txt")])
        self.assertEqual(2, code)
        self.assertIn("nope.txt: ", err)
        self.assertEqual(0, self.index.hits("requests"))

    def test_cache_serves_a_second_run(self) -> None:
        self.review("requests>=2.33.0")
        self.index.script("requests", "500")
        code, out, err = self.review("requests>=2.33.0")
        self.assertEqual(0, code, err)
        self.assertEqual(1, self.index.hits("requests"))

    def test_console_script_runs_as_a_process(self) -> None:
        script = os.path.join(os.path.dirname(sys.executable),
                              "review-requirement")
        if not os.path.exists(script):
            self.skipTest("package not installed in this interpreter's "
                          "environment (pip install -e .)")
        result = subprocess.run(
            [script, "zyrx", "--json", "--index-url", self.index.url,
             "--no-cache", "--global", self.global_, "--upper", self.upper],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(1, result.returncode, result.stderr)
        data = json.loads(result.stdout)
        self.assertTrue(data["verdict"].startswith(
            "needs a human: no repository or homepage declared; no license "
            "metadata"), data["verdict"])
        (distro,) = [c for c in data["checks"] if c["topic"] == "distro"]
        self.assertTrue(distro["facts"][0].startswith("Debian: "))


class TestReviewAdvisories(base.TestCase):
    def test_unfixed_advisories_from_the_index_reject(self) -> None:
        import json

        where = self.make_dir()
        self.write(where, "pycrypto.json", json.dumps({
            "info": {"name": "pycrypto", "version": "2.6.1",
                     "license": "Public Domain",
                     "classifiers": [
                         "Programming Language :: Python :: 3.12"],
                     "project_urls": {"Source": "https://example.org"}},
            "releases": {"2.6.1": [{
                "filename": "pycrypto-2.6.1.tar.gz", "packagetype": "sdist",
                "upload_time_iso_8601": "2014-06-20T00:00:00Z"}]}}))
        self.write(where, "pycrypto/2.6.1.json", json.dumps({
            "info": {"name": "pycrypto"}, "vulnerabilities": [
                {"id": "PYSEC-2017-94", "aliases": ["CVE-2013-7459"],
                 "fixed_in": []},
                {"id": "PYSEC-2018-97", "aliases": [], "fixed_in": []}]}))
        index = self.useFixture(localindex.IndexServer(where))
        listed = self.write(where, "g.txt", "six  # MIT\n")
        upper = self.write(where, "u.txt", "six===1.16.0\n")
        code, out, err = self.run_main(
            lambda a, stdout: review_cmd.main(a, stdout, distro=no_debian),
            ["pycrypto", "--index-url", index.url, "--no-cache",
             "--global", listed, "--upper", upper, "--retries", "0"])
        self.assertEqual(1, code, err)
        self.assertIn("Known vulnerabilities?      reject\n"
                      "  PYSEC-2017-94 (CVE-2013-7459): no fixed release\n",
                      out)
        self.assertIn("verdict: reject: unfixed advisories in 2.6.1: "
                      "PYSEC-2017-94 (CVE-2013-7459), PYSEC-2018-97", out)


class TestImportNamesFromTheWheel(ReviewCase):
    """The duplicates check reads the candidate's wheel."""

    extra = ("--python", "3.12")

    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        data = os.path.join(self.dir, "index")
        files = os.path.join(data, "files")
        os.makedirs(files)
        # msgpack-python ships the module msgpack: its name says nothing.
        wheel = localindex.make_wheel(files, "msgpack-python", "0.5.6",
                                      modules=["msgpack/__init__.py"])
        # statsutil ships "statistics" (a standard-library name), and
        # says so in top_level.txt.
        shadow = localindex.make_wheel(files, "statsutil", "1.0",
                                       modules=["statistics/__init__.py"],
                                       top_level="statistics\n")
        for name, path in (("msgpack-python", wheel), ("statsutil", shadow)):
            version = os.path.basename(path).split("-")[1]
            with open(path, "rb") as f:
                body = f.read()
            entry = {
                "filename": os.path.basename(path),
                "packagetype": "bdist_wheel",
                "url": "https://files.pythonhosted.org/packages/"
                       + os.path.basename(path),
                "size": len(body),
                "digests": {"sha256": hashlib.sha256(body).hexdigest()},
                "upload_time_iso_8601": "2026-10-01T00:00:00Z"}
            self.write(data, f"{name}.json", json.dumps({
                "info": {"name": name, "version": version,
                         "license": "Apache-2.0",
                         "requires_python": ">=3.8", "classifiers": [
                             "Programming Language :: Python :: 3.12"]},
                "releases": {version: [entry]},
                "urls": [entry]}))  # the latest release's files
        self.index = self.useFixture(localindex.IndexServer(data))
        self.global_ = self.write(self.dir, "global-requirements.txt",
                                  "msgpack  # Apache-2.0\n")
        self.upper = self.write(self.dir, "upper-constraints.txt",
                                "msgpack===1.1.0\n")
        self.cache = os.path.join(self.dir, "cache")

    def test_same_import_name_as_a_listed_entry(self) -> None:
        code, out, err = self.review("--json", "msgpack-python")
        self.assertEqual(1, code, out + err)
        (dup,) = [c for c in json.loads(out)["checks"]
                  if c["topic"] == "duplicates"]
        self.assertEqual(
            [f"imported as msgpack like msgpack, already in {self.global_} "
             "(line 1)"], dup["problems"])
        self.assertEqual(
            ["imported as msgpack (msgpack_python-0.5.6-py3-none-any.whl: "
             "RECORD)"], dup["facts"])
        # Read once: the answer is cached for good.
        self.review("msgpack-python")
        self.assertEqual(1, self.index.hits_at(
            "/files/packages/msgpack_python-0.5.6-py3-none-any.whl"))

    def test_an_older_release_is_located_by_its_own_document(
            self) -> None:
        data = os.path.join(self.dir, "index")
        doc = json.loads(base.read(os.path.join(data,
                                                "msgpack-python.json")))
        (wheel,) = doc["urls"]
        sdist = dict(wheel, filename="msgpack-python-1.0.tar.gz",
                     packagetype="sdist")
        doc["info"]["version"] = "1.0"
        doc["releases"]["1.0"] = doc["urls"] = [sdist]
        self.write(data, "msgpack-python.json", json.dumps(doc))
        self.write(data, "msgpack-python/0.5.6.json", json.dumps(
            {"info": doc["info"], "urls": [wheel], "vulnerabilities": []}))
        code, out, err = self.review("--json", "msgpack-python<1")
        self.assertEqual(1, code, out + err)
        report = json.loads(out)
        (dup,) = [c for c in report["checks"] if c["topic"] == "duplicates"]
        self.assertEqual(("0.5.6", [
            f"imported as msgpack like msgpack, already in {self.global_} "
            "(line 1)"]), (report["version"], dup["problems"]))

    def test_standard_library_name_in_top_level_txt(self) -> None:
        code, out, err = self.review("--json", "statsutil")
        self.assertEqual(1, code, out + err)
        (dup,) = [c for c in json.loads(out)["checks"]
                  if c["topic"] == "duplicates"]
        self.assertEqual(
            ["ships top-level statistics, a standard-library module name: "
             "it shadows or backports the standard library; use the "
             "standard library instead"], dup["problems"])

    def test_a_wheel_that_is_not_the_index_s_is_not_trusted(self) -> None:
        path = os.path.join(self.dir, "index", "files",
                            "msgpack_python-0.5.6-py3-none-any.whl")
        with open(path, "ab") as f:
            f.write(b"tampered")
        code, out, err = self.review("--json", "msgpack-python")
        self.assertEqual(1, code, out + err)  # one release: a human looks
        (dup,) = [c for c in json.loads(out)["checks"]
                  if c["topic"] == "duplicates"]
        # Back to the guess, which misses it, and the review says why.
        self.assertEqual(("ok", []), (dup["status"], dup["problems"]))
        self.assertIn("wheel not read: ", dup["facts"][0])
        self.assertIn("the file's sha256 is not the index's", dup["facts"][0])
        self.assertIn("guessed from the names", dup["facts"][-1])
        # Nothing was cached: the next review downloads it again.
        self.review("msgpack-python")
        self.assertEqual(2, self.index.hits_at(
            "/files/packages/msgpack_python-0.5.6-py3-none-any.whl"))
