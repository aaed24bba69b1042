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

"""doc/source/tutorial.rst runs as written on examples/tutorial.

Every ``shell`` block of the page, in order, in one bash run on a copy of
the examples, against loopback indexes: a simple index of wheels made
here (generate-constraints, build-wheel-mirror) and the recorded JSON API
answers (review-requirement).  No internet.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

TUTORIAL = os.path.join(base.REPO_DIR, "doc", "source", "tutorial.rst")


def shell_blocks(text: str) -> list[str]:
    """The ``.. code-block:: shell`` blocks of an rst page, in order."""
    blocks = []
    for match in re.finditer(r"^\.\. code-block:: shell\n((?:\n|   .*\n)+)",
                             text, re.M):
        lines = [line[3:] for line in match.group(1).split("\n")
                 if not line.startswith("   :")]
        blocks.append("\n".join(lines).strip())
    return blocks


class TestTutorial(base.TestCase):
    def test_tutorial_runs_as_written(self) -> None:
        tmp = self.make_dir()
        shutil.copytree(os.path.join(base.REPO_DIR, "examples"),
                        os.path.join(tmp, "examples"))
        wheels = os.path.join(tmp, "wheels")
        os.mkdir(wheels)
        for name, version in (("idna", "3.10"), ("six", "1.17.0"),
                              ("urllib3", "2.3.0"), ("requests", "2.32.3"),
                              ("requests", "2.32.4")):
            localindex.make_wheel(wheels, name, version)
        simple = self.useFixture(localindex.FlatIndex(wheels, {}))
        json_api = self.useFixture(localindex.IndexServer())
        blocks = shell_blocks(base.read(TUTORIAL))
        self.assertGreaterEqual(len(blocks), 6)
        env = localindex.pip_env()
        env.update(PATH=os.path.dirname(sys.executable) + ":/usr/bin:/bin",
                   HOME=tmp, INDEX_URL=simple.url,
                   OPENSTACK_REQUIREMENTS_INDEX_URL=json_api.url)
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", "\n".join(blocks)], cwd=tmp,
            env=env, capture_output=True, text=True, timeout=600)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        central = os.path.join(tmp, "central")
        self.assertIn("verdict: looks fine", result.stdout)
        self.assertRegex(result.stdout, r"bumped +requests 2.32.3 -> 2.32.4")
        pins = base.read(os.path.join(central, "upper-constraints.txt"))
        for pin in ("idna===3.10", "requests===2.32.4", "six===1.17.0",
                    "urllib3===2.3.0"):
            self.assertIn(pin + "\n", pins)
        self.assertEqual(
            "idna>=3.0  # BSD\n"
            # Exclusions below the project's minimum are left out.
            "requests>=2.32.2  # Apache-2.0\n"
            "six>=1.10.0,!=1.16.1  # MIT\n",
            base.read(os.path.join(central, "projects", "org", "app",
                                   "requirements.txt")))
        self.assertTrue(os.path.isdir(os.path.join(central, "mirror",
                                                   "simple", "requests")))
        # Saturday: the floors, and the bisection's culprit with its hold.
        out = result.stdout
        self.assertIn("requirements.txt:1: idna>=3.0 cannot hold on Python",
                      out)
        self.assertIn("the smallest floor that works is >=3.10", out)
        self.assertIn("culprits:\n  requests 2.32.3 -> 2.32.4\n", out)
        self.assertIn("requests!=2.32.4  # reason=", result.stdout)
