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

"""check-floors and update-requirements --raise-floors with real uv on a
loopback index of wheels made here; no internet."""

from __future__ import annotations

import os
import sys

import fixtures

from openstack_requirements.cmds import check_floors
from openstack_requirements.cmds import update
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

PY = "{}.{}".format(*sys.version_info[:2])


class TestFloors(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.index = os.path.join(self.dir, "index")
        os.mkdir(self.index)
        for key, value in {
            "PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1",
            "UV_CACHE_DIR": os.path.join(self.dir, "uv-cache"),
        }.items():
            self.useFixture(fixtures.EnvironmentVariable(key, value))
        for version in ("6.0", "7.0", "9.0", "9.5"):
            localindex.make_wheel(self.index, "oslo.config", version)
        localindex.make_wheel(self.index, "oslo.utils", "4.0",
                              requires=["oslo.config>=9.0"])
        localindex.make_wheel(self.index, "oslo.utils", "5.0",
                              requires=["oslo.config>=9.5"])
        for version in ("1.0", "2.0", "3.0"):
            localindex.make_wheel(self.index, "six", version)
        self.source = self.make_dir()
        self.write(self.source, "global-requirements.txt",
                   "oslo.config!=9.5  # Apache-2.0\n"
                   "oslo.utils  # Apache-2.0\nsix  # MIT\n")
        self.write(self.source, "projects.txt",
                   "openstack/alpha\nopenstack/beta\nopenstack/gamma\n")
        self.root = self.make_dir()

    def project(self, name: str, requirements: str) -> str:
        path = os.path.join(self.root, "openstack", name)
        os.makedirs(path)
        self.write(path, "requirements.txt", requirements)
        return path

    def check(self, url: str, *args: str) -> tuple[int, str, str]:
        return self.run_main(check_floors.main, [
            "--source", self.source, "-p", PY, "--index-url", url, *args])

    def test_floor_that_cannot_hold(self) -> None:
        path = self.project("alpha", "oslo.config>=6.0  # Apache-2.0\n"
                                     "oslo.utils>=4.0  # Apache-2.0\n"
                                     "six>=2.0  # MIT\n")
        with localindex.serve(self.index, {}) as url:
            code, out, err = self.check(url, path)
        self.assertEqual(1, code, out + err)
        self.assertEqual(
            f"{path}/requirements.txt:1: oslo.config>=6.0 cannot hold on "
            f"Python {PY}: the floor of oslo-utils<=4.0 needs "
            "oslo-config>=9.0; the smallest floor that works is >=9.0\n",
            out)

    def test_floors_that_hold(self) -> None:
        path = self.project("alpha", "oslo.config>=9.0\nsix>=1.0\n")
        with localindex.serve(self.index, {}) as url:
            code, out, err = self.check(url, path)
        self.assertEqual(0, code, out + err)
        self.assertEqual(f"every floor holds on Python {PY}\n", out)

    def test_organisation(self) -> None:
        self.project("alpha", "oslo.config>=6.0\nsix>=1.0\n")
        self.project("beta", "oslo.config>=7.0\nsix>=2.0\n")
        gamma = self.project("gamma", "oslo.utils>=4.0\nsix>=1.0\n")
        lower = os.path.join(self.dir, "lower-constraints.txt")
        with localindex.serve(self.index, {}) as url:
            code, out, err = self.check(url, "--all", self.root,
                                        "-o", lower)
        self.assertEqual(1, code, out + err)
        alpha = os.path.join(self.root, "openstack", "alpha")
        beta = os.path.join(self.root, "openstack", "beta")
        self.assertIn(
            f"{alpha}/requirements.txt:1: openstack/alpha: "
            f"oslo.config>=6.0 conflicts on Python {PY} with the "
            "dependencies of the other floors: the lowest co-installable "
            "oslo.config is 9.0\n", out)
        self.assertIn(
            f"{alpha}/requirements.txt:2: openstack/alpha: six>=1.0 "
            f"conflicts on Python {PY} with the floor of openstack/beta "
            "(six>=2.0): the lowest co-installable six is 2.0\n", out)
        self.assertIn(f"{beta}/requirements.txt:1: openstack/beta: "
                      "oslo.config>=7.0 conflicts", out)
        self.assertIn(f"{gamma}/requirements.txt:2: openstack/gamma: "
                      "six>=1.0 conflicts", out)
        self.assertNotIn(f"{gamma}/requirements.txt:1:", out)
        with open(lower, encoding="utf-8") as f:
            text = f.read()
        body = [line for line in text.splitlines()
                if line and not line.startswith("#")]
        self.assertEqual(["oslo-config===9.0", "oslo-utils===4.0",
                          "six===2.0"], body)
        self.assertIn("# method: resolve (lowest-direct)", text)
        # update-requirements --raise-floors: alpha's floors go up.
        alpha_path = os.path.join(self.root, "openstack", "alpha")
        code, out, err = self.run_main(update.main, [
            "--source", self.source, "--raise-floors", lower, alpha_path])
        self.assertEqual(0, code, out + err)
        with open(os.path.join(alpha_path, "requirements.txt"),
                  encoding="utf-8") as f:
            self.assertEqual("oslo.config>=9.0,!=9.5  # Apache-2.0\n"
                             "six>=2.0  # MIT\n", f.read())

    def test_raise_never_lowers(self) -> None:
        path = self.project("alpha", "six>=3.0  # MIT\n")
        lower = self.write(self.dir, "lower.txt", "six===2.0\n")
        code, out, err = self.run_main(update.main, [
            "--source", self.source, "--raise-floors", lower, path])
        self.assertEqual(0, code, out + err)
        with open(os.path.join(path, "requirements.txt"),
                  encoding="utf-8") as f:
            self.assertEqual("six>=3.0  # MIT\n", f.read())
