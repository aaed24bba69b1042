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

"""health-report against a JSON API on 127.0.0.1, and its page in a real
headless Chromium (selenium and the Debian chromium and chromium-driver
packages, as the serve-index browser test; skipped without them).
"""

from __future__ import annotations

import importlib
import json
import os
import re

import fixtures

from openstack_requirements.cmds import health_report
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

#: The serve-index browser test's driver set-up, reused.
BROWSER = "openstack_requirements.tests.functional.test_serve_index_browser"

ADVISORY = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"],
            "fixed_in": ["1.1"]}
LATEST_ADVISORY = {"id": "GHSA-gamm-aaaa-0001", "fixed_in": []}
UPLOADED = {"0.5": "2018-01-01", "1.0": "2020-01-01", "1.1": "2026-06-01",
            "2.0": "2026-11-01", "3.0": "2024-12-01"}


def project(name: str, versions: list[str], lic: str) -> dict[str, object]:
    return {"info": {"name": name, "version": versions[-1], "license": lic,
                     "classifiers": []},
            "releases": {v: [{"filename": f"{name}-{v}.tar.gz",
                              "packagetype": "sdist",
                              "upload_time_iso_8601":
                                  UPLOADED[v] + "T00:00:00Z"}]
                         for v in versions}}


class HealthReportCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        data = os.path.join(self.dir, "index")
        for name, versions, lic in (("alpha", ["1.0", "1.1", "2.0"], "MIT"),
                                    ("beta", ["0.5", "2.0"], "GPL-3.0"),
                                    ("gamma", ["3.0"], "BSD")):
            doc = project(name, versions, lic)
            if name == "gamma":  # the latest release's, in the project's
                doc["vulnerabilities"] = [LATEST_ADVISORY]
            self.write(data, f"{name}.json", json.dumps(doc))
            for version in versions:
                if (name, version) in (("beta", "0.5"), ("gamma", "3.0")):
                    continue  # no release document: as PyPI here, today
                vulns = [ADVISORY] if (name, version) == (
                    "alpha", "1.0") else []
                self.write(data, f"{name}/{version}.json", json.dumps(
                    {"info": {"name": name}, "vulnerabilities": vulns}))
        self.index = self.useFixture(localindex.IndexServer(data))
        self.global_ = self.write(self.dir, "global-requirements.txt",
                                  "alpha!=2.0  # MIT\nbeta  # GPL\n"
                                  "gamma  # BSD\n")
        self.write(self.dir, "holds.txt",
                   'beta!=2.0  # reason="breaks nova" '
                   "link=https://bugs.example/9 expires=2026-11-30\n")
        self.upper = self.write(self.dir, "upper-constraints.txt",
                                "alpha===1.0\nbeta===0.5\ngamma===3.0\n")
        self.html = os.path.join(self.dir, "health.html")

    def report(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(health_report.main, [
            "--index-url", self.index.url, "--no-cache", "--retries", "0",
            "--global", self.global_, "--upper", self.upper,
            "--today", "2026-12-02", *argv])


class TestHealthReport(HealthReportCase):
    def test_json_rows_and_summary(self) -> None:
        code, out, err = self.report("--json", "-o", self.html)
        self.assertEqual(0, code, err)
        data = json.loads(out)
        rows = {r["name"]: r for r in data["rows"]}
        self.assertEqual(("1.1", "2.0", 2527,
                          ["PYSEC-2099-1 (CVE-2099-0001)"]),
                         (rows["alpha"]["newest_allowed"],
                          rows["alpha"]["newest"], rows["alpha"]["age_days"],
                          rows["alpha"]["advisories"]))
        self.assertEqual(("0.5", True, "gpl"),
                         (rows["beta"]["newest_allowed"],
                          rows["beta"]["hold_expired"],
                          rows["beta"]["license_class"]))
        # No release document: unknown, not clean.  The latest release's
        # advisories come from the project document.
        self.assertEqual(([], False), (rows["beta"]["advisories"],
                                       rows["beta"]["advisories_known"]))
        self.assertEqual((["GHSA-gamm-aaaa-0001"], True),
                         (rows["gamma"]["advisories"],
                          rows["gamma"]["advisories_known"]))
        self.assertEqual({"pins": 3, "behind": 1, "vulnerable": 2,
                          "advisories_unknown": 1,
                          "held": 1, "expired_holds": 1,
                          "median_age_days": 2527,
                          "licenses": {"gpl": 1, "permissive": 2},
                          "not_on_index": 0}, data["summary"])
        page = base.read(self.html)
        # Self-contained: nothing from outside.
        self.assertIsNone(re.search(r'(src|href)="(https?:)?//', page))
        self.assertNotIn("@import", page)
        self.assertNotIn("<link", page)


class TestHealthReportInChromium(HealthReportCase):
    def setUp(self) -> None:
        super().setUp()
        browser = importlib.import_module(BROWSER)
        found = browser._browser()
        if found is None:
            self.skipTest("headless Chromium is not installed: apt-get "
                          "install chromium chromium-driver (.ci/run "
                          "does)")
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome import service
        except ImportError:
            self.skipTest("selenium is not installed (test-requirements)")
        options = webdriver.ChromeOptions()
        options.binary_location = found[0]
        for flag in browser.FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.make_dir()}")
        self.useFixture(fixtures.EnvironmentVariable("SE_OFFLINE", "true"))
        self.driver = webdriver.Chrome(
            options=options, service=service.Service(found[1]))
        self.addCleanup(self.driver.quit)
        self.driver.set_page_load_timeout(60)

    def names(self) -> list[str]:
        from selenium.webdriver.common.by import By

        return [row.find_element(By.CSS_SELECTOR, "td.name").text
                for row in self.driver.find_elements(
                    By.CSS_SELECTOR, "#pins tbody tr")
                if row.is_displayed()]

    def test_the_page_renders_sorts_and_filters(self) -> None:
        from selenium.webdriver.common.by import By

        code, out, err = self.report("--json", "-o", self.html)
        self.assertEqual(0, code, err)
        summary = json.loads(out)["summary"]
        self.driver.get("file://" + self.html)
        self.assertEqual(["alpha", "beta", "gamma"], self.names())
        for key in ("pins", "behind", "vulnerable", "advisories_unknown",
                    "held", "expired_holds", "median_age_days"):
            shown = self.driver.find_element(
                By.CSS_SELECTOR, f"#fig-{key} b").text
            self.assertEqual(str(summary[key]), shown, key)
        # Sort by age: a click ascends, a second click descends.
        age = self.driver.find_element(By.CSS_SELECTOR,
                                       'th[data-col="age"]')
        age.click()
        self.assertEqual(["gamma", "alpha", "beta"], self.names())
        age.click()
        self.assertEqual(["beta", "alpha", "gamma"], self.names())
        self.assertIn("sort=age&dir=desc", self.driver.current_url)
        # Filter.
        box = self.driver.find_element(By.ID, "filter")
        box.send_keys("CVE-2099")
        self.assertEqual(["alpha"], self.names())
        self.assertEqual("1", self.driver.find_element(By.ID, "shown").text)
        box.clear()
        box.send_keys("unknown")
        self.assertEqual(["beta"], self.names())
        self.assertEqual("unknown", self.driver.find_element(
            By.CSS_SELECTOR, '#pins tr[data-name="beta"] td.advisories'
        ).text)
        box.clear()
        box.send_keys("CVE-2099")
        artifacts = os.environ.get("OSR_TEST_ARTIFACTS") or self.make_dir()
        os.makedirs(artifacts, exist_ok=True)
        shot = os.path.join(artifacts, "health-report.png")
        self.assertTrue(self.driver.save_screenshot(shot))
        self.assertGreater(os.path.getsize(shot), 1000)
        # A link's hash state is applied on load.
        self.driver.get("file://" + self.html + "#sort=name&dir=desc"
                        "&filter=")
        self.driver.refresh()
        self.assertEqual(["gamma", "beta", "alpha"], self.names())
