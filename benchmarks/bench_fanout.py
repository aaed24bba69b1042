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

"""Time of the serial step of the CI fan-out: ``generate-constraints combine``.

Run: python benchmarks/bench_fanout.py [--repeat N]

Makes one freeze artifact per Python version (3.10-3.13) and platform
(linux x86_64, linux aarch64) from the shipped upper-constraints.txt (the
pins whose markers hold for that version: the size of a real freeze of
the whole list), then times ``generate-constraints combine`` of the 4 and
of the 8 artifacts in a fresh process, side by side with a bare
``python -c pass``.  Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time

from packaging.markers import Marker

from openstack_requirements import artifact
from openstack_requirements import constraints
from openstack_requirements import fileio
from openstack_requirements import reqfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSIONS = ("3.10", "3.11", "3.12", "3.13")
PLATFORMS = ("linux x86_64", "linux aarch64")


def freezes(directory: str) -> dict[str, list[str]]:
    path = os.path.join(REPO, "upper-constraints.txt")
    doc = reqfile.parse(fileio.read_text(path), path)
    made: dict[str, list[str]] = {"4": [], "8": []}
    for platform in PLATFORMS:
        machine = platform.split()[1]
        for version in VERSIONS:
            env = {"python_version": version, "python_full_version":
                   version + ".0", "sys_platform": "linux",
                   "platform_machine": machine}
            pins = {}
            for line in doc.lines:
                req = line.req
                if req is None:
                    continue
                marker = getattr(req, "marker", None)
                if marker and not Marker(str(marker)).evaluate(env):
                    continue
                spec = str(req.specifier)
                if spec.startswith("==="):
                    pins[req.name] = spec[3:]
            freeze = constraints.Freeze(
                python_version=version, pins=tuple(
                    constraints.Pin(k, v) for k, v in pins.items()),
                python_full=version + ".0", platform=platform,
                installer="uv (benchmark)")
            out = os.path.join(directory, f"freeze-{version}-{machine}.json")
            with open(out, "w", encoding="utf-8") as f:
                f.write(artifact.dump(freeze, {"date": "2026-12-02"}))
            made["8"].append(out)
            if machine == "x86_64":
                made["4"].append(out)
    return made


def timed(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    combine = [os.path.join(os.path.dirname(sys.executable),
                            "generate-constraints"), "combine"]
    with tempfile.TemporaryDirectory() as tmp:
        made = freezes(tmp)
        pins = len(artifact.load(fileio.read_text(made["4"][0]),
                                 made["4"][0]).freeze.pins)
        bare = timed([sys.executable, "-c", "pass"], args.repeat)
        print(f"{datetime.date.today()} python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, {pins} pins per freeze, "
              f"median of {args.repeat}")
        print(f"{'run':40s} {'seconds':>8s} {'x bare':>7s}")
        print(f"{'bare python -c pass':40s} {bare:8.3f} {1:7.1f}")
        for count in ("4", "8"):
            out = os.path.join(tmp, f"upper-{count}.txt")
            seconds = timed(combine + [*made[count], "-b", os.path.join(
                REPO, "blacklist.txt"), "-o", out], args.repeat)
            lines = sum(1 for line in open(out, encoding="utf-8")
                        if line.strip() and not line.startswith("#"))
            label = f"combine {count} freezes -> {lines} lines"
            print(f"{label:40s} {seconds:8.3f} {seconds / bare:7.1f}")


if __name__ == "__main__":
    main()
