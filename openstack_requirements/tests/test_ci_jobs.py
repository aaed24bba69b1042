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

"""The shipped CI jobs: .zuul.yaml, its playbooks, the GitHub workflows.

actionlint checks the workflows; a consistency test checks .zuul.yaml
(playbooks exist, every job variable is used and every variable a
playbook uses is set); and the shell steps of the playbooks and
workflows, extracted from the files, run in a temporary directory
against a loopback index: install the toolkit, check a project,
validate the lists, freeze and combine.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
import shutil
import subprocess
import sys

import yaml

from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

ZUUL = os.path.join(base.REPO_DIR, ".zuul.yaml")
PLAYBOOKS = os.path.join(base.REPO_DIR, "playbooks")
WORKFLOWS = os.path.join(base.REPO_DIR, ".github", "workflows")
#: Names upstream's jobs use; ours must not take them.
UPSTREAM_JOBS = {"requirements-check", "requirements-tox-validate-projects",
                 "requirements-tox-py3-check-uc", "build-wheel-mirror"}
#: Ansible and Zuul variables the playbooks may use without a job var.
BUILTINS = {"zuul", "ansible_user_dir", "item"}
#: Steps the tests do not run, because they change the machine (sudo)
#: or are this repository's own CI.  Every other step runs.
NOT_RUN = {("requirements-toolkit-generate.yaml", "Install the build headers"),
           ("ci.yaml", "Run .ci/run")}
VERSION = "3.11" if sys.version_info[:2] == (3, 11) else (
    f"{sys.version_info.major}.{sys.version_info.minor}")


@dataclasses.dataclass
class Step:
    source: str  # file name
    job: str
    name: str
    script: str
    env: dict[str, str]
    cwd: str | None


def load(path: str) -> object:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def playbook_steps(path: str) -> list[Step]:
    steps = []
    for play in load(path):  # type: ignore[attr-defined]
        for task in play.get("tasks", []):
            if "shell" in task:
                steps.append(Step(os.path.basename(path), "", task["name"],
                                  task["shell"], task.get("environment", {}),
                                  task.get("args", {}).get("chdir")))
    return steps


def workflow_steps(path: str) -> list[Step]:
    steps = []
    for job_name, job in load(path)["jobs"].items():  # type: ignore
        for step in job.get("steps", []):
            if "run" in step:
                steps.append(Step(os.path.basename(path), job_name,
                                  step["name"], step["run"],
                                  step.get("env", {}),
                                  step.get("working-directory")))
    return steps


def render(text: str, values: dict[str, str]) -> str:
    """Replace each ``{{ expr }}`` / ``${{ expr }}`` by ``values[expr]``.

    An expression the test does not know fails the test: a step may use
    nothing that this file does not set up.
    """
    def value(match: re.Match[str]) -> str:
        expr = match.group(1).strip()
        if expr not in values:
            raise AssertionError(f"no test value for {{{{ {expr} }}}}")
        return values[expr]

    return re.sub(r"\$?\{\{(.*?)\}\}", value, text)


def jinja_names(text: str) -> set[str]:
    """The root variables of the Jinja expressions in a playbook text."""
    exprs = re.findall(r"\{\{(.*?)\}\}", text, re.S)
    exprs += re.findall(r"^\s*(?:when|failed_when):\s*(.+)$", text, re.M)
    names = set()
    for expr in exprs:
        expr = re.sub(r"'[^']*'|\"[^\"]*\"", "", expr)
        expr = re.sub(r"\|\s*\w+", "", expr)  # filters
        for name in re.findall(r"(?<![.\w])([A-Za-z_]\w*)", expr):
            if name not in {"and", "or", "not", "in", "is", "defined",
                            "true", "false", "none"}:
                names.add(name)
    return names


class TestActionlint(base.TestCase):
    def test_workflows_pass_actionlint(self) -> None:
        actionlint = (shutil.which("actionlint", path=os.path.dirname(
            sys.executable)) or shutil.which("actionlint"))
        self.assertIsNotNone(actionlint, "pip install -r test-requirements")
        files = sorted(glob.glob(os.path.join(WORKFLOWS, "*.yaml")))
        self.assertGreaterEqual(len(files), 3)
        result = subprocess.run([actionlint, "-no-color", *files],
                                capture_output=True, text=True)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)

    def test_error_actionlint_catches_a_broken_workflow(self) -> None:
        actionlint = (shutil.which("actionlint", path=os.path.dirname(
            sys.executable)) or shutil.which("actionlint"))
        assert actionlint
        path = self.write(self.make_dir(), "bad.yaml", (
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
            "    steps:\n      - run: echo ${{ inputs.nothing }}\n"))
        result = subprocess.run([actionlint, "-no-color", path],
                                capture_output=True, text=True)
        self.assertEqual(1, result.returncode)
        self.assertIn("inputs.nothing", result.stdout)


class TestZuulConsistency(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        config = load(ZUUL)
        self.jobs = {item["job"]["name"]: item["job"]
                     for item in config if "job" in item}  # type: ignore
        self.templates = [item["project-template"]
                          for item in config  # type: ignore
                          if "project-template" in item]

    def chain(self, name: str) -> list[dict[str, object]]:
        """The job and its ancestors, the job first."""
        jobs = []
        while name in self.jobs:
            jobs.append(self.jobs[name])
            name = str(self.jobs[name].get("parent", "base"))
        return jobs

    def playbooks(self, name: str) -> list[str]:
        paths = []
        for job in self.chain(name):
            for key in ("pre-run", "run", "post-run"):
                value = job.get(key, [])
                paths += [value] if isinstance(value, str) else list(value)
        return paths

    def job_vars(self, name: str) -> set[str]:
        return {var for job in self.chain(name)
                for var in job.get("vars", {})}  # type: ignore

    def test_names_are_ours(self) -> None:
        for name in self.jobs:
            self.assertTrue(name.startswith("requirements-toolkit-"), name)
            self.assertNotIn(name, UPSTREAM_JOBS)

    def test_parents_dependencies_and_templates_exist(self) -> None:
        for name, job in self.jobs.items():
            self.assertIn(job.get("parent", "base"), {*self.jobs, "base"})
            for dependency in job.get("dependencies", []):
                self.assertIn(dependency, self.jobs, name)
        for template in self.templates:
            for pipeline in template.values():
                if isinstance(pipeline, dict):
                    for job in pipeline["jobs"]:
                        self.assertIn(job, self.jobs, template["name"])

    def test_every_playbook_named_exists(self) -> None:
        named = set()
        for name in self.jobs:
            for path in self.playbooks(name):
                named.add(path)
                self.assertTrue(os.path.isfile(
                    os.path.join(base.REPO_DIR, path)), f"{name}: {path}")
        shipped = {os.path.relpath(p, base.REPO_DIR) for p in glob.glob(
            os.path.join(PLAYBOOKS, "**", "*.yaml"), recursive=True)}
        self.assertEqual(shipped, named)  # and none is left unused

    def test_every_job_variable_is_used(self) -> None:
        for name, job in self.jobs.items():
            text = "".join(base.read(os.path.join(base.REPO_DIR, path))
                           for path in self.playbooks(name))
            used = jinja_names(text)
            for var in job.get("vars", {}):
                self.assertIn(var, used, f"{name}: vars.{var} is never used")

    def test_every_variable_a_playbook_uses_is_set(self) -> None:
        for name, job in self.jobs.items():
            if job.get("abstract"):
                continue
            for path in self.playbooks(name):
                text = base.read(os.path.join(base.REPO_DIR, path))
                registered = set(re.findall(r"register:\s*(\w+)", text))
                unknown = (jinja_names(text) - BUILTINS - registered
                           - self.job_vars(name))
                self.assertEqual(set(), unknown, f"{name}: {path}")

    def test_error_an_unused_variable_is_caught(self) -> None:
        text = base.read(os.path.join(PLAYBOOKS, "requirements-toolkit",
                                      "check.yaml"))
        self.assertIn("requirements_dir", jinja_names(text))
        self.assertNotIn("freeze_python", jinja_names(text))


class TestShellSteps(base.TestCase):
    """The jobs' own shell steps, run against a loopback index."""

    def setUp(self) -> None:
        super().setUp()
        self.tmp = self.make_dir()
        self.env_values()

    def env_values(self) -> None:
        tmp = self.tmp
        files = os.path.join(tmp, "index-files")
        os.mkdir(files)
        for name, version in (("alpha", "1.0"), ("alpha", "2.0"),
                              ("beta", "1.0")):
            localindex.make_wheel(files, name, version)
        self.index = self.useFixture(localindex.FlatIndex(files, {})).url
        bare = localindex.release_copy(tmp, "0.1.0")
        repo = self.useFixture(localindex.DirectoryServer(
            os.path.dirname(bare))).url
        self.spec = f"openstack-requirements @ git+{repo}/toolkit.git@0.1.0"
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        for name in ("python3", f"python{VERSION}"):
            os.symlink(sys.executable, os.path.join(bindir, name))
        self.base_env = {
            "PATH": f"{bindir}:/usr/bin:/bin", "HOME": tmp,
            "PIP_CONFIG_FILE": "/dev/null", "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": localindex.wheelhouse(
                tmp, "bindep", "distro"),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "UV_PYTHON_DOWNLOADS": "never"}

    def central(self, path: str) -> str:
        os.makedirs(path)
        self.write(path, "global-requirements.txt",
                   "alpha!=1.5  # MIT\nbeta  # Apache-2.0\n")
        self.write(path, "upper-constraints.txt",
                   "alpha===1.0\nbeta===1.0\n")
        self.write(path, "blacklist.txt", "hacking\n")
        self.write(path, "projects.txt", "org/project\n")
        return path

    def project(self, path: str, requirements: str) -> str:
        os.makedirs(path)
        self.write(path, "requirements.txt", requirements)
        self.write(path, "pyproject.toml", (
            '[build-system]\nrequires = ["pbr>=6.0.0"]\n'
            'build-backend = "pbr.build"\n'))
        return path

    def run_step(self, step: Step, values: dict[str, str],
                 cwd: str) -> subprocess.CompletedProcess[str]:
        env = dict(self.base_env)
        env.update({k: render(str(v), values) for k, v in step.env.items()})
        if step.cwd:
            cwd = os.path.join(cwd, render(step.cwd, values))
        if "runner.temp" in values:
            env["RUNNER_TEMP"] = values["runner.temp"]
        return subprocess.run(["bash", "-c", step.script], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)

    def run_all(self, steps: list[Step], values: dict[str, str],
                cwd: str) -> None:
        for step in steps:
            if (step.source, step.name) in NOT_RUN:
                continue
            result = self.run_step(step, values, cwd)
            self.assertEqual(0, result.returncode,
                             f"{step.source}: {step.name}\n"
                             f"{result.stdout}{result.stderr}")

    def assert_combined(self, central: str) -> None:
        self.assertEqual(
            ["alpha===2.0", "beta===1.0"],
            sorted(line for line in base.read(os.path.join(
                central, "upper-constraints.txt")).split("\n")
                if line and not line.startswith("#")))

    def test_zuul_playbooks(self) -> None:
        home = self.tmp
        central = self.central(os.path.join(home, "src", "central"))
        self.project(os.path.join(home, "src", "project"),
                     "alpha>=1.0  # MIT\n")
        self.project(os.path.join(home, "src", "bad"), "gamma>=1.0\n")
        values = {
            "toolkit_venv": os.path.join(home, "toolkit"),
            "toolkit_pip_spec": self.spec, "ansible_user_dir": home,
            "requirements_dir": central, "zuul.branch": "master",
            "freeze_python": VERSION, "index_url": self.index,
            "exclude_newer": "", "blacklist": "blacklist.txt"}

        def steps(name: str) -> list[Step]:
            return playbook_steps(os.path.join(
                PLAYBOOKS, "requirements-toolkit", name))

        def in_project(src_dir: str) -> dict[str, str]:
            return dict(values, **{"zuul.project.src_dir": src_dir})

        self.run_all(steps("pre.yaml"), values, home)
        self.run_all(steps("check.yaml"), in_project("src/project"), home)
        [check] = steps("check.yaml")
        bad = self.run_step(check, in_project("src/bad"), home)
        self.assertEqual(1, bad.returncode, bad.stdout + bad.stderr)
        self.assertIn("gamma", bad.stdout)
        self.run_all(steps("validate.yaml"), in_project("src/central"), home)
        self.run_all(steps("freeze-pre.yaml"), in_project("src/central"),
                     home)
        self.run_all(steps("freeze.yaml"), in_project("src/central"), home)
        self.assertTrue(os.path.exists(
            os.path.join(central, f"freeze-{VERSION}.json")))
        self.run_all(steps("combine.yaml"), in_project("src/central"), home)
        self.assert_combined(central)
        self.run_all(steps("validate.yaml"), in_project("src/central"), home)

    def test_github_workflows(self) -> None:
        runner = os.path.join(self.tmp, "runner")
        os.mkdir(runner)
        values = {
            "runner.temp": runner, "inputs.toolkit-spec": self.spec,
            "github.base_ref || github.ref_name": "master",
            "matrix.python": VERSION, "matrix.runner": "ubuntu-24.04",
            "inputs.index-url": self.index, "inputs.exclude-newer": "",
            "inputs.blacklist": "blacklist.txt"}

        def steps(name: str) -> list[Step]:
            return workflow_steps(os.path.join(WORKFLOWS, name))

        # The check: the project and the central repo side by side.
        workspace = os.path.join(self.tmp, "check")
        self.central(os.path.join(workspace, "requirements"))
        self.project(os.path.join(workspace, "project"),
                     "alpha>=1.0  # MIT\n")
        values["github.workspace"] = workspace
        self.run_all(steps("requirements-toolkit-check.yaml"), values,
                     workspace)
        # Validate and generate run in the central repository.
        central = self.central(os.path.join(self.tmp, "central"))
        values["github.workspace"] = central
        self.run_all(steps("requirements-toolkit-validate.yaml"), values,
                     central)
        generate = steps("requirements-toolkit-generate.yaml")
        self.assertEqual(["freeze", "combine"],
                         list(dict.fromkeys(s.job for s in generate)))
        self.run_all(generate, values, central)
        self.assertTrue(os.path.exists(os.path.join(
            central, f"freeze-{VERSION}-ubuntu-24.04.json")))
        self.assert_combined(central)

    def test_not_run_names_real_steps(self) -> None:
        everything = {(s.source, s.name) for path in glob.glob(
            os.path.join(WORKFLOWS, "*.yaml")) for s in workflow_steps(path)}
        self.assertEqual(NOT_RUN, NOT_RUN & everything)
