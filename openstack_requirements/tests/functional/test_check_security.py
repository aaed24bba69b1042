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

"""check-security against a JSON API on 127.0.0.1 with a planted
vulnerable pin."""

from __future__ import annotations

import json
import os

from openstack_requirements.cmds import check_security
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

ADVISORY = {
    "id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"],
    "fixed_in": ["1.2"], "link": "https://osv.dev/PYSEC-2099-1",
    "summary": "remote code execution", "withdrawn": None,
}
UPPER = ("Vuln.Lib===1.0;python_version=='3.11'\n"
         "Vuln.Lib===2.0;python_version>='3.12'\n"
         "safe-lib===1.0\n")


def release(name: str, version: str) -> dict[str, object]:
    return {"filename": f"{name}-{version}-py3-none-any.whl",
            "packagetype": "bdist_wheel",
            "upload_time_iso_8601": "2026-01-01T00:00:00Z"}


class TestCheckSecurity(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        data = os.path.join(self.dir, "index")
        versions = ["1.0", "1.1", "1.2", "2.0", "3.0rc1"]
        self.write(data, "vuln-lib.json", json.dumps({
            "info": {"name": "Vuln.Lib", "version": "2.0"},
            "releases": {v: [release("vuln_lib", v)] for v in versions},
            "vulnerabilities": []}))
        for version in versions:
            vulns = [ADVISORY] if version in ("1.0", "1.1") else []
            self.write(data, f"vuln-lib/{version}.json", json.dumps({
                "info": {"name": "Vuln.Lib", "version": version},
                "vulnerabilities": vulns}))
        self.write(data, "safe-lib/1.0.json", json.dumps({
            "info": {"name": "safe-lib", "version": "1.0"},
            "vulnerabilities": [dict(ADVISORY, id="GHSA-x",
                                     withdrawn="2026-01-02")]}))
        self.index = self.useFixture(localindex.IndexServer(data))
        self.upper = self.write(self.dir, "upper-constraints.txt", UPPER)
        self.global_ = self.write(self.dir, "global-requirements.txt",
                                  "Vuln.Lib  # MIT\nsafe-lib  # MIT\n")

    def check(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(check_security.main, [
            "--index-url", self.index.url, "--no-cache", "--retries", "0",
            "--global", self.global_, "--upper", self.upper, *argv])

    def test_planted_pin_gets_the_smallest_fix(self) -> None:
        code, out, err = self.check()
        self.assertEqual(1, code, err)
        self.assertEqual(
            f"{self.upper}:1: Vuln.Lib===1.0;python_version=='3.11': "
            "PYSEC-2099-1 (CVE-2099-0001); fixed in 1.2; smallest allowed "
            "fix: 1.2\n"
            "3 pin(s) checked, 1 affected, 0 accepted (--ignore)\n", out)

    def test_the_global_list_and_the_holds_narrow_the_fix(self) -> None:
        # A stable branch's global list excludes 1.2: the next fix is 2.0.
        self.write(self.dir, "global-requirements.txt",
                   "Vuln.Lib!=1.2  # MIT\nsafe-lib  # MIT\n")
        code, out, err = self.check("--json")
        self.assertEqual(1, code, err)
        found = json.loads(out)["affected"]
        self.assertEqual([("1.0", "2.0")],
                         [(a["version"], a["fix"]) for a in found])
        self.assertEqual(["CVE-2099-0001"],
                         found[0]["advisories"][0]["aliases"])
        # A hold (beside the global list) keeps 2.0 out: nothing fixes it.
        self.write(self.dir, "holds.txt",
                   'Vuln.Lib!=2.0  # reason="breaks nova" '
                   "expires=2099-01-01\n")
        code, out, err = self.check()
        self.assertEqual(1, code, err)
        self.assertIn(
            "fixed in 1.2; no allowed version fixes it (1.2 is excluded by "
            "the global list (!=1.2); 2.0 is held by Vuln.Lib!=2.0 (breaks "
            "nova; until 2099-01-01))\n", out)

    def test_ignore_with_a_reason(self) -> None:
        code, out, err = self.check(
            "--ignore", "CVE-2099-0001=not reachable from OpenStack")
        self.assertEqual(0, code, err)
        self.assertEqual(
            "ignored: Vuln.Lib===1.0 (PYSEC-2099-1: not reachable from "
            "OpenStack)\n"
            "3 pin(s) checked, 0 affected, 1 accepted (--ignore)\n", out)

    def test_error_ignore_without_a_reason(self) -> None:
        code, out, err = self.check("--ignore", "PYSEC-2099-1")
        self.assertEqual(2, code)
        self.assertIn("--ignore 'PYSEC-2099-1': write ID=REASON", err)

    def test_error_failed_lookups_exit_3(self) -> None:
        self.index.script("safe-lib", "500")
        code, out, err = self.check()
        self.assertEqual(3, code, err)
        self.assertIn("failed: safe-lib 1.0: ", out)
        # The rest is still reported.
        self.assertIn("Vuln.Lib===1.0", out)

    def test_releases_not_on_the_index_are_not_counted(self) -> None:
        # safe-lib 1.0 has no release document: named, not "checked".
        os.unlink(os.path.join(self.dir, "index", "safe-lib", "1.0.json"))
        code, out, err = self.check()
        self.assertEqual(1, code, err)
        self.assertIn("not checked: safe-lib 1.0 is not on the index\n", out)
        self.assertTrue(out.endswith(
            "2 pin(s) checked, 1 affected, 0 accepted (--ignore), "
            "1 not on the index (not checked)\n"), out)

    def test_latest_release_is_checked_from_the_project_document(
            self) -> None:
        # An index that serves only project documents (PyPI as seen from
        # some networks): their advisories are the latest release's.
        os.unlink(os.path.join(self.dir, "index", "vuln-lib", "2.0.json"))
        path = os.path.join(self.dir, "index", "vuln-lib.json")
        doc = json.loads(base.read(path))
        doc["vulnerabilities"] = [dict(ADVISORY, id="GHSA-late",
                                       aliases=[], fixed_in=[])]
        self.write(self.dir, "index/vuln-lib.json", json.dumps(doc))
        code, out, err = self.check()
        self.assertEqual(1, code, err)
        self.assertIn(
            f"{self.upper}:2: Vuln.Lib===2.0;python_version>='3.12': "
            "GHSA-late; fixed in no release; no allowed version fixes it (an "
            "advisory names no fixed release)\n", out)
        self.assertTrue(out.endswith("3 pin(s) checked, 2 affected, "
                                     "0 accepted (--ignore)\n"), out)

    def test_error_nothing_on_the_index_exits_3(self) -> None:
        # An index (or proxy) that has no release document at all gives
        # no verdict, never "0 affected".
        self.write(self.dir, "only.txt", "safe-lib===1.0\n")
        os.unlink(os.path.join(self.dir, "index", "safe-lib", "1.0.json"))
        code, out, err = self.run_main(check_security.main, [
            "--index-url", self.index.url, "--no-cache", "--retries", "0",
            "--global", self.global_, "--upper",
            os.path.join(self.dir, "only.txt")])
        self.assertEqual(3, code, out + err)
        self.assertIn("0 pin(s) checked", out)
