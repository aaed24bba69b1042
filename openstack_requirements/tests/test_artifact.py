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

"""Freeze artifacts: dump, load, and every refusal, without files."""

from __future__ import annotations

import json

from openstack_requirements import artifact
from openstack_requirements import buildlog
from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements.tests import base

SOURCE = "freeze-3.12.json"
FREEZE = constraints.Freeze(
    python_version="3.12",
    pins=(constraints.Pin("Tiny.Lib", "2.0"),
          constraints.Pin("other_Pkg", "1.1")),
    python_full="3.12.1",
    platform="linux x86_64",
    installer="uv 0.9.0",
)
META = {"generator": "openstack_requirements 1.0", "date": "2026-01-01",
        "command": "generate-constraints freeze -p python3.12",
        "host": "Linux x86_64", "exclude_newer": "", "index": "PyPI",
        "requirements": "g.txt (sha256 0123456789abcdef)"}


def document(**fields: object) -> str:
    data: dict[str, object] = {
        "format": artifact.FORMAT, "python_version": "3.12",
        "python_full": "3.12.1", "platform": "linux x86_64",
        "installer": "uv 0.9.0", "method": "install",
        "pins": {"six": "1.16.0"}}
    data.update(fields)
    return json.dumps(data)


class TestDump(base.TestCase):
    def test_round_trip(self) -> None:
        text = artifact.dump(FREEZE, META)
        loaded = artifact.load(text, SOURCE)
        self.assertEqual(FREEZE, loaded.freeze)
        for key, value in META.items():
            self.assertEqual(value, loaded.meta[key])
        self.assertEqual(artifact.FORMAT, loaded.meta["format"])

    def test_document_is_sorted_json_with_a_final_newline(self) -> None:
        text = artifact.dump(FREEZE, META)
        self.assertTrue(text.endswith("}\n"))
        data = json.loads(text)
        self.assertEqual(sorted(data), list(data))
        self.assertEqual("openstack-requirements-freeze/1", data["format"])
        self.assertEqual({"Tiny.Lib": "2.0", "other_Pkg": "1.1"},
                         data["pins"])
        self.assertTrue(text.startswith('{\n  "command": "generate-'))

    def test_summary_counts_the_pins(self) -> None:
        self.assertEqual(2, artifact.summary(FREEZE)["pins"])
        self.assertEqual("3.12", artifact.summary(FREEZE)["python_version"])


class TestReport(base.TestCase):
    def test_success_with_more_fields(self) -> None:
        data = json.loads(artifact.report([FREEZE], [], output="u.txt"))
        self.assertEqual(
            {"ok": True, "failures": [], "output": "u.txt",
             "freezes": [artifact.summary(FREEZE)]}, data)

    def test_failures(self) -> None:
        failure = buildlog.Failure("3.13", "uv", "numpy", "no wheel")
        text = artifact.report([FREEZE], [failure])
        self.assertTrue(text.startswith('{\n  "failures": [\n'))
        data = json.loads(text)
        self.assertFalse(data["ok"])
        self.assertEqual([failure.as_dict()], data["failures"])
        self.assertEqual(2, data["freezes"][0]["pins"])


class TestLoad(base.TestCase):
    def test_fields_not_given_take_defaults(self) -> None:
        text = json.dumps({"format": artifact.FORMAT,
                           "python_version": "3.11", "pins": {}})
        loaded = artifact.load(text, SOURCE)
        self.assertEqual(constraints.Freeze("3.11", ()), loaded.freeze)
        self.assertEqual("install", loaded.freeze.method)

    def test_non_text_fields_are_not_meta(self) -> None:
        loaded = artifact.load(document(extra=3), SOURCE)
        self.assertNotIn("extra", loaded.meta)
        self.assertNotIn("pins", loaded.meta)

    def assertRefused(self, text: str, message: str) -> None:
        exc = self.assertRaises(errors.InputError, artifact.load, text,
                                SOURCE)
        self.assertEqual(f"{SOURCE}: {message}", str(exc))
        self.assertEqual(errors.EXIT_USAGE, exc.exit_code)

    def test_error_not_json(self) -> None:
        exc = self.assertRaises(errors.ParseError, artifact.load,
                                '{\n  "pins": {}\n  x', SOURCE)
        self.assertEqual((SOURCE, 3), (exc.source, exc.lineno))
        self.assertTrue(str(exc).startswith(
            f"{SOURCE}:3: not JSON: Expecting ',' delimiter"), str(exc))

    def test_error_not_an_artifact(self) -> None:
        message = ("not a freeze artifact (format "
                   "'openstack-requirements-freeze/1' expected); make one "
                   "with 'generate-constraints freeze'")
        self.assertRefused('{"pins": {}}', message)
        self.assertRefused("[1, 2]", message)
        self.assertRefused(document(format="openstack-requirements-freeze/2"),
                           message)

    def test_error_pins_and_version_types(self) -> None:
        message = ("'pins' must map names to versions and 'python_version' "
                   "be a string")
        self.assertRefused(document(pins=["six==1"]), message)
        self.assertRefused(document(pins={"six": 1}), message)
        self.assertRefused(document(python_version=3.12), message)

    def test_error_injected_pin(self) -> None:
        self.assertRefused(
            document(pins={"evil": "1.0;python_version<'3'\nrequests===0.1"}),
            "pin evil: \"1.0;python_version<'3'\\nrequests===0.1\" is not a "
            "version; remake the artifact with 'generate-constraints "
            "freeze'")

    def test_error_bad_names(self) -> None:
        for name in ("", "bad name", "-dash", "caf\u00e9"):
            self.assertRefused(
                document(pins={name: "1"}),
                f"pin {name!r} is not a distribution name; remake the "
                "artifact with 'generate-constraints freeze'")

    def test_error_line_break_in_a_text_field(self) -> None:
        # \u2028 and \x85 end a line for pip's reader (str.splitlines).
        for brk in ("\n", "\r", "\u2028", "\x85", "\x1b"):
            value = f"uv 0.9.0{brk}requests===0.1"
            self.assertRefused(
                document(installer=value),
                f"field 'installer' has a line break or control character "
                f"({value!r}); make the artifact again with "
                "'generate-constraints freeze'")

    def test_check_pins_accepts_what_pip_freeze_writes(self) -> None:
        artifact.check_pins(SOURCE, {"zope.interface": "7.0.1",
                                     "Tiny_Lib": "1.0.post1",
                                     "a": "2024.1rc1"})


class TestProvenance(base.TestCase):
    def test_fields_of_every_artifact_are_joined(self) -> None:
        loaded = [
            artifact.load(document(index="PyPI", exclude_newer="x"),
                          "a.json"),
            artifact.load(document(installer="uv 0.9.1", index="PyPI"),
                          "b.json"),
        ]
        self.assertEqual(constraints.Provenance(
            method="install",
            installer="uv 0.9.0, uv 0.9.1",
            exclude_newer="x",
            requirements="",
            blacklist="d.txt (sha256 0)",
            index="PyPI",
        ), artifact.provenance(loaded, blacklist="d.txt (sha256 0)"))

    def test_method_defaults_to_install(self) -> None:
        loaded = [artifact.load(json.dumps({
            "format": artifact.FORMAT, "python_version": "3.12",
            "pins": {}}), "a.json")]
        provenance = artifact.provenance(loaded, blacklist="")
        self.assertEqual(("install", ""), (provenance.method,
                                           provenance.installer))


class TestRequiresAndFiles(base.TestCase):
    def test_round_trip_and_old_artifacts_load(self) -> None:
        sha = "0" * 64
        freeze = constraints.Freeze("3.12", (
            constraints.Pin("a", "1", requires=("b>=1",), files=(
                constraints.File("https://x/a-1.whl", sha),)),
            constraints.Pin("b", "2")))
        loaded = artifact.load(artifact.dump(freeze, {}), "f.json").freeze
        self.assertEqual((("b>=1",), ()), tuple(
            p.requires for p in loaded.pins))
        self.assertEqual("https://x/a-1.whl", loaded.pins[0].files[0].url)
        old = artifact.load(artifact.dump(constraints.Freeze(
            "3.12", (constraints.Pin("a", "1"),)), {}), "old.json")
        self.assertEqual(((), ()), (old.freeze.pins[0].requires,
                                    old.freeze.pins[0].files))
        self.assertNotIn("requires", artifact.summary(freeze))

    def test_error_bad_file_url(self) -> None:
        freeze = constraints.Freeze("3.12", (constraints.Pin("a", "1", files=(
            constraints.File("https://x/a.whl", "1" * 64),)),))
        text = artifact.dump(freeze, {}).replace(
            "https://x", "javascript:x")
        exc = self.assertRaises(errors.InputError, artifact.load, text,
                                "f.json")
        self.assertIn("'files' of 'a': each must have an http(s) or file "
                      "'url'", str(exc))
