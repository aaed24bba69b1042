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

"""The pure combine step: freezes -> markers, blacklist, map, order."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import textwrap

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from packaging.markers import Marker

from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import policy
from openstack_requirements import reqfile
from openstack_requirements.tests import base
from openstack_requirements.tests import strategies

Pin = constraints.Pin


def freeze(version: str, text: str) -> constraints.Freeze:
    return constraints.Freeze(version, constraints.parse_freeze(text))


def rendered(lines: tuple[constraints.Constraint, ...]) -> list[str]:
    return [line.render() for line in lines]


def uc(text: str) -> reqfile.RequirementsFile:
    return reqfile.parse(textwrap.dedent(text), "upper-constraints.txt")


class TestPins(base.TestCase):
    def test_pins_with_markers_and_lines(self) -> None:
        pins = constraints.pins(uc("""\
            # comment

            six===1.16.0
            numpy===1.26.4;python_version=='3.9'
            """))
        self.assertEqual(
            [constraints.Pin("six", "1.16.0", "", "upper-constraints.txt", 3),
             constraints.Pin("numpy", "1.26.4", "python_version=='3.9'",
                             "upper-constraints.txt", 4)], pins)

    def test_error_not_a_pin(self) -> None:
        exc = self.assertRaises(errors.ParseError, constraints.pins,
                                uc("six===1.0\nfoo>=1.0\n"))
        self.assertEqual(
            "upper-constraints.txt:2: expected 'name===version[;marker]'; "
            "a mirror is built from exact pins only\n    foo>=1.0",
            str(exc))

    def test_error_invalid_line(self) -> None:
        exc = self.assertRaises(errors.ParseError, constraints.pins,
                                uc("six===1;python_version==\n"))
        self.assertEqual(1, exc.lineno)

    def test_lenient_skips_what_is_not_a_pin(self) -> None:
        self.assertEqual(
            ["six===1.0"],
            [str(p) for p in constraints.pins(
                uc("six===1.0\nfoo>=1.0\n"), strict=False)])

    def test_versions_by_name(self) -> None:
        upper = reqfile.parse("Six===1.16.0\nsix===1.17.0;python_version>"
                              "'3.12'\noslo.config===9.0.0\n", "u")
        self.assertEqual({"six": ("1.16.0", "1.17.0"),
                          "oslo-config": ("9.0.0",)},
                         constraints.versions_by_name(upper))
        self.assertEqual({}, constraints.versions_by_name(None))

    def test_freeze_pin_has_no_place(self) -> None:
        pin = constraints.Pin("Six", "1.0")
        self.assertEqual(("six", "", "", 0),
                         (pin.canonical, pin.marker, pin.source, pin.lineno))
        self.assertEqual("Six===1.0", str(pin))


class TestParseFreeze(base.TestCase):
    def test_pins_comments_and_blanks(self) -> None:
        text = "# a comment\n\nSix==1.16.0\noslo.config===9.1.0\r\n"
        self.assertEqual(
            (Pin("Six", "1.16.0"), Pin("oslo.config", "9.1.0")),
            constraints.parse_freeze(text))

    def test_error_editable(self) -> None:
        exc = self.assertRaises(
            errors.ParseError, constraints.parse_freeze,
            "six==1.0\n-e git+https://x/y#egg=y\n", "freeze")
        self.assertEqual(
            "freeze:2: an editable or URL install cannot be pinned by "
            "version; install released distributions only\n"
            "    -e git+https://x/y#egg=y", str(exc))

    def test_error_url(self) -> None:
        exc = self.assertRaises(
            errors.ParseError, constraints.parse_freeze,
            "foo @ file:///tmp/foo.whl\n", "freeze")
        self.assertEqual(1, exc.lineno)

    def test_error_not_a_pin(self) -> None:
        exc = self.assertRaises(
            errors.ParseError, constraints.parse_freeze,
            "six>=1.0\n", "freeze")
        self.assertEqual(
            "freeze:1: expected 'name==version'\n    six>=1.0", str(exc))


LINUX = {"sys_platform": "linux", "platform_system": "Linux",
         "platform_machine": "x86_64", "os_name": "posix",
         "implementation_name": "cpython",
         "platform_python_implementation": "CPython",
         "platform_release": "", "platform_version": ""}


class TestSplitUniversal(base.TestCase):
    TEXT = textwrap.dedent("""\
        # a universal resolve
        async-timeout==5.0.1 ; python_full_version < '3.11.3'
        colorama==0.4.6 ; sys_platform == 'win32'
        numpy==2.2.6 ; python_full_version < '3.11'
        numpy==2.3.5 ; python_full_version >= '3.11'
        six==1.17.0
        """)

    def pins(self, version: str) -> dict[str, str]:
        split = constraints.split_universal(self.TEXT, [version], LINUX)
        return {pin.name: pin.version for pin in split[version]}

    def test_each_version_gets_the_lines_whose_markers_hold(self) -> None:
        self.assertEqual({"async-timeout": "5.0.1", "numpy": "2.2.6",
                          "six": "1.17.0"}, self.pins("3.10"))
        self.assertEqual({"numpy": "2.3.5", "six": "1.17.0"},
                         self.pins("3.12"))

    def test_x_y_is_x_y_0_like_uv_python_version(self) -> None:
        # uv pip compile --python-version 3.11 resolves for 3.11.0.
        self.assertEqual({"async-timeout": "5.0.1", "numpy": "2.3.5",
                          "six": "1.17.0"}, self.pins("3.11"))

    def test_platform_markers_use_the_given_environment(self) -> None:
        windows = dict(LINUX, sys_platform="win32", os_name="nt")
        split = constraints.split_universal(self.TEXT, ["3.12"], windows)
        self.assertIn(Pin("colorama", "0.4.6"), split["3.12"])

    def test_error_two_versions_of_one_name(self) -> None:
        exc = self.assertRaises(
            errors.ToolError, constraints.split_universal,
            "six==1.0\nSix==2.0 ; python_version >= '3.10'\n", ["3.12"],
            LINUX, "compile")
        self.assertEqual("compile:2: Six is pinned twice for Python 3.12 "
                         "(1.0 and 2.0)", str(exc))

    def test_error_not_a_pin(self) -> None:
        exc = self.assertRaises(
            errors.ParseError, constraints.split_universal,
            "six==1.0\nfoo @ https://x/foo.whl\n", ["3.12"], LINUX,
            "compile")
        self.assertEqual(2, exc.lineno)
        self.assertIn("expected 'name==version ; marker'", str(exc))

    def test_error_bad_marker(self) -> None:
        exc = self.assertRaises(
            errors.ParseError, constraints.split_universal,
            "six==1.0 ; python_version >>> '3'\n", ["3.12"], LINUX,
            "compile")
        self.assertEqual(1, exc.lineno)
        self.assertIn("bad marker", str(exc))


class TestCombine(base.TestCase):
    def test_same_version_everywhere_is_one_unmarked_line(self) -> None:
        result = constraints.combine([
            freeze("3.11", "six==1.16.0\n"),
            freeze("3.12", "six==1.16.0\n"),
        ])
        self.assertEqual(["six===1.16.0"], rendered(result))

    def test_single_interpreter_gets_equal_markers(self) -> None:
        result = constraints.combine([
            freeze("3.11", "six==1.0\n"),
            freeze("3.12", "six==2.0\n"),
        ])
        self.assertEqual([
            "six===1.0;python_version=='3.11'",
            "six===2.0;python_version=='3.12'",
        ], rendered(result))

    def test_ranges_at_both_ends(self) -> None:
        result = constraints.combine([
            freeze("3.10", "numpy==1.26.4\n"),
            freeze("3.11", "numpy==1.26.4\n"),
            freeze("3.12", "numpy==2.1.0\n"),
            freeze("3.13", "numpy==2.1.0\n"),
        ])
        self.assertEqual([
            "numpy===1.26.4;python_version<='3.11'",
            "numpy===2.1.0;python_version>='3.12'",
        ], rendered(result))

    def test_range_in_the_middle(self) -> None:
        result = constraints.combine([
            freeze("3.10", "x==1\n"), freeze("3.11", "x==2\n"),
            freeze("3.12", "x==2\n"), freeze("3.13", "x==3\n"),
        ])
        self.assertEqual([
            "x===1;python_version=='3.10'",
            "x===2;python_version>='3.11' and python_version<='3.12'",
            "x===3;python_version=='3.13'",
        ], rendered(result))

    def test_interleaved_versions_are_single_markers(self) -> None:
        result = constraints.combine([
            freeze("3.10", "x==1\n"), freeze("3.11", "x==2\n"),
            freeze("3.12", "x==1\n"),
        ])
        self.assertEqual([
            "x===1;python_version=='3.10'",
            "x===1;python_version=='3.12'",
            "x===2;python_version=='3.11'",
        ], rendered(result))

    def test_missing_on_some_interpreters(self) -> None:
        # tomli is only installed where the stdlib lacks tomllib.
        result = constraints.combine([
            freeze("3.9", "tomli==2.0.1\nsix==1.0\n"),
            freeze("3.10", "tomli==2.0.1\nsix==1.0\n"),
            freeze("3.11", "six==1.0\n"),
        ])
        self.assertEqual([
            "six===1.0",
            "tomli===2.0.1;python_version<='3.10'",
        ], rendered(result))

    def test_python_versions_compare_as_numbers(self) -> None:
        # 3.9 < 3.10, although "3.9" > "3.10" as strings.
        result = constraints.combine([
            freeze("3.10", "x==2\n"), freeze("3.9", "x==1\n"),
            freeze("3.11", "x==2\n"),
        ])
        self.assertEqual([
            "x===1;python_version=='3.9'",
            "x===2;python_version>='3.10'",
        ], rendered(result))

    def test_package_versions_sort_as_versions(self) -> None:
        result = constraints.combine([
            freeze("3.10", "x==1.10\n"), freeze("3.11", "x==1.9\n"),
        ])
        self.assertEqual([
            "x===1.9;python_version=='3.11'",
            "x===1.10;python_version=='3.10'",
        ], rendered(result))

    def test_blacklist_is_canonicalised(self) -> None:
        result = constraints.combine(
            [freeze("3.12", "oslo.config==9.0\nFlake8==7.0\nsix==1.0\n")],
            blacklist=["Oslo_Config", "flake8"])
        self.assertEqual(["six===1.0"], rendered(result))

    def test_installer_tooling_is_left_out(self) -> None:
        text = "pip==24.0\nsetuptools==70.0\nwheel==0.43\nsix==1.0\n"
        self.assertEqual(["six===1.0"], rendered(
            constraints.combine([freeze("3.12", text)])))
        self.assertEqual(4, len(
            constraints.combine([freeze("3.12", text)], skip=())))

    def test_name_spelling_from_oldest_interpreter(self) -> None:
        result = constraints.combine([
            freeze("3.12", "pastedeploy==3.1\n"),
            freeze("3.11", "PasteDeploy==3.1\n"),
        ])
        self.assertEqual(["PasteDeploy===3.1"], rendered(result))

    def test_spellings_override(self) -> None:
        result = constraints.combine(
            [freeze("3.12", "pastedeploy==3.1\n")],
            spellings={"pastedeploy": "PasteDeploy"})
        self.assertEqual(["PasteDeploy===3.1"], rendered(result))

    def test_single_interpreter(self) -> None:
        result = constraints.combine([freeze("3.12", "b==1\na==2\n")])
        self.assertEqual(["a===2", "b===1"], rendered(result))

    def test_no_freezes(self) -> None:
        self.assertEqual((), constraints.combine([]))

    def test_error_duplicate_python(self) -> None:
        exc = self.assertRaises(errors.InputError, constraints.combine, [
            freeze("3.12", "a==1\n"), freeze("3.12", "a==2\n")])
        self.assertEqual(
            "two freezes for Python 3.12; give one interpreter per Python "
            "version", str(exc))

    def test_error_bad_python_version(self) -> None:
        exc = self.assertRaises(errors.InputError, constraints.combine, [
            freeze("3", "a==1\n")])
        self.assertEqual("Python version '3' is not major.minor", str(exc))


X86, ARM = "linux x86_64", "linux aarch64"


def on(platform: str, version: str, text: str) -> constraints.Freeze:
    return constraints.Freeze(version, constraints.parse_freeze(text),
                              platform=platform)


class TestCombinePlatforms(base.TestCase):
    def test_same_lines_everywhere_are_written_once(self) -> None:
        result = constraints.combine([
            on(X86, "3.11", "six==1.0\nx==1\n"),
            on(X86, "3.12", "six==1.0\nx==2\n"),
            on(ARM, "3.11", "six==1.0\nx==1\n"),
            on(ARM, "3.12", "six==1.0\nx==2\n"),
        ])
        self.assertEqual([
            "six===1.0",
            "x===1;python_version=='3.11'",
            "x===2;python_version=='3.12'",
        ], rendered(result))

    def test_machines_differ_platform_machine_marker(self) -> None:
        result = constraints.combine([
            on(X86, "3.11", "numpy==2.0\nsix==1.0\n"),
            on(X86, "3.12", "numpy==2.1\nsix==1.0\n"),
            on(ARM, "3.11", "numpy==2.0\nsix==1.0\n"),
            on(ARM, "3.12", "numpy==2.0\nsix==1.0\n"),
        ])
        self.assertEqual([
            "numpy===2.0;platform_machine=='aarch64'",
            "numpy===2.0;python_version=='3.11' and "
            "platform_machine=='x86_64'",
            "numpy===2.1;python_version=='3.12' and "
            "platform_machine=='x86_64'",
            "six===1.0",
        ], rendered(result))

    def test_systems_differ_sys_platform_marker(self) -> None:
        result = constraints.combine([
            on("linux x86_64", "3.12", "x==1\n"),
            on("darwin x86_64", "3.12", "x==2\n"),
        ])
        self.assertEqual([
            "x===1;sys_platform=='linux'",
            "x===2;sys_platform=='darwin'",
        ], rendered(result))

    def test_both_differ_both_markers(self) -> None:
        result = constraints.combine([
            on("linux x86_64", "3.12", "x==1\n"),
            on("linux aarch64", "3.12", "x==1\n"),
            on("darwin arm64", "3.12", "x==2\n"),
        ])
        self.assertEqual([
            "x===1;sys_platform=='linux' and platform_machine=='aarch64'",
            "x===1;sys_platform=='linux' and platform_machine=='x86_64'",
            "x===2;sys_platform=='darwin' and platform_machine=='arm64'",
        ], rendered(result))

    def test_platform_without_the_name_gets_no_line(self) -> None:
        result = constraints.combine([
            on(X86, "3.12", "six==1.0\nintel-only==1.0\n"),
            on(ARM, "3.12", "six==1.0\n"),
        ])
        self.assertEqual([
            "intel-only===1.0;platform_machine=='x86_64'",
            "six===1.0",
        ], rendered(result))

    def test_platforms_with_different_pythons_mark_every_line(
            self) -> None:
        # Same pins, but aarch64 never ran 3.11: an unmarked line would
        # claim 3.11 on aarch64 too, so each platform says its own.
        result = constraints.combine([
            on(X86, "3.11", "six==1.0\n"),
            on(X86, "3.12", "six==1.0\n"),
            on(ARM, "3.12", "six==1.0\n"),
        ])
        self.assertEqual([
            "six===1.0;platform_machine=='aarch64'",
            "six===1.0;platform_machine=='x86_64'",
        ], rendered(result))

    def test_order_is_version_then_platform(self) -> None:
        result = constraints.combine([
            on(X86, "3.10", "x==1.10\n"), on(X86, "3.11", "x==1.9\n"),
            on(ARM, "3.11", "x==1.10\n"), on(ARM, "3.10", "x==1.9\n"),
        ])
        self.assertEqual([
            "x===1.9;python_version=='3.10' and platform_machine=='aarch64'",
            "x===1.9;python_version=='3.11' and platform_machine=='x86_64'",
            "x===1.10;python_version=='3.11' and "
            "platform_machine=='aarch64'",
            "x===1.10;python_version=='3.10' and platform_machine=='x86_64'",
        ], rendered(result))

    def test_ranges_are_per_platform(self) -> None:
        result = constraints.combine([
            on(X86, "3.10", "x==1\n"), on(X86, "3.11", "x==1\n"),
            on(X86, "3.12", "x==2\n"),
            on(ARM, "3.11", "x==1\n"), on(ARM, "3.12", "x==1\n"),
        ])
        self.assertEqual([
            "x===1;platform_machine=='aarch64'",
            "x===1;python_version<='3.11' and platform_machine=='x86_64'",
            "x===2;python_version=='3.12' and platform_machine=='x86_64'",
        ], rendered(result))

    def test_one_platform_is_exactly_as_without(self) -> None:
        freezes = [freeze("3.10", "x==1\nb==1\n"),
                   freeze("3.11", "x==2\n"), freeze("3.12", "x==2\n")]
        for platform in (X86, "x86_64-unknown-linux-gnu"):
            same = [dataclasses.replace(f, platform=platform)
                    for f in freezes]
            self.assertEqual(constraints.combine(freezes),
                             constraints.combine(same))

    def test_spelling_from_oldest_interpreter_then_platform(self) -> None:
        result = constraints.combine([
            on(X86, "3.12", "pastedeploy==3.1\n"),
            on(ARM, "3.12", "PasteDeploy==3.1\n"),
        ])
        self.assertEqual(["PasteDeploy===3.1"], rendered(result))

    def test_error_two_freezes_for_one_version_and_platform(self) -> None:
        exc = self.assertRaises(errors.InputError, constraints.combine, [
            on(X86, "3.12", "a==1\n"), on(ARM, "3.12", "a==1\n"),
            on(ARM, "3.12", "a==2\n")])
        self.assertEqual(
            "two freezes for Python 3.12 on linux aarch64; give one "
            "interpreter per Python version and platform", str(exc))

    def test_error_duplicate_names_both_sources(self) -> None:
        exc = self.assertRaises(
            errors.InputError, constraints.check_freezes,
            [on(X86, "3.12", ""), on(X86, "3.12", "")], ["a.json", "b.json"])
        self.assertEqual(
            "b.json: two freezes for Python 3.12 on linux x86_64 (also "
            "a.json); give one interpreter per Python version and "
            "platform", str(exc))

    def test_error_platform_unknown_among_named_ones(self) -> None:
        exc = self.assertRaises(
            errors.InputError, constraints.check_freezes,
            [on(X86, "3.12", ""), on("", "3.11", "")], ["a.json", "b.json"])
        self.assertEqual("b.json", exc.source)
        self.assertEqual(
            "the freeze for Python 3.11 does not say its platform, the "
            "others are for 'linux x86_64'; remake it with "
            "'generate-constraints freeze --method install' (which records "
            "the platform) or combine it only with freezes made on the "
            "same machine",
            exc.msg)

    def test_error_platform_not_sys_platform_machine(self) -> None:
        exc = self.assertRaises(errors.InputError, constraints.combine, [
            on(X86, "3.12", "a==1\n"),
            on("aarch64-unknown-linux-gnu", "3.12", "a==1\n")])
        self.assertEqual(
            "the freeze for Python 3.12 on 'aarch64-unknown-linux-gnu': "
            "the platform is not 'SYS_PLATFORM MACHINE' (such as 'linux "
            "x86_64'), which freezes of several platforms need for their "
            "markers; remake it with 'generate-constraints freeze --method "
            "install' on that platform, or combine it only with freezes for "
            "the same platform", str(exc))

    def test_error_platform_that_would_inject_into_a_marker(self) -> None:
        for bad in ("linux x' or '1", "linux x86_64\n", "linux  x86_64"):
            self.assertRaises(errors.InputError, constraints.combine, [
                on(X86, "3.12", "a==1\n"), on(bad, "3.12", "")])

    def test_error_python_version_with_a_newline(self) -> None:
        # An artifact's version goes into markers: no line breaks.
        self.assertRaises(errors.InputError, constraints.combine, [
            on(X86, "3.12\n", "a==1\n")])

    def test_check_returns_the_platforms_sorted(self) -> None:
        self.assertEqual([ARM, X86], constraints.check_freezes(
            [on(X86, "3.12", ""), on(ARM, "3.12", ""),
             on(X86, "3.11", "")]))
        self.assertEqual([], constraints.check_freezes([]))

    def test_version_map_copies_each_platforms_freeze(self) -> None:
        freezes = constraints.clone_versions([
            on(X86, "3.11", "x==1\n"), on(X86, "3.12", "x==2\n"),
            on(ARM, "3.12", "x==3\n"), on(ARM, "3.13", "x==4\n"),
        ], {"3.12": ("3.13",), "3.11": ("3.10",)})
        copies = [(f.python_version, f.platform, f.copied_from)
                  for f in freezes if f.copied_from]
        # aarch64 keeps its own 3.13 and has no 3.11 to copy to 3.10.
        self.assertEqual([("3.13", X86, "3.12"), ("3.10", X86, "3.11")],
                         copies)
        self.assertEqual([
            "x===1;python_version<='3.11' and platform_machine=='x86_64'",
            "x===2;python_version>='3.12' and platform_machine=='x86_64'",
            "x===3;python_version=='3.12' and platform_machine=='aarch64'",
            "x===4;python_version=='3.13' and platform_machine=='aarch64'",
        ], rendered(constraints.combine(freezes)))

    def test_error_version_map_source_on_no_platform(self) -> None:
        exc = self.assertRaises(
            errors.InputError, constraints.clone_versions,
            [on(X86, "3.12", ""), on(ARM, "3.12", ""), on(ARM, "3.11", "")],
            {"3.10": ("3.9",)})
        self.assertEqual(
            "--version-map 3.10:...: no interpreter for Python 3.10; the "
            "interpreters are 3.11, 3.12", str(exc))

    def test_header_lists_each_version_and_platform(self) -> None:
        freezes = constraints.clone_versions([
            constraints.Freeze("3.12", (), "3.12.1", X86, "uv 0.9.0"),
            constraints.Freeze("3.12", (), "3.12.2", ARM, "uv 0.9.0"),
            constraints.Freeze("3.11", (), "3.11.9", ARM, "uv 0.9.0"),
        ], {"3.12": ("3.13",)})
        provenance = constraints.Provenance(
            method="install", installer="uv 0.9.0")
        head = constraints.header(provenance, freezes)
        self.assertEqual([
            "# python 3.11: Python 3.11.9, linux aarch64, uv 0.9.0",
            "# python 3.12: Python 3.12.2, linux aarch64, uv 0.9.0",
            "# python 3.12: Python 3.12.1, linux x86_64, uv 0.9.0",
            "# python 3.13: copy of Python 3.12 on linux aarch64 "
            "(--version-map)",
            "# python 3.13: copy of Python 3.12 on linux x86_64 "
            "(--version-map)",
        ], [line for line in head.splitlines()
            if line.startswith("# python ")])


class TestVersionMap(base.TestCase):
    def test_parse(self) -> None:
        self.assertEqual(
            {"3.11": ("3.12", "3.13"), "3.9": ("3.8",)},
            constraints.parse_version_map(
                ["3.11:3.12", "3.9:3.8", "3.11:3.13", "3.11:3.12"]))

    def test_error_not_a_pair(self) -> None:
        exc = self.assertRaises(
            errors.InputError, constraints.parse_version_map, ["3.11"])
        self.assertEqual(
            "--version-map '3.11': expected SRC:DST with two major.minor "
            "versions, e.g. 3.11:3.12", str(exc))

    def test_error_same_version(self) -> None:
        self.assertRaises(
            errors.InputError, constraints.parse_version_map, ["3.11:3.11"])

    def test_clone_duplicates_freeze(self) -> None:
        freezes = constraints.clone_versions(
            [freeze("3.11", "x==1\n"), freeze("3.12", "x==2\n")],
            {"3.12": ("3.13",)})
        self.assertEqual(["3.11", "3.12", "3.13"],
                         [f.python_version for f in freezes])
        self.assertEqual("3.12", freezes[2].copied_from)
        self.assertEqual([
            "x===1;python_version=='3.11'",
            "x===2;python_version>='3.12'",
        ], rendered(constraints.combine(freezes)))

    def test_clone_keeps_a_real_freeze(self) -> None:
        freezes = constraints.clone_versions(
            [freeze("3.11", "x==1\n"), freeze("3.12", "x==2\n")],
            {"3.11": ("3.12",)})
        self.assertEqual(2, len(freezes))
        self.assertEqual("", freezes[1].copied_from)

    def test_error_clone_from_missing_interpreter(self) -> None:
        exc = self.assertRaises(
            errors.InputError, constraints.clone_versions,
            [freeze("3.11", "x==1\n")], {"3.10": ("3.9",)})
        self.assertEqual(
            "--version-map 3.10:...: no interpreter for Python 3.10; the "
            "interpreters are 3.11", str(exc))


class TestOrder(base.TestCase):
    def test_hash_order_is_sha1_of_the_name(self) -> None:
        lines = constraints.combine([freeze(
            "3.12", "oslo.config==1\noslo.db==1\noslo.log==1\nsix==1\n")])
        ordered = constraints.order(lines, constraints.Order.HASH)
        keys = [hashlib.sha1(c.name.encode()).digest() for c in ordered]
        self.assertEqual(sorted(keys), keys)

    def test_hash_order_is_stable_within_a_name(self) -> None:
        lines = constraints.combine([
            freeze("3.10", "x==3\n"), freeze("3.11", "x==2\n"),
            freeze("3.12", "x==1\n")])
        ordered = constraints.order(lines, constraints.Order.HASH)
        self.assertEqual(list(lines), ordered)

    def test_name_order(self) -> None:
        lines = constraints.combine([freeze(
            "3.12", "Zebra==1\napple==1\nMango==1\n")])
        self.assertEqual(
            ["apple===1", "Mango===1", "Zebra===1"],
            rendered(tuple(constraints.order(lines, constraints.Order.NAME))))

    def test_reference_file_is_in_hash_order(self) -> None:
        # The published file, regenerated from its own pins, keeps its
        # exact order: our hash order is the reference's.
        path = base.repo_file("upper-constraints.txt")
        doc = reqfile.parse(base.read(path), path)
        pins = [Pin(line.req.name, line.req.specifier.lstrip("="))
                for line in doc.requirements() if line.req is not None]
        ordered = constraints.order(constraints.combine(
            [constraints.Freeze("3.12", tuple(pins))], skip=()))
        self.assertEqual(
            [line.text for line in doc.requirements()],
            [c.render() for c in ordered])


class TestRender(base.TestCase):
    def provenance(self) -> constraints.Provenance:
        return constraints.Provenance(
            method="install",
            installer="uv 0.9.0", exclude_newer="2026-11-01",
            requirements="g.txt (sha256 0123)", blacklist="b.txt",
            index="https://pypi.org/simple")

    def test_header_records_how_the_file_was_made(self) -> None:
        freezes = [
            constraints.Freeze("3.12", (), "3.12.1", "linux x86_64",
                               "uv 0.9.0"),
            constraints.Freeze("3.13", (), copied_from="3.12"),
        ]
        head = constraints.header(self.provenance(), freezes)
        self.assertTrue(head.startswith(constraints.SECURITY_WARNING))
        self.assertEqual(textwrap.dedent("""\
            # Generated by generate-constraints; do not edit by hand.
            # method: install
            # installer: uv 0.9.0
            # exclude-newer: 2026-11-01
            # index: https://pypi.org/simple
            # requirements: g.txt (sha256 0123)
            # blacklist: b.txt
            # python 3.12: Python 3.12.1, linux x86_64, uv 0.9.0
            # python 3.13: copy of Python 3.12 (--version-map)
            """), head[len(constraints.SECURITY_WARNING):])

    def test_security_warning_is_the_reference_one(self) -> None:
        text = base.read(base.repo_file("upper-constraints.txt"))
        self.assertTrue(text.startswith(constraints.SECURITY_WARNING))

    def test_rendered_file_validates(self) -> None:
        lines = constraints.combine([
            freeze("3.11", "a==1\nb==2\n"), freeze("3.12", "a==1\nb==3\n")])
        text = constraints.render(
            lines, constraints.header(self.provenance(), []))
        doc = reqfile.parse(text, "u.txt")
        self.assertEqual([], policy.check_constraints(doc))
        self.assertEqual([], doc.invalid())


class TestDiff(base.TestCase):
    def test_changes(self) -> None:
        old = reqfile.parse(textwrap.dedent("""\
            # header
            six===1.15.0
            gone===1.0
            oslo.config===9.0.0
            numpy===2.0
            same===1.0
            """), "old")
        new = reqfile.parse(textwrap.dedent("""\
            six===1.16.0
            oslo.config===8.0.0
            numpy===1.26;python_version<='3.11'
            numpy===2.1;python_version>='3.12'
            same===1.0
            fresh===0.1
            """), "new")
        self.assertEqual([
            "added      fresh 0.1",
            "removed    gone 1.0",
            "changed    numpy 2.0 -> 1.26;python_version<='3.11', "
            "2.1;python_version>='3.12'",
            "downgraded oslo.config 9.0.0 -> 8.0.0",
            "bumped     six 1.15.0 -> 1.16.0",
        ], [str(c) for c in constraints.diff(old, new)])

    def test_no_changes(self) -> None:
        doc = reqfile.parse("a===1\n", "x")
        self.assertEqual([], constraints.diff(doc, doc))

    def test_as_dict(self) -> None:
        change = constraints.Change("bumped", "six", "1.0", "2.0")
        self.assertEqual({"kind": "bumped", "name": "six", "old": "1.0",
                          "new": "2.0"}, change.as_dict())


class TestGenerate(base.TestCase):
    """The whole file: copies noted, combined, ordered, under a header."""

    PROVENANCE = constraints.Provenance(
        method="install", installer="uv", exclude_newer="",
        requirements="", blacklist="b.txt", index="")

    def test_file_and_changes(self) -> None:
        made = constraints.generate(
            [freeze("3.12", "Six==1.16\nalpha==1\nGone==2\n")],
            self.PROVENANCE, ["gone"], spellings={"six": "SIX"},
            how=constraints.Order.NAME, source="u.txt")
        self.assertEqual(["alpha===1", "SIX===1.16"],
                         rendered(made.constraints))
        self.assertEqual(
            constraints.header(self.PROVENANCE,
                               [freeze("3.12", "")]) + "alpha===1\n"
            "SIX===1.16\n", made.text)
        old = reqfile.parse("six===1.15\nbeta===2\n", "old.txt")
        self.assertEqual(
            ["added      alpha 1", "removed    beta 2",
             "bumped     SIX 1.15 -> 1.16"],
            [str(change) for change in made.changes_from(old)])

    def test_hash_order_by_default(self) -> None:
        made = constraints.generate(
            [freeze("3.12", "a==1\nb==1\nc==1\n")], self.PROVENANCE)
        self.assertEqual("<generated>", made.source)
        self.assertEqual(
            list(constraints.order(made.constraints)),
            list(made.constraints))

    def test_error_freezes_that_do_not_combine(self) -> None:
        self.assertRaises(
            errors.InputError, constraints.generate,
            [freeze("3.12", "a==1\n"), freeze("3.12", "a==2\n")],
            self.PROVENANCE)

    def test_copy_notes(self) -> None:
        copies = constraints.clone_versions(
            [freeze("3.11", "a==1\n"), freeze("3.12", "a==2\n")],
            {"3.12": ("3.13", "3.14")})
        self.assertEqual(["Duplicating 3.12 freeze to 3.13",
                          "Duplicating 3.12 freeze to 3.14"],
                         constraints.copy_notes(copies))

    def test_copy_notes_name_the_platform_when_there_are_several(
            self) -> None:
        copies = constraints.clone_versions(
            [on("linux x86_64", "3.12", "a==1\n"),
             on("darwin arm64", "3.12", "a==1\n")],
            {"3.12": ("3.13",)})
        self.assertEqual(
            ["Duplicating 3.12 freeze to 3.13 on darwin arm64",
             "Duplicating 3.12 freeze to 3.13 on linux x86_64"],
            constraints.copy_notes(copies))
        self.assertEqual([], constraints.copy_notes(copies[:2]))


class TestCovered(base.TestCase):
    """What an upper-constraints file says it covers."""

    PROVENANCE = TestGenerate.PROVENANCE

    def test_generated_header_names_pythons_and_platforms(self) -> None:
        made = constraints.generate(
            [on("linux x86_64", "3.11", "a==1\n"),
             on("linux x86_64", "3.12", "a==2\n"),
             on("win32 AMD64", "3.12", "a==2\n")],
            self.PROVENANCE, how=constraints.Order.NAME)
        self.assertEqual((("3.11", "3.12"), ("linux", "win32")),
                         constraints.covered(reqfile.parse(made.text)))

    def test_copies_in_the_header_are_covered(self) -> None:
        freezes = constraints.clone_versions(
            [on("darwin arm64", "3.12", "a==1\n")], {"3.12": ("3.13",)})
        made = constraints.generate(freezes, self.PROVENANCE)
        self.assertEqual((("3.12", "3.13"), ("darwin",)),
                         constraints.covered(reqfile.parse(made.text)))

    def test_silent_file_covers_linux_and_supported_pythons(self) -> None:
        self.assertEqual((policy.PYTHON_VERSIONS, ("linux",)),
                         constraints.covered(uc("# hand made\na===1\n")))

    def test_markers_add_what_they_pin_for(self) -> None:
        # A pin for win32 means the file covers win32; a pin *not* for
        # win32 says nothing about it.
        self.assertEqual(
            (("2.7",) + policy.PYTHON_VERSIONS, ("linux", "win32")),
            constraints.covered(uc("""\
                a===1;python_version=='2.7'
                b===1;platform_system=='Windows'
                c===1;sys_platform!='darwin'
                """)))


PYTHONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
freeze_sets = st.lists(
    st.tuples(st.sampled_from(PYTHONS),
              st.dictionaries(strategies.names, strategies.versions,
                              max_size=4)),
    min_size=1, max_size=5, unique_by=lambda t: t[0])


class TestCombineProperties(base.TestCase):
    @settings(deadline=None, max_examples=150)
    @given(freeze_sets)
    def test_markers_give_each_interpreter_exactly_its_pin(
            self, data: list[tuple[str, dict[str, str]]]) -> None:
        # Names are made unique by canonical form, as pip installs them.
        freezes = []
        for python, pins in data:
            by_name = {constraints.Pin(n, v).canonical: (n, v)
                       for n, v in pins.items()}
            freezes.append(constraints.Freeze(python, tuple(
                constraints.Pin(n, v) for n, v in by_name.values())))
        lines = constraints.combine(freezes, skip=())
        text = "".join(line.render() + "\n" for line in lines)
        doc = reqfile.parse(text, "u")
        self.assertEqual([], doc.invalid())
        self.assertEqual([], policy.check_constraints(doc))
        for item in freezes:
            env = {"python_version": item.python_version}
            chosen = {}
            for line in lines:
                if not line.marker or Marker(line.marker).evaluate(env):
                    self.assertNotIn(line.canonical, chosen, text)
                    chosen[line.canonical] = line.version
            self.assertEqual(
                {pin.canonical: pin.version for pin in item.pins}, chosen)


PLATFORMS = ["linux x86_64", "linux aarch64", "darwin arm64",
             "darwin x86_64", "win32 AMD64"]
platform_freeze_sets = st.lists(
    st.tuples(st.sampled_from(PYTHONS), st.sampled_from(PLATFORMS),
              st.dictionaries(st.sampled_from(["a", "B", "c-d", "e.f"]),
                              st.sampled_from(["1", "1.1", "2", "10"]),
                              max_size=4)),
    min_size=1, max_size=8, unique_by=lambda t: (t[0], t[1]))


class TestCombinePlatformProperties(base.TestCase):
    @settings(deadline=None, max_examples=150)
    @given(platform_freeze_sets)
    def test_markers_give_each_environment_exactly_its_pin(
            self, data: list[tuple[str, str, dict[str, str]]]) -> None:
        freezes = [
            constraints.Freeze(python, tuple(
                constraints.Pin(n, v) for n, v in pins.items()),
                platform=platform)
            for python, platform, pins in data]
        lines = constraints.combine(freezes, skip=())
        text = "".join(line.render() + "\n" for line in lines)
        doc = reqfile.parse(text, "u")
        self.assertEqual([], doc.invalid())
        self.assertEqual([], policy.check_constraints(doc))
        for item in freezes:
            system, machine = item.platform.split(" ")
            env = {"python_version": item.python_version,
                   "sys_platform": system, "platform_machine": machine}
            chosen: dict[str, str] = {}
            for line in lines:
                if not line.marker or Marker(line.marker).evaluate(env):
                    self.assertNotIn(line.canonical, chosen, text)
                    chosen[line.canonical] = line.version
            self.assertEqual(
                {pin.canonical: pin.version for pin in item.pins}, chosen,
                text)

    @settings(deadline=None, max_examples=100)
    @given(freeze_sets, st.sampled_from(PLATFORMS + ["x86_64-pc-windows"]))
    def test_one_shared_platform_changes_nothing(
            self, data: list[tuple[str, dict[str, str]]],
            platform: str) -> None:
        freezes = [constraints.Freeze(python, tuple(
            constraints.Pin(n, v) for n, v in pins.items()))
            for python, pins in data]
        same = [dataclasses.replace(f, platform=platform) for f in freezes]
        self.assertEqual(constraints.combine(freezes, skip=()),
                         constraints.combine(same, skip=()))


class TestArtifactRoundTrip(base.TestCase):
    def test_as_dict(self) -> None:
        item = constraints.Freeze("3.12", (Pin("Six", "1.0"),), "3.12.1",
                                  "linux x86_64", "uv 0.9.0")
        self.assertEqual({
            "python_version": "3.12", "python_full": "3.12.1",
            "platform": "linux x86_64", "installer": "uv 0.9.0",
            "method": "install", "copied_from": "", "pins": {"Six": "1.0"},
        }, item.as_dict())
        self.assertTrue(os.path.isabs(base.REPO_DIR))
