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

"""One bisect-constraints step against a warm ``uv pip install``.

Both install the same 100 pins from a loopback index (warm uv cache):
the step also makes its venv in a throwaway directory, runs the command
(``true``) and reads the installed metadata.  Prints the median of each
and the ratio (target: a step <= 2x the install).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from openstack_requirements import interpreters
from openstack_requirements import procs
from openstack_requirements import venv
from openstack_requirements.tests import localindex  # noqa: H306

ROUNDS = 5


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        index = os.path.join(tmp, "index")
        os.mkdir(index)
        lines = []
        for i in range(100):
            localindex.make_wheel(index, f"pkg-{i:03d}", "1.0")
            lines.append(f"pkg-{i:03d}===1.0\n")
        pins = os.path.join(tmp, "pins.txt")
        with open(pins, "w", encoding="utf-8") as f:
            f.writelines(lines)
        env = interpreters.clean_env(os.environ)
        env["UV_CACHE_DIR"] = os.path.join(tmp, "cache")
        uv = interpreters.find_uv(env)
        with localindex.serve(index, {}) as url:
            options = venv.IndexOptions(index_url=url)
            plain, step = [], []
            for round_ in range(ROUNDS + 1):
                target = os.path.join(tmp, f"venv{round_}")
                subprocess.run([uv.path, "venv", "--no-config", "--quiet",
                                "--python", sys.executable, target],
                               env=env, check=True)
                started = time.monotonic()
                subprocess.run(
                    [uv.path, "pip", "install", "--no-config", "--quiet",
                     "--python", os.path.join(target, "bin", "python"),
                     *options.uv_args(), "-r", pins],
                    env=env, check=True)
                took = time.monotonic() - started
                started = time.monotonic()
                result = venv.install_and_run(
                    sys.executable, pins, (), ("true",), options,
                    os.path.join(tmp, "step.log"), env, procs.Cancel(), uv)
                assert result.code == 0 and result.failure is None
                if round_:  # the first round warms the cache
                    plain.append(took)
                    step.append(time.monotonic() - started)
    a, b = statistics.median(plain), statistics.median(step)
    print(f"warm uv pip install, 100 pins:     {a:6.2f} s (median of "
          f"{ROUNDS})")
    print(f"bisect step (venv+install+run):    {b:6.2f} s")
    print(f"ratio step / install:              {b / a:6.2f}x")


if __name__ == "__main__":
    main()
