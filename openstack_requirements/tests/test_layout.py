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

"""The package's layout keeps its promises (doc/source/architecture.rst).

* every core module's docstring says which kind of module it is, and a
  module that says it is pure does no I/O: it imports no module that
  runs processes or talks to the network, and opens nothing;
* core modules import at module top, so the dependency graph is visible;
* a concept has one owner: its name is defined in one module only;
* commands return the named exit codes of ``errors``.
"""

from __future__ import annotations

import ast
import os
import re

from openstack_requirements.tests import base

KINDS = ("Pure", "Files", "Processes", "Network")
_KIND_RE = re.compile(r"\b(Pure|Files|Processes|Network)\b")

#: Modules a pure module must not import (nor any submodule of them).
IMPURE_MODULES = (
    "subprocess", "socket", "urllib", "http", "ssl", "shutil", "tempfile",
    "signal", "fcntl", "threading", "concurrent", "multiprocessing",
)

#: ... except these, which only compute.
PURE_SUBMODULES = ("urllib.parse",)

#: Names that each mean one concept: defined at the top of one module.
ONE_OWNER = (
    "Interpreter", "Pin", "probe", "find_uv", "uv_bin", "Installer",
    "Index", "clean_env", "canonical_name", "NAME_PATTERN",
    "PYTHON_VERSIONS", "SUPPORTED_PYTHONS", "LOWER_BOUNDS",
    "LOWER_BOUND_OPERATORS", "_LOWER_OPS", "_PROJECT_RE", "_NAME_RE",
    "shipped_dir", "blacklist_in", "pins", "read_pins",
)

#: The exit codes a command may return only by their errors.EXIT_* name.
EXIT_NUMBERS = (0, 1, 2, 3)


def _modules(core: bool) -> dict[str, str]:
    """Module name -> path, for the core (True) or for cmds/ (False)."""
    found = {}
    for folder, dirs, files in os.walk(base.PACKAGE_DIR):
        rel = os.path.relpath(folder, base.PACKAGE_DIR)
        dirs[:] = sorted(d for d in dirs
                         if d not in ("tests", "__pycache__"))
        in_cmds = rel.split(os.sep)[0] == "cmds"
        if in_cmds == core:
            continue
        for name in sorted(files):
            if name.endswith(".py") and name != "__init__.py":
                path = os.path.join(folder, name)
                dotted = os.path.relpath(path, base.PACKAGE_DIR)[:-3]
                found[dotted.replace(os.sep, ".")] = path
    return found


def _tree(path: str) -> ast.Module:
    return ast.parse(base.read(path), filename=path)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(tree: ast.Module) -> list[tuple[int, str]]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [(node.lineno, f"{node.module}.{alias.name}")
                      for alias in node.names]
    return names


def _nested_imports(tree: ast.Module) -> list[int]:
    """Lines of imports inside functions or classes."""
    lines = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)) and nested:
                lines.append(child.lineno)
            inner = nested or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            visit(child, inner)

    visit(tree, False)
    return lines


def _impurities(tree: ast.Module) -> list[str]:
    found = []
    for lineno, name in _imported(tree):
        if name.split(".")[0] in IMPURE_MODULES and not name.startswith(
                PURE_SUBMODULES):
            found.append(f"{lineno}: imports {name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "open":
            found.append(f"{node.lineno}: calls open()")
        if isinstance(node, ast.Attribute) and node.attr in (
                "environ", "getenv") and isinstance(node.value, ast.Name) \
                and node.value.id == "os":
            found.append(f"{node.lineno}: reads os.{node.attr}")
    return found


def _top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                             ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target])
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _outcomes(value: ast.expr | None) -> list[ast.expr | None]:
    """The values an expression may give: both arms of ``a if c else b``."""
    if isinstance(value, ast.IfExp):
        return _outcomes(value.body) + _outcomes(value.orelse)
    return [value]


class TestDocstrings(base.TestCase):

    def test_every_core_module_says_its_kind(self) -> None:
        missing = []
        for name, path in _modules(core=True).items():
            doc = ast.get_docstring(_tree(path)) or ""
            if not _KIND_RE.search(doc):
                missing.append(name)
        self.assertEqual([], missing, f"say one of {KINDS} in the docstring")

    def test_pure_modules_do_no_io(self) -> None:
        broken = {}
        pure = []
        for name, path in _modules(core=True).items():
            tree = _tree(path)
            kinds = set(_KIND_RE.findall(ast.get_docstring(tree) or ""))
            if kinds != {"Pure"}:
                continue
            pure.append(name)
            found = _impurities(tree)
            if found:
                broken[name] = found
        self.assertEqual({}, broken)
        # The pure core is most of the package; the check must see it.
        for name in ("requirement", "reqfile", "policy", "constraints",
                     "sync", "check", "review"):
            self.assertIn(name, pure)

    def test_impurity_is_seen(self) -> None:
        # The checker itself: each kind of I/O in a module is reported.
        tree = ast.parse(
            "import subprocess\nfrom urllib import request, parse\n"
            "import os\ndef f():\n    open('x')\n    return os.environ\n")
        self.assertEqual(
            ["1: imports subprocess", "2: imports urllib.request",
             "5: calls open()", "6: reads os.environ"],
            sorted(_impurities(tree)))


class TestImports(base.TestCase):

    def test_core_modules_import_at_top(self) -> None:
        nested = {}
        for name, path in _modules(core=True).items():
            lines = _nested_imports(_tree(path))
            if lines:
                nested[name] = lines
        self.assertEqual({}, nested)

    def test_nested_import_is_seen(self) -> None:
        tree = ast.parse("import os\nif TYPE_CHECKING:\n    import re\n"
                         "def f():\n    import json\n")
        self.assertEqual([5], _nested_imports(tree))


class TestOneOwner(base.TestCase):

    def test_one_concept_one_module(self) -> None:
        owners: dict[str, list[str]] = {}
        modules = dict(_modules(core=True), **_modules(core=False))
        for name, path in modules.items():
            for defined in _top_level_names(_tree(path)) & set(ONE_OWNER):
                owners.setdefault(defined, []).append(name)
        shared = {k: v for k, v in owners.items() if len(v) > 1}
        self.assertEqual({}, shared)


class TestExitCodes(base.TestCase):

    def test_commands_return_named_exit_codes(self) -> None:
        literal = []
        for name, path in _modules(core=False).items():
            for node in ast.walk(_tree(path)):
                value = None
                if isinstance(node, ast.Return) and node.value is not None:
                    value = node.value
                elif isinstance(node, ast.Call) and isinstance(
                        node.func, ast.Attribute) and node.func.attr == "exit":
                    value = node.args[0] if node.args else None
                if any(isinstance(one, ast.Constant)
                       and not isinstance(one.value, bool)
                       and one.value in EXIT_NUMBERS
                       for one in _outcomes(value)):
                    literal.append(f"{name}:{node.lineno}")
        self.assertEqual([], literal, "return errors.EXIT_* instead")


class TestChildProcesses(base.TestCase):

    def test_no_test_runs_a_child_in_the_checkout(self) -> None:
        # A child Python in the checkout (its cwd, or the checkout on
        # PYTHONPATH) sees whatever a build left there, such as the
        # .egg-info of "pip install .": use TestCase.child_env and a
        # temp cwd instead.
        pattern = re.compile(
            r"cwd=base\.(REPO_DIR|repo_file)"
            r"|PYTHONPATH[\"']?[=:]\s*base\.REPO_DIR")
        found = []
        for folder, _, files in os.walk(base.TESTS_DIR):
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    for lineno, line in enumerate(
                            base.read(path).split("\n"), 1):
                        if pattern.search(line):
                            found.append(f"{name}:{lineno}")
        self.assertEqual([], found)
