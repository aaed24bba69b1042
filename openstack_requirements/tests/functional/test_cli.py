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

"""Every console script: registered, --help, usage errors, fast start."""

import ast
import configparser
import contextlib
import importlib
import io
import json
import os
import pkgutil
import subprocess
import sys

import openstack_requirements
from openstack_requirements.tests import base

HEAVY_PACKAGES = ("packaging", "tomlkit", "parsley", "uv")
HEAVY_MODULES = ("urllib.request", "http.client", "json", "subprocess")


def console_scripts() -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(base.repo_file("setup.cfg"), encoding="utf-8")
    scripts = {}
    for line in parser["entry_points"]["console_scripts"].splitlines():
        if line.strip():
            name, _, target = line.partition("=")
            scripts[name.strip()] = target.strip()
    return scripts


def load(target: str):  # noqa: ANN201
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


class TestConsoleScripts(base.TestCase):
    def test_every_target_imports(self) -> None:
        scripts = console_scripts()
        self.assertIn("validate-constraints", scripts)
        self.assertEqual(23, len(scripts))
        for name, target in scripts.items():
            self.assertTrue(callable(load(target)), name)

    def test_help_exits_zero_with_example(self) -> None:
        for name, target in console_scripts().items():
            code, out, err = self.run_main(load(target), ["--help"])
            self.assertEqual(0, code, name)
            self.assertIn(f"usage: {name}", out)
            self.assertIn(f"example:\n  {name}", out)

    def test_version_on_every_command(self) -> None:
        from importlib import metadata

        version = metadata.version("openstack-requirements")
        for name, target in console_scripts().items():
            code, out, err = self.run_main(load(target), ["--version"])
            self.assertEqual((0, ""), (code, err), name)
            lines = out.splitlines()
            self.assertEqual(f"{name} {version}", lines[0], name)
            if name in ("generate-constraints", "build-wheel-mirror"):
                self.assertRegex(lines[1], r"^uv [0-9.]+ \(/.*uv\)$")
            else:
                self.assertEqual(1, len(lines), name)

    def test_json_option_on_every_reporting_command(self) -> None:
        # Commands that print findings or changes have --json, and it is
        # spelled and explained one way (_cli.add_json).
        for name in ("check-conflicts", "build-wheel-mirror",
                     "update-requirements", "validate-projects",
                     "check-requirements", "check-constraints",
                     "validate-constraints", "check-mirror"):
            code, out, err = self.run_main(
                load(console_scripts()[name]), ["--help"])
            self.assertIn("--json", out, name)

    def test_unknown_option_is_usage_error(self) -> None:
        for name, target in console_scripts().items():
            code, out, err = self.run_main(load(target), ["--no-such-flag"])
            self.assertEqual(2, code, name)
            self.assertIn(f"usage: {name}", err)
            self.assertIn(f"{name}: error: ", err)
            self.assertEqual("", out)

    def test_not_implemented_body_says_so(self) -> None:
        # Every command is implemented now; the mechanism stays for the
        # next one: exit 2 with a message, never a fake success.
        from openstack_requirements.cmds import _cli

        parser = _cli.parser_for("future-cmd", "d", "future-cmd",
                                 lambda p: None)
        out = io.StringIO()
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = _cli.run(parser, [], _cli.not_implemented(
                "future-cmd", 99), out)
        self.assertEqual((2, ""), (code, out.getvalue()))
        self.assertEqual(
            "future-cmd: error: not implemented yet (tracked in issue "
            "#99)\n", err.getvalue())

    def test_help_does_not_import_heavy_modules(self) -> None:
        # Start-up stays fast: parsers, TOML and uv load only when needed.
        for name, target in console_scripts().items():
            module, _, attr = target.partition(":")
            code = (
                "import sys, io, contextlib\n"
                f"from {module} import {attr}\n"
                "with contextlib.redirect_stdout(io.StringIO()):\n"
                f"    rc = {attr}(['--help'])\n"
                "heavy = [m for m in sys.modules if m.split('.')[0] in "
                f"{HEAVY_PACKAGES!r} or m in {HEAVY_MODULES!r}]\n"
                "print(rc, sorted(heavy))\n"
            )
            result = subprocess.run(
                [sys.executable, "-c", code], capture_output=True,
                text=True, check=True, env=self.child_env(),
                cwd=self.make_dir())
            self.assertEqual("0 []", result.stdout.strip(), name)


class TestNoPkgResources(base.TestCase):
    def test_no_module_imports_pkg_resources(self) -> None:
        # Import every module in a clean interpreter and look.
        code = (
            "import importlib, pkgutil, sys\n"
            "import openstack_requirements as p\n"
            "for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.'):\n"
            "    if '.tests' not in m.name:\n"
            "        importlib.import_module(m.name)\n"
            "print('pkg_resources' in sys.modules)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True,
            check=True, env=self.child_env(), cwd=self.make_dir())
        self.assertEqual("False", result.stdout.strip())

    def test_no_source_mentions_pkg_resources_import(self) -> None:
        # Lazy imports inside functions would escape the test above.
        offenders = []
        for info in pkgutil.walk_packages(
                openstack_requirements.__path__, "openstack_requirements."):
            spec = importlib.util.find_spec(info.name)
            if spec is None or not spec.origin.endswith(".py"):
                continue
            with open(spec.origin, encoding="utf-8") as f:
                tree = ast.parse(f.read())
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(n.split(".")[0] == "pkg_resources" for n in names):
                    offenders.append(info.name)
        self.assertEqual([], offenders)


class TestInstalledScript(base.TestCase):
    def test_console_script_runs_as_a_process(self) -> None:
        script = os.path.join(os.path.dirname(sys.executable),
                              "validate-constraints")
        if not os.path.exists(script):
            self.skipTest("package not installed in this interpreter's "
                          "environment (pip install -e .)")
        result = subprocess.run(
            [script, "--json", base.repo_file("global-requirements.txt"),
             base.repo_file("upper-constraints.txt"),
             base.repo_file("blacklist.txt")],
            capture_output=True, text=True)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual({"ok": True, "findings": []},
                         json.loads(result.stdout))


class TestReadme(base.TestCase):
    def test_every_command_has_a_row_and_a_reference_page(self) -> None:
        readme = base.read(base.repo_file("README.rst"))
        reference = os.path.join(base.REPO_DIR, "doc", "source", "reference")
        pages = {name.removesuffix(".rst") for name in os.listdir(reference)
                 if name != "index.rst"}
        self.assertEqual(set(console_scripts()), pages)
        for name in console_scripts():
            self.assertIn(f"\n``{name}`` ", readme, name)
            page = base.read(os.path.join(reference, name + ".rst"))
            self.assertIn(f"\n.. command-help:: {name}\n", page)
            self.assertNotIn("Not implemented", page)

    def test_readme_is_short(self) -> None:
        self.assertLessEqual(
            len(base.read(base.repo_file("README.rst")).split("\n")), 250)

    def test_ci_runs_the_readme_commands_in_a_fresh_clone(self) -> None:
        ci = base.read(base.repo_file(".ci/run"))
        readme = base.read(base.repo_file("README.rst"))
        for name in ("quickstart-command", "test-command"):
            self.assertIn(f"$(block {name})", ci)
            self.assertEqual(1, readme.count(f":name: {name}\n"), name)
        self.assertIn("git clone", ci)
        self.assertLess(ci.index('-c "$quickstart"'), ci.index('-c "$tests"'))
