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

"""check-mirror against a local mirror and a loopback simple index."""

from __future__ import annotations

import json
import os
import socket
import sys

import fixtures

from openstack_requirements.cmds import build_mirror
from openstack_requirements.cmds import check_mirror
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

LABEL = f"{sys.executable} ({sys.version_info[0]}.{sys.version_info[1]})"


class TestCheckMirror(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tmp = self.make_dir()
        src = os.path.join(self.tmp, "src")
        os.makedirs(src)
        self.out = os.path.join(self.tmp, "mirror")
        files = [
            localindex.make_wheel(src, "alpha", "1.0"),
            localindex.make_wheel(src, "beta", "2.0",
                                  tag="cp39-cp39-win_amd64"),
            localindex.make_wheel(src, "beta", "2.0",
                                  tag="cp310-cp310-macosx_11_0_arm64"),
            localindex.make_sdist(src, "gamma", "3.0"),
            localindex.make_wheel(src, "delta", "4.0",
                                  requires_python=">=3.99"),
        ]
        code, out, err = self.run_main(build_mirror.main,
                                       ["-o", self.out, "--add", *files])
        self.assertEqual(0, code, err)
        self.uc = self.write(self.tmp, "uc.txt", (
            "alpha===1.0\n"
            "beta===2.0\n"
            "gamma===3.0\n"
            "missing===1.0\n"
            "alpha===0.1;python_version<'3'\n"
            "delta===4.0\n"
        ))

    def expected(self, where: str) -> list[str]:
        return [
            f"{self.uc}:2: beta===2.0 has no installable file on {where} for "
            f"{LABEL}: only wheels for incompatible tags "
            "(cp310-cp310-macosx_11_0_arm64, cp39-cp39-win_amd64) and no "
            "sdist",
            f"{self.uc}:4: missing===1.0 has no installable file on {where} "
            f"for {LABEL}: no project 'missing' on it",
            f"{self.uc}:6: delta===4.0 has no installable file on {where} "
            f"for {LABEL}: excluded by Requires-Python: "
            "delta-4.0-py3-none-any.whl (Requires-Python >=3.99) and no sdist",
        ]

    def test_mirror_dir_reports_missing_and_incompatible(self) -> None:
        code, out, err = self.run_main(check_mirror.main, [
            "-c", self.uc, "--mirror", self.out, "-p", sys.executable])
        self.assertEqual(1, code, err)
        self.assertEqual(self.expected(self.out) + [
            f"5 pins checked on {self.out} for 1 interpreter(s): "
            "3 problem(s)"], out.splitlines())

    def test_served_index_html_and_json(self) -> None:
        for negotiate in (False, True):
            server = self.useFixture(localindex.DirectoryServer(
                self.out, negotiate=negotiate))
            url = server.url + "/simple"
            code, out, err = self.run_main(check_mirror.main, [
                "-c", self.uc, "--index-url", url, "--verify-hashes"])
            self.assertEqual(1, code, err)
            self.assertEqual(self.expected(url), out.splitlines()[:-1])

    def test_clean_mirror_exits_zero(self) -> None:
        uc = self.write(self.tmp, "ok.txt", "alpha===1.0\ngamma===3.0\n")
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "--verify-hashes"])
        self.assertEqual((0, ""), (code, err))
        self.assertEqual(f"2 pins checked on {self.out} for 1 "
                         "interpreter(s): 0 problem(s)\n", out)
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "--json"])
        self.assertEqual(0, code)
        self.assertEqual({"ok": True, "findings": []}, json.loads(out))

    def test_verify_hashes_finds_missing_and_changed_files(self) -> None:
        packages = os.path.join(self.out, "packages")
        os.unlink(os.path.join(packages, "alpha-1.0-py3-none-any.whl"))
        with open(os.path.join(packages, "gamma-3.0.tar.gz"), "ab") as f:
            f.write(b"x")
        uc = self.write(self.tmp, "ok.txt", "alpha===1.0\ngamma===3.0\n")
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "--verify-hashes", "--json"])
        self.assertEqual(1, code, err)
        messages = [f["message"] for f in json.loads(out)["findings"]]
        self.assertEqual(2, len(messages), messages)
        self.assertEqual(
            "packages/alpha-1.0-py3-none-any.whl is listed but missing (a "
            "half-synced mirror?); copy it back or rerun build-wheel-mirror",
            messages[0])
        self.assertRegex(messages[1], r"^packages/gamma-3.0.tar.gz is \d+ "
                         r"bytes, its page says \d+ \(a truncated")

    def test_verify_hashes_over_http(self) -> None:
        with open(os.path.join(self.out, "packages",
                               "alpha-1.0-py3-none-any.whl"), "ab") as f:
            f.write(b"x")
        server = self.useFixture(localindex.DirectoryServer(self.out))
        uc = self.write(self.tmp, "ok.txt", "alpha===1.0\ngamma===3.0\n")
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--index-url", server.url + "/simple/",
            "--verify-hashes"])
        self.assertEqual(1, code, err)
        self.assertIn(f"{server.url}/packages/alpha-1.0-py3-none-any.whl "
                      "has sha256 ", out)

    def test_each_interpreter_is_checked(self) -> None:
        other = localindex.interpreter("3.12")
        if other is None or sys.version_info[:2] == (3, 12):
            self.skipTest("needs a CPython 3.12 besides this interpreter "
                          "(pyenv install 3.12)")
        src = self.make_dir()
        mine = "cp{0}{1}-cp{0}{1}-manylinux_2_17_x86_64".format(
            *sys.version_info[:2])
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "--add",
            localindex.make_wheel(src, "native", "1.0", tag=mine)])
        self.assertEqual(0, code, err)
        uc = self.write(self.tmp, "two.txt",
                        "native===1.0\nalpha===1.0;python_version=='3.12'\n")
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "-p", sys.executable,
            "-p", other])
        self.assertEqual(1, code, err)
        self.assertEqual([
            f"{uc}:1: native===1.0 has no installable file on {self.out} "
            f"for {other} (3.12): only wheels for incompatible tags "
            f"({mine}) and no sdist",
            f"2 pins checked on {self.out} for 2 interpreter(s): "
            "1 problem(s)"], out.splitlines())

    def test_error_not_a_mirror(self) -> None:
        code, out, err = self.run_main(check_mirror.main, [
            "-c", self.uc, "--mirror", self.tmp])
        self.assertEqual(2, code)
        self.assertEqual(f"{self.tmp}: not a mirror: no simple/index.html; "
                         "build one with build-wheel-mirror\n", err)

    def test_error_missing_interpreter(self) -> None:
        # A wrong -p is bad input (exit 2), as in generate-constraints.
        code, out, err = self.run_main(check_mirror.main, [
            "-c", self.uc, "--mirror", self.out, "-p", "/nonexistent/py9"])
        self.assertEqual(2, code, err)
        self.assertIn("cannot run the interpreter '/nonexistent/py9'", err)
        self.assertNotIn("Traceback", err)

    def test_error_no_source(self) -> None:
        code, out, err = self.run_main(check_mirror.main, ["-c", self.uc])
        self.assertEqual((2, "give --index-url URL or --mirror DIR\n"),
                         (code, err))

    def test_error_unreachable_index(self) -> None:
        # The real retry policy, with 10 ms instead of 1 s of backoff.
        self.useFixture(fixtures.MonkeyPatch(
            "openstack_requirements.transport.DEFAULT_BACKOFF", 0.01))
        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        uc = self.write(self.tmp, "one.txt", "alpha===1.0\n")
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--index-url", url + "/simple"])
        self.assertEqual(3, code)
        self.assertIn("check-mirror: error: cannot read the index: ", err)

    def test_coverage_text_and_json(self) -> None:
        code, out, err = self.run_main(check_mirror.main, [
            "-c", self.uc, "--mirror", self.out, "--coverage"])
        self.assertEqual(0, code, err)
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith(f"{LABEL} on "), lines[0])
        self.assertIn(": 1 pins as wheels, 1 as sdists only, 3 not served",
                      lines[0])
        self.assertRegex(lines[1], r"^size: \d+\.\d MB in 4 projects")
        code, out, err = self.run_main(check_mirror.main, [
            "-c", self.uc, "--mirror", self.out, "--coverage", "--json"])
        self.assertEqual(0, code, err)
        [target] = json.loads(out)["targets"]
        self.assertEqual(
            (1, 1, 3, ["beta===2.0", "missing===1.0", "delta===4.0"]),
            (target["wheel"], target["sdist"], target["missing"],
             target["not-served"]))
        report = json.loads(out)
        self.assertEqual(0, report["unsized-files"])
        self.assertEqual(sum(report["projects"].values()), report["size"])
        self.assertEqual(
            os.path.getsize(os.path.join(self.out, "packages",
                                         "gamma-3.0.tar.gz")),
            report["projects"]["gamma"])
