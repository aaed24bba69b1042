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

"""Synthetic projects drawn from the shipped global list, for tests and
benchmarks (``benchmarks/bench_update.py``, ``bench_tools.py``).

Each project has requirements.txt (license comments), test-requirements.txt,
doc/requirements.txt, a setup.cfg with two [extras] and a pyproject.toml
with [build-system], dependencies, optional dependencies and a dependency
group; names are drawn at random (seeded by the project's number) from
the global list minus the blacklist, 80% with a lower bound.
"""

from __future__ import annotations

import os
import random
import shutil

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def central_names(repo: str = REPO) -> list[str]:
    """The names of the global list of *repo*, minus its blacklist."""
    names = []
    with open(os.path.join(repo, "global-requirements.txt"),
              encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name = line
                for stop in "<>=!~;[ ":
                    name = name.split(stop, 1)[0]
                names.append(name)
    with open(os.path.join(repo, "blacklist.txt"), encoding="utf-8") as f:
        blacklisted = {line.strip().lower() for line in f
                       if line.strip() and not line.startswith("#")}
    return sorted(n for n in set(names) if n.lower() not in blacklisted)


def _lines(rng: random.Random, names: list[str], n: int) -> list[str]:
    out = []
    for name in rng.sample(names, n):
        low = f">={rng.randint(1, 9)}.{rng.randint(0, 20)}.0"
        out.append(name + (low if rng.random() < 0.8 else ""))
    return out


def write_project(root: str, index: int, names: list[str]) -> None:
    """Project number *index* at *root* (created)."""
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


def build(base: str, count: int, repo: str = REPO) -> tuple[str, str]:
    """*count* projects under ``BASE/pristine/openstack/projectN``.

    :returns: (source, root): ``BASE/source`` holds the global list, the
        blacklist and a projects.txt naming the projects; ``root`` is
        what ``--all``/``--root`` take.
    """
    names = central_names(repo)
    source = os.path.join(base, "source")
    os.makedirs(source)
    for name in ("global-requirements.txt", "blacklist.txt"):
        shutil.copy(os.path.join(repo, name), source)
    root = os.path.join(base, "pristine")
    with open(os.path.join(source, "projects.txt"), "w",
              encoding="utf-8") as f:
        # projects.txt is sorted; project10 sorts before project2.
        for index in sorted(range(count), key=lambda i: f"project{i}"):
            f.write(f"openstack/project{index}\n")
    for index in range(count):
        write_project(os.path.join(root, "openstack", f"project{index}"),
                      index, names)
    return source, root
