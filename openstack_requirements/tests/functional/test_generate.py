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

"""generate-constraints end to end: real interpreters, real venvs, real
uv and pip, a tiny index of wheels built here; no internet.
"""

from __future__ import annotations

import glob
import io
import json
import os
import platform
import shutil
import signal
import stat
import subprocess
import sys
import time

import fixtures

from openstack_requirements import artifact
from openstack_requirements.cmds import _progress
from openstack_requirements.cmds import generate
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

OLD, NEW = "3.11", "3.12"
EXPECTED = [
    "other_Pkg===1.1",
    "Tiny.Lib===1.0;python_version=='3.11'",
    "Tiny.Lib===2.0;python_version=='3.12'",
]


def body(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if line and not line.startswith("#")]


class GenerateTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.index = os.path.join(self.dir, "index")
        os.mkdir(self.index)
        # A hostile user configuration: none of it may leak in.
        bad = self.write(self.dir, "user-constraints.txt", "Tiny.Lib==0.1\n")
        conf = self.write(self.dir, "pip.conf",
                          f"[global]\nconstraint = {bad}\n"
                          "index-url = http://127.0.0.1:9/nothing\n")
        for key, value in {
            "PIP_CONFIG_FILE": conf, "PIP_CONSTRAINT": bad,
            "UV_CONSTRAINT": bad, "UV_INDEX_URL": "http://127.0.0.1:9/x",
            "PIP_FIND_LINKS": self.dir, "UV_EXCLUDE_NEWER": "2000-01-01",
            # Colour codes would hide uv's "Resolved N packages" lines.
            "FORCE_COLOR": "1", "CLICOLOR_FORCE": "1",
        }.items():
            self.useFixture(fixtures.EnvironmentVariable(key, value))

    def python(self, version: str) -> str:
        if version == "{}.{}".format(*sys.version_info[:2]):
            return sys.executable
        path = localindex.interpreter(version)
        if path is None:
            self.skipTest(f"Python {version} not found (pyenv or PATH); "
                          "CI has it")
        return path

    def populate(self) -> None:
        localindex.make_wheel(self.index, "Tiny.Lib", "1.0")
        localindex.make_wheel(self.index, "Tiny.Lib", "2.0",
                              requires_python=">=3.12")
        localindex.make_wheel(self.index, "other_Pkg", "1.1",
                              requires=["Tiny.Lib>=1.0"])
        localindex.make_wheel(self.index, "Lint.Tool", "3.0")
        # The reference method first runs 'pip install -U pip setuptools
        # wheel'; this index stands in for PyPI, so it has to offer them.
        localindex.make_wheel(self.index, "setuptools", "0.0.1")
        localindex.make_wheel(self.index, "wheel", "0.0.1")
        self.reqs = self.write(self.dir, "global-requirements.txt",
                               "other_Pkg  # MIT\nTiny.Lib  # MIT\n"
                               "Lint.Tool  # MIT\n")
        self.blacklist = self.write(self.dir, "blacklist.txt", "lint-tool\n")

    def generate(self, *extra: str) -> tuple[int, str, str]:
        return self.run_main(generate.main, [
            "-r", self.reqs, "-b", self.blacklist, "--no-index",
            "--find-links", self.index, "--sort", "name", *extra])


class TestInstall(GenerateTestCase):
    def test_uv_pip_and_resolve_agree(self) -> None:
        self.populate()
        old, new = self.python(OLD), self.python(NEW)
        out = os.path.join(self.dir, "upper-constraints.txt")
        report = os.path.join(self.dir, "report.json")
        code, stdout, stderr = self.generate(
            "-p", old, "-p", new, "-o", out, "--json-report", report)
        self.assertEqual(0, code, stderr)
        self.assertEqual("", stdout)
        text = base.read(out)
        self.assertEqual(EXPECTED, body(text))
        self.assertTrue(text.startswith("# WARNING: OpenStack makes no "
                                        "security guarantees"))
        self.assertIn("# method: install\n# installer: uv ", text)
        self.assertIn(f"# python {OLD}: Python {OLD}.", text)
        self.assertIn(f"[{NEW}] freeze", stderr)  # plain progress lines
        self.assertIn(f"[{NEW}] install: resolved 3 packages", stderr)
        data = json.loads(base.read(report))
        self.assertTrue(data["ok"])
        self.assertEqual([OLD, NEW], sorted(
            f["python_version"] for f in data["freezes"]))

        # pip, exactly as the reference method, gives the same pins.
        code, stdout, stderr = self.generate(
            "-p", old, "-p", new, "--installer", "pip")
        self.assertEqual(0, code, stderr)
        self.assertEqual(EXPECTED, body(stdout))
        self.assertIn("# installer: pip ", stdout)

        # So does uv's resolver, without installing anything: one
        # universal resolve split per version, and one resolve per
        # version.
        code, stdout, stderr = self.generate(
            "-p", OLD, "-p", NEW, "--method", "resolve")
        self.assertEqual(0, code, stderr)
        self.assertEqual(EXPECTED, body(stdout))
        self.assertIn("# method: resolve\n", stdout)
        self.assertIn(" pip compile --universal\n", stdout)
        code, stdout, stderr = self.generate(
            "-p", OLD, "-p", NEW, "--method", "resolve", "--per-version")
        self.assertEqual(0, code, stderr)
        self.assertEqual(EXPECTED, body(stdout))
        self.assertIn("# method: resolve\n", stdout)
        self.assertNotIn(" pip compile --universal\n", stdout)


class TestPipTooling(GenerateTestCase):
    def test_what_the_bootstrap_pulls_in_is_not_pinned(self) -> None:
        # 'pip install -U pip setuptools wheel' brings wheel's own
        # dependency; the list does not need it, so uv does not pin it
        # and neither may pip.
        self.populate()
        localindex.make_wheel(self.index, "wheel", "0.0.2",
                              requires=["Tool.Dep"])
        localindex.make_wheel(self.index, "Tool.Dep", "1.0")
        results = []
        for installer in ("uv", "pip"):
            code, stdout, stderr = self.generate(
                "-p", sys.executable, "--installer", installer)
            self.assertEqual(0, code, stderr)
            results.append(body(stdout))
        self.assertEqual(["other_Pkg===1.1", "Tiny.Lib===2.0"]
                         if sys.version_info >= (3, 12) else
                         ["other_Pkg===1.1", "Tiny.Lib===1.0"], results[0])
        self.assertEqual(results[0], results[1])

    def test_a_bootstrap_dependency_the_list_needs_is_pinned(self) -> None:
        self.populate()
        localindex.make_wheel(self.index, "wheel", "0.0.2",
                              requires=["Tool.Dep"])
        localindex.make_wheel(self.index, "Tool.Dep", "1.0")
        localindex.make_wheel(self.index, "Tool.Dep", "2.0")
        self.write(self.dir, "global-requirements.txt",
                   "Tool.Dep<2  # MIT\n")
        code, stdout, stderr = self.generate(
            "-p", sys.executable, "--installer", "pip")
        self.assertEqual(0, code, stderr)
        self.assertEqual(["Tool.Dep===1.0"], body(stdout))


class TestSpelling(GenerateTestCase):
    def test_resolve_spells_names_as_the_install_does(self) -> None:
        # The global list writes typing-extensions; the distribution's
        # metadata, pip freeze and the shipped upper-constraints.txt
        # write typing_extensions.  Both methods write the latter.
        localindex.make_wheel(self.index, "typing_extensions", "4.0")
        localindex.make_wheel(self.index, "Uses.Typing", "1.0",
                              requires=["typing_extensions"])
        self.reqs = self.write(self.dir, "global-requirements.txt",
                               "typing-extensions  # PSF\n"
                               "Uses.Typing  # MIT\n")
        self.blacklist = self.write(self.dir, "blacklist.txt", "")
        py = "{}.{}".format(*sys.version_info[:2])
        results = []
        for extra in (["-p", sys.executable],
                      ["-p", py, "--method", "resolve"]):
            code, stdout, stderr = self.generate(*extra)
            self.assertEqual(0, code, stderr)
            results.append(body(stdout))
        self.assertEqual(["typing_extensions===4.0", "Uses.Typing===1.0"],
                         results[0])
        self.assertEqual(results[0], results[1])


class TestReproducible(GenerateTestCase):
    def test_two_runs_on_the_same_cache_are_byte_identical(self) -> None:
        # Same pins, same file: no date, command line or local path in
        # the header, so a daily job has nothing to commit.  The run's
        # details are in the --json-report instead.
        self.populate()
        cache = os.path.join(self.dir, "uv-cache")
        self.useFixture(fixtures.EnvironmentVariable("UV_CACHE_DIR", cache))
        texts, reports = [], []
        for run in ("one", "two"):
            out = os.path.join(self.dir, run, "upper-constraints.txt")
            report = os.path.join(self.dir, run, "report.json")
            os.mkdir(os.path.dirname(out))
            code, _, stderr = self.generate(
                "-p", sys.executable, "-o", out, "--json-report", report,
                "--exclude-newer", "2099-01-01")
            self.assertEqual(0, code, stderr)
            texts.append(base.read(out))
            reports.append(json.loads(base.read(report)))
            time.sleep(1.1)  # the clock moves on between the runs
        self.assertEqual(texts[0], texts[1])
        head = "".join(line + "\n" for line in texts[0].split("\n")
                       if line.startswith("#"))
        self.assertNotIn("# date:", head)
        self.assertNotIn("# command:", head)
        self.assertNotIn(self.dir, head)
        self.assertIn("# exclude-newer: 2099-01-01T00:00:00Z\n", head)
        self.assertIn("# requirements: global-requirements.txt (sha256 ",
                      head)
        self.assertIn("# index: --no-index, find-links (local directory)\n",
                      head)
        py = "{}.{}".format(*sys.version_info[:2])
        self.assertIn(f"# python {py}: Python {platform.python_version()}",
                      head)
        run = reports[0]["run"]
        self.assertNotEqual(run["date"], reports[1]["run"]["date"])
        self.assertTrue(run["command"].startswith(
            "generate-constraints -r " + self.reqs), run["command"])
        self.assertEqual(os.getcwd(), run["cwd"])
        self.assertEqual(self.reqs, run["requirements"])
        self.assertIn(f"find-links {self.index}", run["index"])
        self.assertEqual({py: sys.executable}, run["interpreters"])


class TestResolve(GenerateTestCase):
    """--method resolve needs no interpreter: nothing is skipped here."""

    def test_universal_takes_x_y_0_like_a_resolve_per_version(self) -> None:
        # Backport.Lib is needed before 3.11.3 only: a resolve for
        # "3.11" takes 3.11.0, and so must the split universal resolve.
        localindex.make_wheel(self.index, "Backport.Lib", "5.0")
        localindex.make_wheel(self.index, "Uses.Backport", "1.0", requires=[
            "Backport.Lib; python_full_version < '3.11.3'",
            "Win.Only; sys_platform == 'win32'"])
        localindex.make_wheel(self.index, "Win.Only", "1.0")
        localindex.make_wheel(self.index, "Tiny.Lib", "1.0")
        localindex.make_wheel(self.index, "Tiny.Lib", "2.0",
                              requires_python=">=3.12")
        localindex.make_wheel(self.index, "Tiny.Lib", "3.0",
                              requires_python=">=3.13")
        self.reqs = self.write(self.dir, "global-requirements.txt",
                               "Uses.Backport  # MIT\nTiny.Lib  # MIT\n")
        self.blacklist = self.write(self.dir, "blacklist.txt", "")
        expected = [  # a resolve knows only normalised names
            "backport-lib===5.0;python_version<='3.11'",
            "Tiny.Lib===1.0;python_version<='3.11'",
            "Tiny.Lib===2.0;python_version=='3.12'",
            "Tiny.Lib===3.0;python_version=='3.13'",
            "Uses.Backport===1.0",
        ]
        versions = ["-p", "3.10", "-p", "3.11", "-p", "3.12", "-p", "3.13"]
        outputs = []
        for extra in ([], ["--per-version"]):
            code, stdout, stderr = self.generate(
                *versions, "--method", "resolve", *extra)
            self.assertEqual(0, code, stderr)
            outputs.append(body(stdout))
        self.assertEqual([expected, expected], outputs)

    def test_universal_failure_falls_back_to_per_version(self) -> None:
        # Old.Only cannot be installed on Python 3.13+ (it needs a
        # distribution no index has), which a universal resolve from
        # 3.11 up covers too: it fails, one resolve per version does not.
        localindex.make_wheel(self.index, "Old.Only", "1.0",
                              requires=["Gone.Dep; python_version >= '3.13'"])
        self.reqs = self.write(self.dir, "global-requirements.txt",
                               "Old.Only  # MIT\n")
        self.blacklist = self.write(self.dir, "blacklist.txt", "")
        code, stdout, stderr = self.generate(
            "-p", "3.11", "-p", "3.12", "--method", "resolve")
        self.assertEqual(0, code, stderr)
        self.assertEqual(["Old.Only===1.0"], body(stdout))
        self.assertIn("universal resolve failed", stderr)
        self.assertNotIn("--universal", stdout)

    def test_failure_is_explained_and_nothing_is_written(self) -> None:
        self.populate()
        localindex.make_wheel(
            self.index, "needs-ext", "1.0",
            requires=["Broken.Ext>=1; python_version>='3.12'"])
        localindex.make_sdist(self.index, "Broken.Ext", "1.0",
                              fail=localindex.MISSING_KRB5)
        self.write(self.dir, "global-requirements.txt",
                   "other_Pkg  # MIT\nneeds-ext  # MIT\n")
        out = self.write(self.dir, "upper-constraints.txt", "six===1.0\n")
        report = os.path.join(self.dir, "report.json")
        logs = os.path.join(self.dir, "logs")
        code, stdout, stderr = self.generate(
            "-p", self.python(OLD), "-p", self.python(NEW), "-o", out,
            "--json-report", report, "--log-dir", logs)
        self.assertEqual(3, code, stderr)
        self.assertEqual("six===1.0\n", base.read(out))
        self.assertIn(f"Python {NEW} (", stderr)
        self.assertIn("broken-ext==1.0 failed: build failed", stderr)
        self.assertIn("pulled in by: needs-ext -> broken-ext", stderr)
        self.assertIn("fatal error: krb5.h: No such file or directory",
                      stderr)
        self.assertIn("apt-get install libkrb5-dev", stderr)
        self.assertIn(f"1 interpreter(s) failed (succeeded: {OLD}); "
                      "nothing written", stderr)
        data = json.loads(base.read(report))
        self.assertFalse(data["ok"])
        (failure,) = data["failures"]
        self.assertEqual("broken-ext==1.0", failure["requirement"])
        self.assertEqual(["libkrb5-dev"], failure["debian_packages"])
        self.assertTrue(failure["python"].startswith(f"{NEW} ("))
        self.assertEqual([OLD], [f["python_version"]
                                 for f in data["freezes"]])
        self.assertEqual(
            sorted([f"python{OLD}-uv.log", f"python{NEW}-uv.log"]),
            sorted(os.listdir(logs)))
        self.assertIn("krb5.h", base.read(failure["log"]))

    def test_freeze_combine_and_diff(self) -> None:
        self.populate()
        artifacts = []
        for version in (OLD, NEW):
            path = os.path.join(self.dir, f"freeze-{version}.json")
            code, _, stderr = self.run_main(generate.main, [
                "freeze", "-p", self.python(version), "-r", self.reqs,
                "--no-index", "--find-links", self.index, "-o", path])
            self.assertEqual(0, code, stderr)
            artifacts.append(path)
        data = json.loads(base.read(artifacts[1]))
        self.assertEqual(NEW, data["python_version"])
        self.assertEqual("2.0", data["pins"]["Tiny.Lib"])
        self.assertEqual(artifact.FORMAT, data["format"])
        self.assertTrue(data["generator"].startswith(
            "openstack_requirements "))
        self.assertTrue(data["installer"].startswith("uv "))
        self.assertEqual(NEW, data["python_full"].rsplit(".", 1)[0])
        old = self.write(self.dir, "old.txt",
                         "Tiny.Lib===0.9\nother_Pkg===1.1\ngone===1\n")
        out = os.path.join(self.dir, "upper-constraints.txt")
        code, stdout, stderr = self.run_main(generate.main, [
            "combine", *artifacts, "-b", self.blacklist, "--sort", "name",
            "--version-map", f"{NEW}:3.13", "-o", out, "--diff", old])
        self.assertEqual(0, code, stderr)
        self.assertEqual([
            "other_Pkg===1.1",
            "Tiny.Lib===1.0;python_version=='3.11'",
            "Tiny.Lib===2.0;python_version>='3.12'",
        ], body(base.read(out)))
        self.assertIn("# python 3.13: copy of Python 3.12", base.read(out))
        self.assertEqual(
            "removed    gone 1\n"
            "changed    Tiny.Lib 0.9 -> 1.0;python_version=='3.11', "
            "2.0;python_version>='3.12'\n", stdout)

    def test_exclude_newer_against_an_http_index(self) -> None:
        localindex.make_wheel(self.index, "Tiny.Lib", "1.0")
        localindex.make_wheel(self.index, "Tiny.Lib", "1.5")
        self.reqs = self.write(self.dir, "g.txt", "Tiny.Lib\n")
        times = {"Tiny_Lib-1.0-py3-none-any.whl": "2024-01-01T00:00:00Z",
                 "Tiny_Lib-1.5-py3-none-any.whl": "2025-06-01T00:00:00Z"}
        with localindex.serve(self.index, times) as url:
            results = []
            for extra in ([], ["--exclude-newer", "2025-01-01"]):
                code, stdout, stderr = self.run_main(generate.main, [
                    "-p", sys.executable, "-r", self.reqs,
                    "--index-url", url, *extra])
                self.assertEqual(0, code, stderr)
                results.append(stdout)
        self.assertEqual(["Tiny.Lib===1.5"], body(results[0]))
        self.assertEqual(["Tiny.Lib===1.0"], body(results[1]))
        self.assertIn("# exclude-newer: 2025-01-01T00:00:00Z", results[1])

    def test_pip_exclude_newer_against_an_http_index(self) -> None:
        # pip's cut-off (--uploaded-prior-to) needs a real pip new enough
        # to have it; the venv's bundled pip is older, so the command
        # first upgrades pip from the index, which therefore offers one.
        pip_wheel = localindex.real_pip_wheel((26, 0))
        if pip_wheel is None:
            self.skipTest("no wheel of pip >= 26.0 on this machine "
                          f"(looked in {', '.join(localindex.WHEEL_DIRS)} "
                          "and $OSR_TEST_WHEEL_DIRS); CI has one")
        shutil.copy(pip_wheel, self.index)
        localindex.make_wheel(self.index, "setuptools", "0.0.1")
        localindex.make_wheel(self.index, "wheel", "0.0.1")
        localindex.make_wheel(self.index, "Tiny.Lib", "1.0")
        localindex.make_wheel(self.index, "Tiny.Lib", "1.5")
        localindex.make_wheel(self.index, "other_Pkg", "1.1",
                              requires=["Tiny.Lib>=1.0"])
        localindex.make_wheel(self.index, "other_Pkg", "1.2",
                              requires=["Tiny.Lib>=1.5"])
        self.reqs = self.write(self.dir, "g.txt", "other_Pkg\n")
        old, new = "2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z"
        times = {filename: old for filename in os.listdir(self.index)}
        times["Tiny_Lib-1.5-py3-none-any.whl"] = new
        times["other_Pkg-1.2-py3-none-any.whl"] = new
        with localindex.serve(self.index, times) as url:
            results = []
            for extra in ([], ["--exclude-newer", "2025-01-01"]):
                code, stdout, stderr = self.run_main(generate.main, [
                    "--installer", "pip", "-p", sys.executable, "-r",
                    self.reqs, "--sort", "name", "--index-url", url,
                    *extra])
                self.assertEqual(0, code, stderr)
                results.append(stdout)
        self.assertEqual(["other_Pkg===1.2", "Tiny.Lib===1.5"],
                         body(results[0]))
        # The transitive pin obeys the cut-off as well as the listed one.
        self.assertEqual(["other_Pkg===1.1", "Tiny.Lib===1.0"],
                         body(results[1]))
        self.assertIn("# exclude-newer: 2025-01-01T00:00:00Z", results[1])
        version = os.path.basename(pip_wheel).split("-")[1]
        self.assertIn(f"# installer: pip {version}\n", results[1])


class TestInterrupt(GenerateTestCase):
    def test_sigterm_during_venv_creation_leaves_no_venvs(self) -> None:
        # A cancelled CI job sends SIGTERM to our process alone, while
        # "python -m venv" runs ensurepip's pip in a grandchild.
        self.populate()
        tmp = os.path.join(self.dir, "tmp")
        os.mkdir(tmp)
        env = self.child_env(TMPDIR=tmp)
        proc = subprocess.Popen(
            [sys.executable, "-c",
             "import sys; from openstack_requirements.cmds import "
             "generate; sys.exit(generate.main())",
             "--installer", "pip", "-p", sys.executable, "-r", self.reqs,
             "--find-links", self.index, "--no-index",
             "--log-dir", os.path.join(self.dir, "logs")],
            env=env, stderr=subprocess.PIPE, text=True, cwd=self.make_dir())
        deadline = time.monotonic() + 30
        pattern = os.path.join(tmp, "generate-constraints-*", "*", "bin")
        while not glob.glob(pattern):  # the venv is being made
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
        self.assertEqual(130, proc.returncode, stderr)
        self.assertIn("generate-constraints: interrupted", stderr)
        self.assertEqual([], os.listdir(tmp))

    def test_ctrl_c_leaves_no_venvs(self) -> None:
        localindex.make_wheel(self.index, "Tiny.Lib", "1.0")
        reqs = self.write(self.dir, "g.txt", "Tiny.Lib\n")
        tmp = os.path.join(self.dir, "tmp")
        os.mkdir(tmp)
        env = self.child_env(TMPDIR=tmp)
        with localindex.serve(self.index, {}, delay=60) as url:
            proc = subprocess.Popen(
                [sys.executable, "-c",
                 "import sys; from openstack_requirements.cmds import "
                 "generate; sys.exit(generate.main())",
                 "-p", sys.executable, "-r", reqs, "--index-url", url,
                 "--log-dir", os.path.join(self.dir, "logs")],
                env=env, stderr=subprocess.PIPE, text=True,
                cwd=self.make_dir())
            deadline = time.monotonic() + 30
            while not glob.glob(os.path.join(tmp, "generate-constraints-*")):
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.1)
            time.sleep(0.5)  # uv is now waiting for the slow download
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=30)
        self.assertEqual(130, proc.returncode, stderr)
        self.assertIn("generate-constraints: interrupted", stderr)
        self.assertEqual([], os.listdir(tmp))


class TestCombineArtifacts(base.TestCase):
    def artifact(self, directory: str, version: str,
                 pins: dict[str, str],
                 platform: str = "linux x86_64") -> str:
        name = f"freeze-{version}-{platform.replace(' ', '-')}.json"
        return self.write(directory, name, json.dumps({
            "format": artifact.FORMAT, "python_version": version,
            "python_full": f"{version}.1", "platform": platform,
            "installer": "uv 0.9.0", "method": "install", "pins": pins}))

    def test_diff_without_output_prints_only_the_diff(self) -> None:
        directory = self.make_dir()
        a = self.artifact(directory, "3.11", {"six": "1.16.0", "x": "1"})
        b = self.artifact(directory, "3.12", {"six": "1.16.0", "x": "2"})
        old = self.write(directory, "old.txt", "six===1.15.0\nx===1\n")
        code, stdout, stderr = self.run_main(
            generate.main, ["combine", a, b, "--diff", old])
        self.assertEqual(0, code, stderr)
        self.assertEqual(
            "bumped     six 1.15.0 -> 1.16.0\n"
            "changed    x 1 -> 1;python_version=='3.11', "
            "2;python_version=='3.12'\n", stdout)
        self.assertIn("2 change(s) against", stderr)

    def test_stdout_and_header(self) -> None:
        directory = self.make_dir()
        a = self.artifact(directory, "3.12", {"Six": "1.16.0"})
        code, stdout, stderr = self.run_main(generate.main, ["combine", a])
        self.assertEqual(0, code, stderr)
        self.assertIn("# installer: uv 0.9.0\n", stdout)
        self.assertIn("# python 3.12: Python 3.12.1, linux x86_64, "
                      "uv 0.9.0\n", stdout)
        self.assertTrue(stdout.endswith("# blacklist: none\n"
                                        "# python 3.12: Python 3.12.1, "
                                        "linux x86_64, uv 0.9.0\n"
                                        "Six===1.16.0\n"))

    def test_output_to_dev_stdout_and_a_null_device(self) -> None:
        # "-o /dev/stdout" writes into the pipe, "-o" to a null device
        # leaves it a device (a rename once replaced /dev/null).
        directory = self.make_dir()
        a = self.artifact(directory, "3.12", {"Six": "1.16.0"})
        code = ("import sys; from openstack_requirements.cmds import "
                "generate; sys.exit(generate.main())")
        proc = subprocess.run(
            [sys.executable, "-c", code, "combine", a, "-o", "/dev/stdout"],
            capture_output=True, text=True, check=False,
            env=self.child_env(), cwd=self.make_dir())
        self.assertEqual(0, proc.returncode, proc.stderr)
        self.assertTrue(proc.stdout.endswith("Six===1.16.0\n"))
        if os.geteuid() == 0:
            null = os.path.join(directory, "null")
            os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        else:
            null = "/dev/null"
        code_, _, stderr = self.run_main(
            generate.main, ["combine", a, "-o", null])
        self.assertEqual(0, code_, stderr)
        self.assertTrue(stat.S_ISCHR(os.stat(null).st_mode))

    def test_output_to_dev_stdout_redirected_to_a_file(self) -> None:
        # "generate-constraints combine ... -o /dev/stdout >> log": the
        # constraints go after what the log held, into the same file.
        directory = self.make_dir()
        a = self.artifact(directory, "3.12", {"Six": "1.16.0"})
        log = self.write(directory, "log.txt", "earlier\n")
        inode = os.stat(log).st_ino
        code = ("import sys; from openstack_requirements.cmds import "
                "generate; sys.exit(generate.main())")
        with open(log, "a", encoding="utf-8") as out:
            proc = subprocess.run(
                [sys.executable, "-c", code, "combine", a, "-o",
                 "/dev/stdout"], stdout=out, stderr=subprocess.PIPE,
                text=True, check=False, env=self.child_env(),
                cwd=self.make_dir())
        self.assertEqual(0, proc.returncode, proc.stderr)
        text = base.read(log)
        self.assertTrue(text.startswith("earlier\n# WARNING"), text)
        self.assertTrue(text.endswith("Six===1.16.0\n"), text)
        self.assertEqual(inode, os.stat(log).st_ino)
        self.assertEqual(["artifact", "log.txt"], sorted(
            "artifact" if n.startswith("freeze-") else n
            for n in os.listdir(directory)))

    def test_error_two_artifacts_for_one_version(self) -> None:
        directory = self.make_dir()
        a = self.artifact(directory, "3.12", {"six": "1"})
        b = self.write(directory, "other.json", base.read(a))
        code, stdout, stderr = self.run_main(
            generate.main, ["combine", a, b])
        self.assertEqual(2, code)
        self.assertEqual("", stdout)
        self.assertEqual(f"{b}: two freezes for Python 3.12 on linux x86_64 "
                         f"(also {a}); give one interpreter per Python "
                         "version and platform\n", stderr)

    def test_two_platforms(self) -> None:
        directory = self.make_dir()
        intel = self.artifact(directory, "3.12", {
            "six": "1.16.0", "numpy": "2.1.0", "intel-only": "1.0"})
        arm = self.artifact(directory, "3.12", {
            "six": "1.16.0", "numpy": "2.0.2"}, "linux aarch64")
        old = self.artifact(directory, "3.11", {
            "six": "1.16.0", "numpy": "2.0.2"}, "linux aarch64")
        out = os.path.join(directory, "upper-constraints.txt")
        code, stdout, stderr = self.run_main(generate.main, [
            "combine", intel, arm, old, "--sort", "name",
            "--version-map", "3.12:3.13", "-o", out])
        self.assertEqual(0, code, stderr)
        self.assertEqual("", stdout)
        self.assertIn("Duplicating 3.12 freeze to 3.13 on linux aarch64\n",
                      stderr)
        text = base.read(out)
        self.assertEqual([
            "intel-only===1.0;platform_machine=='x86_64'",
            "numpy===2.0.2;platform_machine=='aarch64'",
            "numpy===2.1.0;platform_machine=='x86_64'",
            "six===1.16.0;platform_machine=='aarch64'",
            "six===1.16.0;platform_machine=='x86_64'",
        ], body(text))
        self.assertEqual([
            "# python 3.11: Python 3.11.1, linux aarch64, uv 0.9.0",
            "# python 3.12: Python 3.12.1, linux aarch64, uv 0.9.0",
            "# python 3.12: Python 3.12.1, linux x86_64, uv 0.9.0",
            "# python 3.13: copy of Python 3.12 on linux aarch64 "
            "(--version-map)",
            "# python 3.13: copy of Python 3.12 on linux x86_64 "
            "(--version-map)",
        ], [line for line in text.splitlines()
            if line.startswith("# python ")])
        # validate-constraints' format check accepts the file.
        from openstack_requirements import policy
        from openstack_requirements import reqfile

        self.assertEqual([], policy.check_constraints(
            reqfile.parse(text, out)))

    def test_two_platforms_same_pythons_same_pins_no_markers(self) -> None:
        directory = self.make_dir()
        paths = [self.artifact(directory, version, {"six": "1.16.0"},
                               platform)
                 for version in ("3.11", "3.12")
                 for platform in ("linux x86_64", "linux aarch64")]
        code, stdout, stderr = self.run_main(
            generate.main, ["combine", *paths])
        self.assertEqual(0, code, stderr)
        self.assertTrue(stdout.endswith(
            "# python 3.11: Python 3.11.1, linux aarch64, uv 0.9.0\n"
            "# python 3.11: Python 3.11.1, linux x86_64, uv 0.9.0\n"
            "# python 3.12: Python 3.12.1, linux aarch64, uv 0.9.0\n"
            "# python 3.12: Python 3.12.1, linux x86_64, uv 0.9.0\n"
            "six===1.16.0\n"), stdout)

    def test_error_platform_triple_among_named_platforms(self) -> None:
        directory = self.make_dir()
        a = self.artifact(directory, "3.12", {"six": "1"})
        b = self.artifact(directory, "3.12", {"six": "1"},
                          "aarch64-unknown-linux-gnu")
        out = os.path.join(directory, "u.txt")
        code, stdout, stderr = self.run_main(
            generate.main, ["combine", a, b, "-o", out])
        self.assertEqual(2, code)
        self.assertEqual("", stdout)
        self.assertTrue(stderr.startswith(
            f"{b}: the freeze for Python 3.12 on "
            "'aarch64-unknown-linux-gnu': the platform is not "
            "'SYS_PLATFORM MACHINE'"), stderr)
        self.assertFalse(os.path.exists(out))

    def test_error_injected_pin_is_refused(self) -> None:
        directory = self.make_dir()
        for pins, message in (
            ({"evil": "1.0;python_version<'3'\nrequests===0.1"},
             "pin evil: \"1.0;python_version<'3'\\nrequests===0.1\" is "
             "not a version"),
            ({"": "1"}, "pin '' is not a distribution name"),
            ({"bad name": "1"}, "pin 'bad name' is not a distribution name"),
        ):
            a = self.artifact(directory, "3.12", pins)
            out = os.path.join(directory, "u.txt")
            code, stdout, stderr = self.run_main(
                generate.main, ["combine", a, "-o", out])
            self.assertEqual(2, code, pins)
            self.assertIn(f"{a}: {message}", stderr)
            self.assertFalse(os.path.exists(out))

    def test_error_line_break_in_a_header_field_is_refused(self) -> None:
        directory = self.make_dir()
        a = self.artifact(directory, "3.12", {"six": "1"})
        data = json.loads(base.read(a))
        out = os.path.join(directory, "u.txt")
        # \u2028 and \x85 end a line for pip's reader (str.splitlines).
        for brk in ("\n", "\r", "\u2028", "\x85", "\x1b"):
            data["installer"] = f"uv 0.9.0{brk}requests===0.1"
            self.write(directory, os.path.basename(a), json.dumps(data))
            code, stdout, stderr = self.run_main(
                generate.main, ["combine", a, "-o", out])
            self.assertEqual(2, code, repr(brk))
            self.assertIn(f"{a}: field 'installer' has a line break or "
                          "control character ("
                          f"{data['installer']!r})", stderr)
            self.assertFalse(os.path.exists(out))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestProgress(base.TestCase):
    def test_terminal_redraws_one_line_per_interpreter(self) -> None:
        stream = _Terminal()
        progress = _progress.Progress(stream, ["3.11", "3.12"],
                                      {"TERM": "xterm-256color"})
        progress.update("3.11", "venv")
        progress.update("3.12", "install: resolved 40")
        lines = stream.getvalue().split("\n")
        self.assertEqual("\x1b[K[3.11] venv (0s)", lines[0])
        self.assertEqual("\x1b[K[3.12] waiting (0s)", lines[1])
        # The second update moves up two lines and redraws both.
        self.assertEqual("\x1b[2F\x1b[K[3.11] venv (0s)", lines[2])
        self.assertEqual("\x1b[K[3.12] install: resolved 40 (0s)",
                         lines[3])

    def test_no_cursor_codes_for_dumb_or_no_color_terminals(self) -> None:
        for environ in ({"TERM": "dumb"}, {}, {"TERM": "xterm",
                                               "NO_COLOR": "1"}):
            stream = _Terminal()
            progress = _progress.Progress(stream, ["3.11", "3.12"], environ)
            progress.update("3.11", "venv")
            progress.update("3.12", "freeze")
            self.assertEqual("[3.11] venv (0.0s)\n[3.12] freeze (0.0s)\n",
                             stream.getvalue(), environ)
            self.assertNotIn("\x1b", stream.getvalue())

    def test_plain_lines_elsewhere(self) -> None:
        stream = io.StringIO()
        progress = _progress.Progress(stream, ["3.12"])
        progress.update("3.12", "freeze")
        progress.update("3.12", "freeze")  # unchanged: not repeated
        self.assertEqual("[3.12] freeze (0.0s)\n", stream.getvalue())


class TestBadInput(GenerateTestCase):
    def check_usage(self, argv: list[str], message: str) -> None:
        out = os.path.join(self.dir, "out.txt")
        code, stdout, stderr = self.run_main(generate.main, argv + [
            "-o", out])
        self.assertEqual(2, code, stderr)
        self.assertIn(message, stderr)
        self.assertEqual("", stdout)
        self.assertFalse(os.path.exists(out))
        self.assertNotIn("Traceback", stderr)

    def test_error_missing_interpreter(self) -> None:
        self.populate()
        self.check_usage(
            ["-p", sys.executable, "-p", "no-such-python3.99", "-r",
             self.reqs],
            "interpreter 'no-such-python3.99' not found; give a path or a "
            "name on PATH")

    def test_error_same_version_twice(self) -> None:
        self.populate()
        self.check_usage(
            ["-p", sys.executable, "-p", sys.executable, "-r", self.reqs],
            "are both Python")

    def test_error_missing_requirements(self) -> None:
        self.check_usage(
            ["-p", sys.executable, "-r", os.path.join(self.dir, "no.txt")],
            "no.txt: no such file; check the path")

    def test_error_bad_version_map(self) -> None:
        self.populate()
        self.check_usage(
            ["-p", sys.executable, "-r", self.reqs, "--version-map", "3"],
            "--version-map '3': expected SRC:DST")

    def test_error_resolve_needs_versions(self) -> None:
        self.populate()
        self.check_usage(
            ["-p", sys.executable, "-r", self.reqs, "--method", "resolve"],
            "with --method resolve give a Python version such as 3.12")

    def test_error_bad_exclude_newer(self) -> None:
        self.populate()
        self.check_usage(
            ["-p", sys.executable, "-r", self.reqs, "--exclude-newer",
             "last tuesday"],
            "--exclude-newer 'last tuesday': give a date (2025-01-31) or "
            "an RFC 3339 timestamp")

    def test_error_impossible_exclude_newer_date(self) -> None:
        self.populate()
        self.check_usage(
            ["-p", sys.executable, "-r", self.reqs, "--exclude-newer",
             "2025-13-45"],
            "--exclude-newer '2025-13-45': not a real date")

    def test_error_log_dir_is_a_file(self) -> None:
        self.populate()
        self.check_usage(
            ["-p", sys.executable, "-r", self.reqs, "--log-dir", self.reqs],
            f"{self.reqs}: cannot use as the log directory")

    def test_error_empty_requirements(self) -> None:
        empty = self.write(self.dir, "empty.txt", "# nothing here\n")
        self.check_usage(["-p", sys.executable, "-r", empty],
                         f"{empty}: lists no requirements")

    def test_error_version_map_source_checked_before_installs(self) -> None:
        self.populate()
        before = set(os.listdir(self.dir))
        self.check_usage(
            ["-p", sys.executable, "-r", self.reqs, "--version-map",
             "3.9:3.14"],
            "--version-map: no interpreter for Python 3.9; the interpreters "
            f"are {sys.version_info[0]}.{sys.version_info[1]}")
        self.assertEqual(before, set(os.listdir(self.dir)))

    def test_error_missing_diff_file_checked_before_installs(self) -> None:
        self.populate()
        missing = os.path.join(self.dir, "old.txt")
        self.check_usage(
            ["-p", sys.executable, "-r", self.reqs, "--diff", missing],
            f"{missing}: no such file")

    def test_error_json_report_directory_missing(self) -> None:
        self.populate()
        report = os.path.join(self.dir, "nope", "r.json")
        self.check_usage(
            ["-p", sys.executable, "-r", self.reqs, "--json-report", report],
            f"{report}: the directory to write into does not exist")

    def test_error_combine_not_an_artifact(self) -> None:
        path = self.write(self.dir, "x.json", '{"pins": {}}')
        self.check_usage(["combine", path], "x.json: not a freeze artifact")

    def test_error_combine_not_json(self) -> None:
        path = self.write(self.dir, "x.json", "six==1\n")
        self.check_usage(["combine", path], "x.json:1: not JSON")

    def test_subcommand_help(self) -> None:
        for sub in ("freeze", "combine"):
            code, stdout, _ = self.run_main(generate.main, [sub, "--help"])
            self.assertEqual(0, code)
            self.assertIn(f"usage: generate-constraints {sub}", stdout)
            self.assertIn(f"example:\n  generate-constraints {sub}", stdout)
