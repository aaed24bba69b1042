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

"""serve-index's upload form in a real headless Chromium.

Driven by selenium with the Debian ``chromium`` and ``chromium-driver``
packages (.ci/run installs them); nothing is downloaded.  Without them
the test is skipped and says what to install.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import fixtures

from openstack_requirements import mirrordir
from openstack_requirements import simpleapi
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")


def _browser() -> tuple[str, str] | None:
    driver = shutil.which("chromedriver")
    for name in CHROMIUM:
        binary = shutil.which(name)
        if binary and driver:
            return binary, driver
    return None


class TestUploadForm(base.TestCase):

    def setUp(self) -> None:
        super().setUp()
        found = _browser()
        if found is None:
            self.skipTest("headless Chromium is not installed: apt-get "
                          "install chromium chromium-driver (.ci/run "
                          "does)")
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome import service
        except ImportError:
            self.skipTest("selenium is not installed (test-requirements)")
        self.src = self.make_dir()
        self.root = os.path.join(self.make_dir(), "mirror")
        self.index = self.useFixture(localindex.ServedIndex(
            self.root, pythonpath=self.child_env()["PYTHONPATH"]))
        options = webdriver.ChromeOptions()
        options.binary_location = found[0]
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.make_dir()}")
        # No selenium-manager: the driver is the Debian package's.
        self.useFixture(fixtures.EnvironmentVariable(
            "SE_OFFLINE", "true"))
        self.driver = webdriver.Chrome(
            options=options, service=service.Service(found[1]))
        self.addCleanup(self.driver.quit)
        self.driver.set_page_load_timeout(60)

    def wait_for(self, by: str, value: str) -> Any:
        """The element, once the page that has it has loaded."""
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support import wait

        # A click that submits or follows a link returns before the
        # next page is there; on a busy machine that takes a while.
        return wait.WebDriverWait(self.driver, 60).until(
            expected_conditions.presence_of_element_located((by, value)))

    def submit(self, path: str, token: str) -> str:
        from selenium.webdriver.common.by import By

        self.driver.get(self.index.url + "/")
        form = self.wait_for(By.ID, "upload")
        form.find_element(By.NAME, "content").send_keys(path)
        form.find_element(By.NAME, "token").send_keys(token)
        form.find_element(By.TAG_NAME, "button").click()
        return str(self.wait_for(By.ID, "result").text)

    def test_upload_a_wheel_through_the_form(self) -> None:
        wheel = localindex.make_wheel(self.src, "delta", "0.3")
        self.assertIn("upload 403: a valid upload token is needed",
                      "upload " + self.submit(wheel, "osr-wrong"))
        self.assertFalse(os.path.exists(os.path.join(
            self.root, "packages", os.path.basename(wheel))))
        text = self.submit(wheel, self.index.token)
        self.assertEqual("delta-0.3-py3-none-any.whl is in the index: delta",
                         text)
        page = os.path.join(self.root, "simple", "delta", "index.html")
        self.assertEqual(
            [("delta-0.3-py3-none-any.whl", mirrordir.sha256_of(wheel))],
            [(f.filename, f.sha256) for f in simpleapi.parse_project(
                base.read(page), "http://h/")])
        # The result links to the project's page, which lists it.
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.LINK_TEXT, "delta").click()
        self.assertIn("delta-0.3-py3-none-any.whl",
                      self.wait_for(By.TAG_NAME, "table").text)
        last = self.index.log_records()[-1]
        self.assertEqual(("accepted", "tests"),
                         (last["result"], last["token"]))
