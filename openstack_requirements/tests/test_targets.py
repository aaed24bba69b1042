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


class TestTarget(base.TestCase):
    """An Interpreter for a Python version and platform, not probed."""

    def test_this_machine_as_a_target_has_its_tags_and_markers(self) -> None:
        import sys

        from packaging import markers
        from packaging import tags

        own = f"{sys.version_info[0]}.{sys.version_info[1]}"
        if sys.implementation.name != "cpython" or hasattr(
                sys, "gettotalrefcount"):
            self.skipTest("needs a release build of CPython")
        host = [str(p) for p in tags.platform_tags()]
        found = targets.target(own, host)
        self.assertEqual(tuple(str(t) for t in tags.sys_tags()), found.tags)
        real = markers.default_environment()
        for key in ("python_version", "sys_platform", "platform_machine",
                    "platform_system", "os_name", "implementation_name",
                    "platform_python_implementation"):
            self.assertEqual(real[key], found.env[key], key)  # type: ignore
        self.assertEqual(f"{own}.0", found.env["python_full_version"])
        self.assertTrue(found.virtual)
        # Named by its best manylinux tag, spelled out it gives the same.
        if found.platform.startswith("manylinux_"):
            spelled = targets.target(f"{own}:{found.platform}")
            self.assertEqual(found.tags, spelled.tags)
            self.assertEqual(f"--target {own}:{found.platform} ({own})",
                             spelled.label)

    def test_manylinux_chain_with_legacy_aliases(self) -> None:
        # Not x86_64: manylinux_2_17 (manylinux2014) is the oldest.
        self.assertEqual(
            ["linux_aarch64"]
            + [f"manylinux_2_{m}_aarch64" for m in range(28, 16, -1)]
            + ["manylinux2014_aarch64"],
            targets.platform_chain("manylinux_2_28_aarch64"))
        chain = targets.platform_chain("manylinux2014_x86_64")
        self.assertEqual(["linux_x86_64", "manylinux_2_17_x86_64",
                          "manylinux2014_x86_64", "manylinux_2_16_x86_64"],
                         chain[:4])
        self.assertEqual(["manylinux2010_x86_64"],
                         [p for p in chain if p.startswith("manylinux2010")])
        self.assertEqual("manylinux1_x86_64", chain[-1])
        self.assertEqual(["linux_x86_64", "musllinux_1_1_x86_64",
                          "musllinux_1_0_x86_64"],
                         targets.platform_chain("musllinux_1_1_x86_64"))
        self.assertEqual(["win_amd64", "a_b"],
                         targets.platform_chain("win_amd64,a_b"))

    def test_other_version_and_platform(self) -> None:
        found = targets.target("3.13:win_amd64")
        self.assertEqual(("cp313-cp313-win_amd64", "cp313-abi3-win_amd64"),
                         found.tags[:2])
        self.assertIn("py3-none-any", found.tags)
        self.assertNotIn("cp312-cp312-win_amd64", found.tags)
        self.assertEqual(
            {"python_version": "3.13", "python_full_version": "3.13.0",
             "sys_platform": "win32", "platform_system": "Windows",
             "os_name": "nt", "platform_machine": "AMD64"},
            {k: found.env[k] for k in (
                "python_version", "python_full_version", "sys_platform",
                "platform_system", "os_name", "platform_machine")})
        mac = targets.target("3.12:macosx_11_0_arm64")
        self.assertEqual(("darwin", "arm64"), (mac.env["sys_platform"],
                                               mac.env["platform_machine"]))
        self.assertEqual("cp312-cp312-macosx_11_0_arm64", mac.tags[0])
        self.assertEqual("aarch64-apple-darwin",
                         targets.uv_platform(mac.platform))
        self.assertEqual("x86_64-manylinux_2_17",
                         targets.uv_platform("manylinux_2_24_x86_64"))
        self.assertEqual("x86_64-manylinux_2_28",
                         targets.uv_platform("manylinux_2_28_x86_64"))

    def test_bad_specs(self) -> None:
        for spec, message in (
                ("3.x", "give a Python version as 3.Y"),
                ("2.7:win_amd64", "give a Python version as 3.Y"),
                ("3.13:sunos_sparc", "unknown platform tag 'sunos_sparc'"),
                ("3.13", "give the platform")):
            with self.subTest(spec):
                self.assertRaisesRegex(ValueError, message, targets.target,
                                       spec)
