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

"""The one Interpreter value and the order of Python versions."""

from __future__ import annotations

from openstack_requirements import targets
from openstack_requirements.tests import base


def interpreter(**env: str) -> targets.Interpreter:
    return targets.Interpreter(
        "/usr/bin/python3.12", "3.12", "3.12.1", "cpython", "linux x86_64",
        env=dict({"python_version": "3.12"}, **env),
        tags=("cp312-cp312-manylinux_2_17_x86_64", "py3-none-any"))


class TestInterpreter(base.TestCase):
    def test_label_names_path_and_version(self) -> None:
        self.assertEqual("/usr/bin/python3.12 (3.12)", interpreter().label)

    def test_equal_values_hash_alike(self) -> None:
        # The marker environment is a dict: compared, but not hashed.
        self.assertEqual(interpreter(), interpreter())
        self.assertEqual(1, len({interpreter(), interpreter()}))
        self.assertNotEqual(interpreter(), interpreter(os_name="nt"))

    def test_only_path_and_version_are_required(self) -> None:
        bare = targets.Interpreter("python3.12", "3.12")
        self.assertEqual(("", "", "", {}, ()),
                         (bare.python_full, bare.implementation,
                          bare.platform, bare.env, bare.tags))


class TestPythonKey(base.TestCase):
    def test_minor_versions_sort_as_numbers(self) -> None:
        self.assertEqual(
            ["3.9", "3.10", "3.11", "3.12.1", "4.0"],
            sorted(["3.12.1", "3.10", "4.0", "3.9", "3.11"],
                   key=targets.python_key))

    def test_error_not_a_version(self) -> None:
        self.assertRaises(ValueError, targets.python_key, "3.x")
