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

"""Time ``update-requirements --all`` over 200 synthetic projects.

Run: python benchmarks/bench_update.py [--projects N] [--runs N]
Target (issue #3): under 5 s for 200 projects on the 2-core development
machine.  Each project has requirements.txt, test-requirements.txt,
doc/requirements.txt, a setup.cfg with [extras] and a pyproject.toml with
dependencies, optional dependencies and dependency groups, drawn from the
shipped global-requirements.txt.  Three runs are timed, each in a fresh
process: the first sync of unsynced copies (every file rewritten), a
second sync of the result (nothing to change) and a --dry-run of
unsynced copies (diffs printed).  A bare ``python -c pass`` is timed for
comparison.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_S = 5.0


def _central_names() -> list[str]:
    names = []
    with open(os.path.join(REPO, "global-requirements.txt"),
              encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name = line
                for stop in "<>=!~;[ ":
                    name = name.split(stop, 1)[0]
                names.append(name)
    return sorted(set(names))


def _lines(rng: random.Random, names: list[str], n: int) -> list[str]:
    out = []
    for name in rng.sample(names, n):
        low = f">={rng.randint(1, 9)}.{rng.randint(0, 20)}.0"
        out.append(name + (low if rng.random() < 0.8 else ""))
    return out


def _project(root: str, index: int, names: list[str]) -> None:
    rng = random.Random(index)
    os.makedirs(os.path.join(root, "doc"))

    def write(rel: str, text: str) -> None:
        with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
            f.write(text)

    write("requirements.txt", "# runtime\n" + "".join(
        line + "  # Apache-2.0\n" for line in _lines(rng, names, 12)))
    write("test-requirements.txt", "".join(
        line + "\n" for line in _lines(rng, names, 6)))
    write("doc/requirements.txt", "".join(
        line + "\n" for line in _lines(rng, names, 3)))
    extras = "".join(
        f"{extra} =\n" + "".join(f"  {line}\n"
                                 for line in _lines(rng, names, 3))
        for extra in ("db", "cache"))
    write("setup.cfg", f"[metadata]\nname = project{index}\n\n[files]\n"
          f"packages =\n    project{index}\n\n[extras]\n{extras}\n"
          "[entry_points]\nconsole_scripts =\n"
          f"    project{index} = project{index}.cmd:main\n")

    def array(n: int) -> str:
        return "[\n" + "".join(f'    "{line}",\n'
                               for line in _lines(rng, names, n)) + "]"

    write("pyproject.toml",
          '[build-system]\nrequires = ["pbr>=6.0.0"]\n'
          'build-backend = "pbr.build"\n\n'
          f'[project]\nname = "project{index}"\ndynamic = ["version"]\n'
          f"dependencies = {array(5)}\n\n"
          f"[project.optional-dependencies]\nmysql = {array(2)}\n\n"
          f"[dependency-groups]\ntest = {array(4)}\n")


def _build(base: str, count: int) -> tuple[str, str]:
    names = _central_names()
    source = os.path.join(base, "source")
    os.makedirs(source)
    for name in ("global-requirements.txt", "blacklist.txt"):
        shutil.copy(os.path.join(REPO, name), source)
    blacklisted = set()
    with open(os.path.join(REPO, "blacklist.txt"), encoding="utf-8") as f:
        blacklisted = {line.strip().lower() for line in f
                       if line.strip() and not line.startswith("#")}
    names = [n for n in names if n.lower() not in blacklisted]
    root = os.path.join(base, "pristine")
    with open(os.path.join(source, "projects.txt"), "w",
              encoding="utf-8") as f:
        for index in range(count):
            f.write(f"openstack/project{index}\n")
            _project(os.path.join(root, "openstack", f"project{index}"),
                     index, names)
    return source, root


def _command() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable),
                          "update-requirements")
    if os.path.exists(script):
        return [script]
    return [sys.executable, "-c",
            "import sys; from openstack_requirements.cmds.update import "
            "main; sys.exit(main())"]


def _time(argv: list[str], ok: tuple[int, ...] = (0,)) -> float:
    t0 = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if result.returncode not in ok:
        sys.exit(f"{argv} failed ({result.returncode}):\n{result.stderr}"
                 f"{result.stdout[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"date: {datetime.date.today()}  cpus: {os.cpu_count()}  "
          f"python: {sys.version.split()[0]}  projects: {args.projects}")
    with tempfile.TemporaryDirectory() as base:
        source, pristine = _build(base, args.projects)
        files = sum(len(names) for _, _, names in os.walk(pristine))
        print(f"synthetic tree: {files} files")
        command = _command() + ["--source", source]
        first, second, dry = [], [], []
        for run in range(args.runs):
            root = os.path.join(base, f"run{run}")
            shutil.copytree(pristine, root)
            first.append(_time(command + ["--all", root]))
            second.append(_time(command + ["--all", root]))
            dry_root = os.path.join(base, f"dry{run}")
            shutil.copytree(pristine, dry_root)
            dry.append(_time(command + ["--all", dry_root, "--dry-run"],
                             ok=(0, 1)))
        bare = statistics.median(
            _time([sys.executable, "-c", "pass"]) for _ in range(10))
    rows = [("--all, first sync (all files rewritten)", first),
            ("--all, second sync (nothing to change)", second),
            ("--all --dry-run (diffs printed)", dry)]
    for label, times in rows:
        median = statistics.median(times)
        print(f"{label:42} median {median:6.2f} s   "
              f"per project {median / args.projects * 1000:5.1f} ms   "
              f"vs target {TARGET_S:.0f} s: {median / TARGET_S:4.2f}x   "
              f"vs bare python: {median / bare:5.1f}x")
    print(f"bare 'python -c pass' median {bare * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
