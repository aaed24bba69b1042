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

from __future__ import annotations

import tomlkit

from openstack_requirements import companions
from openstack_requirements import constraints as c
from openstack_requirements import errors
from openstack_requirements.tests import base

SHA = "ab" * 32


def _freeze(version: str, lib: str, files: bool = True) -> c.Freeze:
    def pin(name: str, ver: str) -> c.Pin:
        made = (c.File(f"https://x/{name}-{ver}-py3-none-any.whl", SHA),)
        return c.Pin(name, ver, files=made if files else ())

    return c.Freeze(version, (pin("Tiny.Lib", lib), pin("other", "1.1")),
                    python_full=f"{version}.1", platform="linux x86_64")


FREEZES = [_freeze("3.11", "1.0"), _freeze("3.12", "2.0")]
MADE = c.generate(FREEZES, c.Provenance("install", "uv"), how=c.Order.NAME)


class TestCompanions(base.TestCase):
    def test_equals_keeps_header_and_markers(self) -> None:
        text = companions.equals_text(MADE)
        self.assertTrue(text.startswith(c.SECURITY_WARNING))
        self.assertTrue(text.endswith(
            "other==1.1\n"
            "Tiny.Lib==1.0; python_version=='3.11'\n"
            "Tiny.Lib==2.0; python_version=='3.12'\n"))

    def test_uv_fragment(self) -> None:
        data = tomlkit.parse(companions.uv_fragment(MADE)).unwrap()
        self.assertEqual({"tool": {"uv": {"constraint-dependencies": [
            "other==1.1", "Tiny.Lib==1.0; python_version=='3.11'",
            "Tiny.Lib==2.0; python_version=='3.12'"]}}}, data)

    def test_pylock_per_version_with_files(self) -> None:
        made = companions.make(MADE, FREEZES)
        self.assertEqual(
            ["pylock.py311-linux-x86_64.toml",
             "pylock.py312-linux-x86_64.toml", "upper-constraints.eq.txt",
             "uv-constraints.toml"], sorted(made.files))
        lock = tomlkit.parse(
            made.files["pylock.py312-linux-x86_64.toml"]).unwrap()
        self.assertEqual("1.0", lock["lock-version"])
        self.assertEqual(["python_version == '3.12' and sys_platform == "
                          "'linux' and platform_machine == 'x86_64'"],
                         lock["environments"])
        self.assertEqual([("other", "1.1"), ("tiny-lib", "2.0")],
                         [(p["name"], p["version"])
                          for p in lock["packages"]])
        self.assertEqual({"name": "Tiny.Lib-2.0-py3-none-any.whl",
                          "url": "https://x/Tiny.Lib-2.0-py3-none-any.whl",
                          "hashes": {"sha256": SHA}},
                         lock["packages"][1]["wheels"][0])

    def test_no_files_no_pylock(self) -> None:
        freezes = [_freeze("3.12", "2.0", files=False)]
        made = companions.make(c.generate(freezes, c.Provenance("i", "u")),
                               freezes)
        self.assertNotIn("pylock.py312-linux-x86_64.toml", made.files)
        self.assertIn("pylock.py312-linux-x86_64.toml not written",
                      made.notes[0])

    def test_read_uv_pylock(self) -> None:
        found = companions.read_uv_pylock(
            '[[packages]]\nname = "a"\nversion = "1"\n'
            'sdist = { url = "https://x/a-1.tar.gz", hashes = { sha256 = '
            f'"{SHA}" }} }}\n', "uv")
        self.assertEqual(
            {"a": ("1", (c.File("https://x/a-1.tar.gz", SHA, "sdist"),))},
            found)

    def test_error_read_uv_pylock_not_toml(self) -> None:
        self.assertRaises(errors.ParseError, companions.read_uv_pylock,
                          "[[packages", "uv")

    def test_toml_strings_survive_anything(self) -> None:
        value = 'a"b\\c\n\x7f\u2028\u00e9\U0001f600'
        self.assertEqual({"k": value}, tomlkit.parse(
            "k = " + companions._toml(value) + "\n").unwrap())
