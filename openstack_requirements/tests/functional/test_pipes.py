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

"""A reader that goes away is not a pass: exit 141, no traceback."""

import os
import subprocess
import sys

from openstack_requirements.tests import base


class TestClosedPipe(base.TestCase):
    def test_closed_stdout_exits_141_quietly(self) -> None:
        path = os.path.join(self.make_dir(), "big.txt")
        with open(path, "w", encoding="utf-8") as f:
            for i in range(100000):
                f.write(f"pkg{i}>=1.0  # MIT\n")
        code = ("import sys; from openstack_requirements.cmds import "
                "normalize; sys.exit(normalize.main(sys.argv[1:]))")
        proc = subprocess.Popen(
            [sys.executable, "-c", code, path], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=self.child_env(),
            cwd=self.make_dir())
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader goes away at once
        err = proc.stderr.read().decode()
        self.assertEqual(141, proc.wait())
        self.assertEqual("", err)
