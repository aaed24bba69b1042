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

"""Holds end to end: generate-constraints keeps a held release out
(install and resolve, real uv against a local index), validate-constraints
flags an expired hold.
"""

from __future__ import annotations

import json
import os
import sys

from openstack_requirements.cmds import generate
from openstack_requirements.cmds import validate
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex
from openstack_requirements.tests.functional import test_generate  # noqa: H306

HOLD = ('Tiny.Lib!=2.0  # reason="2.0 breaks nova" '
        'link=https://bugs.example/1 owner=reqs expires=2099-01-01\n')
PYTHON = "{}.{}".format(*sys.version_info[:2])


class TestGenerateHonoursHolds(test_generate.GenerateTestCase):
    def setUp(self) -> None:
        super().setUp()
        localindex.make_wheel(self.index, "Tiny.Lib", "1.0")
        localindex.make_wheel(self.index, "Tiny.Lib", "2.0")
        localindex.make_wheel(self.index, "other_Pkg", "1.1",
                              requires=["Tiny.Lib>=1.0"])
        self.reqs = self.write(self.dir, "global-requirements.txt",
                               "other_Pkg  # MIT\nTiny.Lib  # MIT\n")
        self.blacklist = self.write(self.dir, "blacklist.txt", "")
        self.old = self.write(self.dir, "old.txt",
                              "other_Pkg===1.1\nTiny.Lib===1.0\n")

    def test_resolve_keeps_the_held_release_out_and_says_instead(
            self) -> None:
        code, out, err = self.generate("-p", PYTHON, "--method", "resolve")
        self.assertEqual(0, code, err)
        self.assertIn("Tiny.Lib===2.0", out)  # no holds file yet
        self.write(self.dir, "holds.txt", HOLD)  # beside -r: found
        report = os.path.join(self.dir, "report.json")
        code, out, err = self.generate(
            "-p", PYTHON, "--method", "resolve", "--diff", self.old,
            "--json-report", report)
        self.assertEqual(0, code, err)
        self.assertEqual(
            f"held back  Tiny.Lib 1.0 (would be 2.0) [Python {PYTHON}] by "
            "Tiny.Lib!=2.0 (2.0 breaks nova; https://bugs.example/1; "
            "owner reqs; until 2099-01-01)\n", out)
        held = json.loads(base.read(report))["held"]
        self.assertEqual([("Tiny.Lib", "1.0", "2.0")],
                         [(h["name"], h["version"], h["otherwise"])
                          for h in held])
        # The header names the holds file; without --diff the held
        # pins are said on stderr.
        code, out, err = self.generate("-p", PYTHON, "--method", "resolve")
        self.assertIn("# holds: holds.txt (sha256 ", out)
        self.assertIn("Tiny.Lib===1.0", out)
        self.assertIn("held back  Tiny.Lib 1.0 (would be 2.0)", err)
        # --holds '' turns them off.
        code, out, err = self.generate(
            "-p", PYTHON, "--method", "resolve", "--holds", "")
        self.assertIn("Tiny.Lib===2.0", out)
        self.assertNotIn("# holds:", out)

    def test_install_keeps_the_held_release_out(self) -> None:
        holds = self.write(self.dir, "elsewhere/holds.txt", HOLD)
        report = os.path.join(self.dir, "report.json")
        code, out, err = self.generate(
            "-p", sys.executable, "--holds", holds, "--diff", self.old,
            "--json-report", report)
        self.assertEqual(0, code, err)
        # The install is not repeated: a resolve without the hold says
        # what it would pick, and says that it is a resolve.
        self.assertEqual(
            f"held back  Tiny.Lib 1.0 (a resolve without it picks 2.0) "
            f"[Python {PYTHON}] by Tiny.Lib!=2.0 (2.0 breaks nova; "
            "https://bugs.example/1; owner reqs; until 2099-01-01)\n", out)
        (held,) = json.loads(base.read(report))["held"]
        self.assertEqual(("2.0", True), (held["otherwise"],
                                         held["estimated"]))
        code, out, err = self.generate("-p", sys.executable, "--holds", "")
        self.assertIn("Tiny.Lib===2.0", out)

    def test_freeze_artifacts_carry_the_holds_to_combine(self) -> None:
        self.write(self.dir, "holds.txt", HOLD)
        artifact = os.path.join(self.dir, "freeze.json")
        code, out, err = self.run_main(generate.main, [
            "freeze", "-p", PYTHON, "--method", "resolve", "-r", self.reqs,
            "--no-index", "--find-links", self.index, "-o", artifact])
        self.assertEqual(0, code, err)
        code, out, err = self.run_main(generate.main, ["combine", artifact])
        self.assertEqual(0, code, err)
        self.assertIn("# holds: holds.txt (sha256 ", out)
        self.assertIn("Tiny.Lib===1.0", out)

    def test_error_a_bad_hold_stops_before_any_work(self) -> None:
        self.write(self.dir, "holds.txt", "Tiny.Lib>=2.0  # reason=x "
                   "expires=2099-01-01\n")
        code, out, err = self.generate("-p", PYTHON, "--method", "resolve")
        self.assertEqual(2, code)
        self.assertIn("holds.txt:1: >=2.0 does not keep releases out; a "
                      "hold uses !=, <, <=", err)
        self.assertNotIn("Traceback", err)


class TestValidateHolds(base.TestCase):
    def test_expired_unknown_pointless_and_pinned_holds(self) -> None:
        where = self.make_dir()
        self.write(where, "global-requirements.txt",
                   "requests!=2.20.0  # Apache-2.0\nsix  # MIT\n")
        self.write(where, "upper-constraints.txt",
                   "requests===2.31.0\nsix===1.16.0\n")
        self.write(where, "blacklist.txt", "")
        self.write(where, "holds.txt",
                   'requests!=2.32.0  # reason="breaks glance" '
                   "link=https://bugs.example/2 owner=me "
                   "expires=2026-01-31\n"
                   'requests!=2.20.0  # reason=old expires=2099-01-01\n'
                   'six!=1.16.0  # reason=x expires=2099-01-01\n'
                   'nosuch<2  # reason=x expires=2099-01-01\n'
                   'six<3  # reason=nope\n')
        code, out, err = self.run_main(validate.main, [
            where, "--today", "2026-12-02", "--json"])
        self.assertEqual(1, code, err)
        found = [(f["line"], f["code"])
                 for f in json.loads(out)["findings"]]
        self.assertEqual([(1, "hold-expired"), (2, "hold-pointless"),
                          (3, "hold-pinned"), (4, "hold-unknown"),
                          (5, "hold-format")], found)
        code, out, err = self.run_main(validate.main, [
            where, "--today", "2026-12-02"])
        self.assertIn(
            "holds.txt:1: requests!=2.32.0 expired on 2026-01-31: breaks "
            "glance (https://bugs.example/2); lift it or extend expires=",
            out)
        # Before it expires, the hold is fine.
        self.write(where, "holds.txt",
                   'requests!=2.32.0  # reason="breaks glance" '
                   "link=https://bugs.example/2 owner=me "
                   "expires=2026-01-31\n")
        code, out, err = self.run_main(validate.main, [
            where, "--today", "2026-01-31"])
        self.assertEqual(0, code, out)
