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

"""Mirror the shipped upper-constraints for one interpreter: cold, warm,
size on disk.

Run: python benchmarks/bench_mirror.py [--every N] [-p PYTHON] [--jobs N]

Needs the public index (PyPI).  By default every pin of the shipped
upper-constraints.txt is mirrored (about two minutes and 430 MiB on the
2-core development machine); ``--every N`` takes every Nth pin (by line)
for a quicker run.  Pins whose sdist needs C headers the machine lacks
fail to build and are listed.  Cold is an empty mirror
and an empty uv cache; warm is the same command again on the mirror it
made (nothing to fetch).  check-mirror --verify-hashes on the result is
timed too.  Figures are printed side by side with their ratio.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = ("import sys\nfrom openstack_requirements.cmds import {0}\n"
       "sys.exit({0}.main(sys.argv[1:]))\n")


def _names(every: int) -> list[str]:
    path = os.path.join(REPO, "upper-constraints.txt")
    with open(path, encoding="utf-8") as f:
        lines = [line.split("===")[0] for line in f
                 if "===" in line and not line.startswith("#")]
    names = []
    for name in lines[::every]:
        if name not in names:
            names.append(name)
    return names


def _size(root: str) -> tuple[int, int]:
    total = count = 0
    for directory, _, files in os.walk(os.path.join(root, "packages")):
        for name in files:
            total += os.path.getsize(os.path.join(directory, name))
            count += 1
    return total, count


def _run(module: str, argv: list[str], env: dict[str, str]
         ) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", RUN.format(module), *argv],
        capture_output=True, text=True, cwd=REPO, env=env)
    return (time.perf_counter() - t0, result.returncode,
            result.stdout + result.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1,
                        help="take every Nth pin (1: all of them)")
    parser.add_argument("-p", "--python", default=sys.executable)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--keep", metavar="DIR",
                        help="build the mirror here and keep it")
    args = parser.parse_args()
    names = _names(args.every)
    work = tempfile.mkdtemp(prefix="bench-mirror-")
    out = args.keep or os.path.join(work, "mirror")
    subset = os.path.join(work, "subset-constraints.txt")
    with open(os.path.join(REPO, "upper-constraints.txt"),
              encoding="utf-8") as f, open(subset, "w",
                                           encoding="utf-8") as g:
        g.write("".join(line for line in f
                        if line.split("===")[0] in names))
    env = dict(os.environ, UV_CACHE_DIR=os.path.join(work, "uv-cache"))
    argv = ["-c", subset, "-p", args.python, "-o", out,
            "--jobs", str(args.jobs)]
    now = datetime.datetime.now(datetime.timezone.utc)
    print(f"date: {now:%Y-%m-%d %H:%M} UTC  cpus: {os.cpu_count()}  "
          f"python: {args.python}  "
          f"pins: {len(names)} names ("
          f"{'all' if args.every == 1 else f'every {args.every}th'})  "
          f"jobs: {args.jobs}")
    cold, code, text = _run("build_mirror", argv, env)
    summary = re.findall(r"^.*: \d+ pins: .*$", text, re.M)
    problems = [line for line in text.splitlines()
                if " failed for " in line or " has no file " in line]
    size, files = _size(out)
    warm, warm_code, warm_text = _run("build_mirror", argv, env)
    warm_summary = re.findall(r"^.*: \d+ pins: .*$", warm_text, re.M)
    # A run retries failed builds; without those pins a warm run is a
    # pure no-op (no network, no build, no hashing).
    failed = set(re.findall(r"^\S+: (\S+)===\S+ failed for ", text, re.M))
    served = os.path.join(work, "served-constraints.txt")
    with open(subset, encoding="utf-8") as f, open(
            served, "w", encoding="utf-8") as g:
        g.write("".join(line for line in f
                        if line.split("===")[0] not in failed))
    noop, noop_code, noop_text = _run(
        "build_mirror", ["-c", served, *argv[2:]], env)
    noop_summary = re.findall(r"^.*: \d+ pins: .*$", noop_text, re.M)
    check, check_code, check_text = _run(
        "check_mirror", ["-c", subset, "-p", args.python, "--mirror", out,
                         "--verify-hashes"], env)
    # The installability proof (presence, sizes, the Requires-Dist walk
    # and, when nothing is missing, uv's resolve against the mirror
    # alone) on the pins that were mirrored; the second run is warm.
    proof_argv = ["-c", served, "-p", args.python, "--mirror", out]
    _run("check_mirror", proof_argv, env)
    proof, proof_code, proof_text = _run("check_mirror", proof_argv, env)
    proof_lines = proof_text.strip().splitlines()
    print(f"cold build  : {cold:8.1f} s  exit {code}  "
          f"{summary[-1] if summary else text[-300:]}")
    print(f"warm rerun  : {warm:8.1f} s  exit {warm_code}  "
          f"{warm_summary[-1] if warm_summary else warm_text[-300:]}")
    print(f"warm, no failed pins: {noop:5.1f} s  exit {noop_code}  "
          f"{noop_summary[-1] if noop_summary else noop_text[-300:]}")
    print(f"cold / warm : {cold / warm:8.1f} x   cold / warm without "
          f"failed pins: {cold / noop:.1f} x")
    print(f"size on disk: {size / 2**20:8.1f} MiB in {files} files")
    print(f"check-mirror: {check:8.1f} s  exit {check_code}  (the subset, "
          f"--verify-hashes) {check_text.strip().splitlines()[-1]}")
    print(f"check-mirror installability proof, warm: {proof:5.2f} s  exit "
          f"{proof_code}  (pins mirrored) "
          f"{proof_lines[-1] if proof_lines else ''}")
    for line in proof_lines[:-1][:20]:
        print("  proof: " + line[:200])
    for line in problems:
        print("  " + line)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
