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

"""One interpreter against two, warm: wall time and the CPU it needs.

Run: python benchmarks/bench_cores.py --python PY1 --python2 PY2
         [--subset all|default|FILE] [--cache DIR] [--online]
         [--repeat N] [--settle SECONDS] [--cold]

Times ``generate-constraints --installer uv`` and the raw floor (``uv
venv`` + ``uv pip install`` + ``uv pip freeze``, in parallel per
interpreter) for one interpreter and for two, on a warm uv cache
(``--offline`` unless ``--online``), alternating, and records for each
run the wall time and the CPU time (user + system) of every process it
started.  A two-interpreter run cannot take less wall time than its CPU
time divided by the number of CPUs, so the table ends with that floor
as a ratio to the one-interpreter wall time: when it is above a target,
no scheduling of the same work meets the target on this machine.

``--settle`` waits that many seconds before each run.  On ext4 without
a journal (this development machine's root file system) a directory
created within a few minutes of many deletions makes the kernel skip
every recently freed inode of its block group (``recently_deleted()``
in fs/ext4/ialloc.c), one by one: creating the ~14,500 directories of
the shipped list's venv then costs seconds of system time instead of a
fraction of one.  Runs back to back (``--settle 0``) measure that;
``--settle 200`` measures what a job sees on a machine where nothing
was deleted in the last minutes.

Without ``--cache`` a fresh cache is filled first by one online run for
both interpreters (not timed).  ``--cold`` instead gives every run an
empty cache of its own (online; downloads and builds included).  The
machine's pip and uv configuration is switched off
(``PIP_CONFIG_FILE=/dev/null``, ``uv --no-config``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_generate  # noqa: E402

from openstack_requirements import interpreters  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(cmds: list[list[str]], env: dict[str, str]) -> tuple[float, float]:
    """Run *cmds* at once; wall seconds and CPU seconds of them all.

    RUSAGE_CHILDREN counts every descendant that was waited for, so the
    uv processes a command starts are in its figure.
    """
    cpu, start = _cpu(), time.perf_counter()
    procs = [subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
             for cmd in cmds]
    errors = [proc.communicate()[1] for proc in procs]
    wall = time.perf_counter() - start
    for proc, err in zip(procs, errors, strict=True):
        if proc.returncode != 0:
            cmd = " ".join(map(str, proc.args))
            raise SystemExit(f"failed: {cmd}\n{err[-4000:]}")
    return wall, _cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", required=True)
    parser.add_argument("--python2", required=True)
    parser.add_argument("--subset", default="all")
    parser.add_argument("--cache", help="a uv cache already warm for the "
                        "list and both interpreters")
    parser.add_argument("--online", action="store_true",
                        help="warm runs that may use the network "
                        "(default: --offline)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds to wait before each run")
    parser.add_argument("--cold", action="store_true",
                        help="an empty cache for every run (online)")
    args = parser.parse_args()
    pythons = [shutil.which(p) or p for p in (args.python, args.python2)]
    work = tempfile.mkdtemp(prefix="bench-cores-")
    try:
        reqs, count = bench_generate.subset_file(args.subset, work)
        env = bench_generate.base_env(os.path.join(work, "cache"))
        if args.cache:
            env["UV_CACHE_DIR"] = os.path.abspath(args.cache)
        tool = [sys.executable, "-c",
                f"import sys; sys.path.insert(0, {REPO!r}); "
                "from openstack_requirements.cmds.generate import main; "
                "sys.exit(main())", "-r", reqs, "-o", os.devnull]
        uv = interpreters.find_uv(env).path
        offline = [] if args.online or args.cold else ["--offline"]
        if not args.cache and not args.cold:
            print("filling a fresh cache (not timed) ...", flush=True)
            measure([[*tool, "-p", pythons[0], "-p", pythons[1]]], env)

        def ours(n: int) -> list[list[str]]:
            cmd = list(tool) + offline
            for python in pythons[:n]:
                cmd += ["-p", python]
            return [cmd]

        def raw(n: int) -> list[list[str]]:
            cmds = []
            for i, python in enumerate(pythons[:n]):
                path = os.path.join(work, f"raw{i}")
                flag = " ".join(offline)
                q = {k: shlex.quote(v) for k, v in (
                    ("uv", uv), ("python", python), ("path", path),
                    ("reqs", reqs))}
                cmds.append(["sh", "-c",
                             f"{q['uv']} venv --no-config -q -p "
                             f"{q['python']} {q['path']} "
                             f"&& {q['uv']} pip install --no-config {flag} "
                             f"-q -p {q['path']} -r {q['reqs']} "
                             f"&& {q['uv']} pip freeze --no-config "
                             f"-p {q['path']} && rm -rf {q['path']}"])
            return cmds

        plan = [("generate-constraints", ours), ("raw uv + rm -rf", raw)]
        now = datetime.datetime.now(datetime.timezone.utc)
        print(f"{count} requirements; "
              f"{len(os.sched_getaffinity(0))} CPUs; "
              f"{now:%Y-%m-%d %H:%M} UTC; "
              f"{'cold' if args.cold else 'warm'}, "
              f"{'offline' if offline else 'online'}; "
              f"settle {args.settle:g} s", flush=True)
        runs: dict[tuple[str, int], list[tuple[float, float]]] = {}
        for _ in range(args.repeat):
            for label, make in plan:
                for n in (1, 2):
                    if args.settle:
                        time.sleep(args.settle)
                    if args.cold:
                        cold = tempfile.mkdtemp(dir=work)
                        env["UV_CACHE_DIR"] = cold
                    wall, cpu = measure(make(n), env)
                    if args.cold:
                        shutil.rmtree(cold)
                    runs.setdefault((label, n), []).append((wall, cpu))
                    print(f"  {label:<22} {n} python(s): wall {wall:6.2f} s"
                          f"  cpu {cpu:6.2f} s  ({cpu / wall:.2f} cores)",
                          flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cpus = len(os.sched_getaffinity(0))  # CPUs this process may use
    print()
    print(f"medians of {args.repeat}        wall 1   cpu 1   wall 2   "
          f"cpu 2   2/1   floor 2/1 on {cpus} CPUs")
    for label, _ in plan:
        one, two = runs[(label, 1)], runs[(label, 2)]
        w1 = statistics.median(w for w, _ in one)
        c1 = statistics.median(c for _, c in one)
        w2 = statistics.median(w for w, _ in two)
        c2 = statistics.median(c for _, c in two)
        floor = c2 / cpus / w1
        print(f"{label:<24} {w1:7.2f} {c1:7.2f} {w2:8.2f} {c2:7.2f} "
              f"{w2 / w1:5.2f} {floor:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
