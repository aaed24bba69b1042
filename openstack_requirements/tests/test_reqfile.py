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

import dataclasses
import os
import textwrap

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from openstack_requirements import errors
from openstack_requirements import reqfile
from openstack_requirements.tests import base
from openstack_requirements.tests import strategies

ODD = (
    "# comment\r\n"
    "\r\n"
    "\tfoo  >= 1.0 ,!=1.2\t#  MIT\r\n"
    "bar[baz];python_version>='3.10'  # BSD\n"
    "bar;python_version<'3.10'  # BSD\n"
    "-r other.txt\n"
    "-c https://example.com/c.txt  # upper\n"
    "-e git+https://opendev.org/openstack/oslo.db#egg=oslo.db\n"
    "git+https://opendev.org/openstack/nova@master#egg=nova\n"
    "--index-url https://pypi.example/simple\n"
    "--extra-index-url=https://other.example/simple\n"
    "-f /srv/wheels\n"
    "--pre\n"
    "six==1.16.0 \\\n"
    "    --hash=sha256:abcd\n"
    "legacy>=1:python_version=='2.7'\n"
    "   \n"
    "last-line-no-newline>=2"
)


class TestRoundTrip(base.TestCase):
    def assertRoundTrip(self, text: str) -> reqfile.RequirementsFile:
        doc = reqfile.parse(text, "x.txt")
        self.assertEqual(text, doc.render())
        return doc

    def test_odd_file(self) -> None:
        doc = self.assertRoundTrip(ODD)
        self.assertEqual([], doc.invalid())

    def test_shipped_lists(self) -> None:
        for name in ("global-requirements.txt", "upper-constraints.txt",
                     "blacklist.txt", "backports.txt"):
            text = base.read(base.repo_file(name))
            doc = self.assertRoundTrip(text)
            self.assertEqual([], [line.error for line in doc.invalid()])
        # projects.txt is not a requirements file, but it round-trips too.
        self.assertRoundTrip(base.read(base.repo_file("projects.txt")))

    def test_reference_lists(self) -> None:
        base.skip_unless_reference(self)
        for name in sorted(os.listdir(base.REFERENCE_DIR)):
            text = base.read(os.path.join(base.REFERENCE_DIR, name))
            self.assertRoundTrip(text)

    def test_every_requirement_line_round_trips_alone(self) -> None:
        # Each requirement line of the shipped global list and upper
        # constraints, parsed on its own, gives back its bytes.
        for name in ("global-requirements.txt", "upper-constraints.txt"):
            for raw in base.read(base.repo_file(name)).splitlines(True):
                self.assertEqual(raw, reqfile.parse(raw).render())

    def test_empty_and_newline_only(self) -> None:
        self.assertEqual((), self.assertRoundTrip("").lines)
        self.assertRoundTrip("\n")
        self.assertRoundTrip("\r\n\r\n")
        self.assertRoundTrip("\\")
        self.assertRoundTrip("foo \\")

    def test_form_feed_is_not_a_line_break(self) -> None:
        doc = self.assertRoundTrip("foo\x0cbar\nbaz\u2028\n")
        self.assertEqual(2, len(doc.lines))


class TestClassification(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.doc = reqfile.parse(ODD, "odd.txt")
        self.kinds = [line.kind for line in self.doc.lines]

    def test_kinds(self) -> None:
        K = reqfile.Kind
        self.assertEqual(
            [K.COMMENT, K.BLANK, K.REQUIREMENT, K.REQUIREMENT,
             K.REQUIREMENT, K.OPTION, K.OPTION, K.OPTION, K.URL, K.OPTION,
             K.OPTION, K.OPTION, K.OPTION, K.REQUIREMENT, K.REQUIREMENT,
             K.BLANK, K.REQUIREMENT],
            self.kinds,
        )

    def test_line_numbers_count_physical_lines(self) -> None:
        self.assertEqual(
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18],
            [line.lineno for line in self.doc.lines],
        )

    def test_requirement_fields(self) -> None:
        foo = self.doc.lines[2]
        self.assertEqual("foo", foo.req.name)
        self.assertEqual(">=1.0,!=1.2", foo.req.specifier)
        self.assertEqual("\t#  MIT", foo.comment)
        self.assertEqual("MIT", foo.license)
        self.assertEqual("\r\n", foo.newline)

    def test_same_name_different_markers(self) -> None:
        bars = self.doc.by_name()["bar"]
        self.assertEqual(["python_version>='3.10'", "python_version<'3.10'"],
                         [line.req.marker for line in bars])
        self.assertEqual(("baz",), bars[0].req.extras)

    def test_egg_names(self) -> None:
        index = self.doc.by_name()
        self.assertEqual(reqfile.Kind.OPTION, index["oslo-db"][0].kind)
        self.assertEqual(
            "git+https://opendev.org/openstack/oslo.db#egg=oslo.db",
            index["oslo-db"][0].req.url)
        self.assertEqual(reqfile.Kind.URL, index["nova"][0].kind)

    def test_hash_option_on_continuation(self) -> None:
        six = self.doc.by_name()["six"][0]
        self.assertEqual("==1.16.0", six.req.specifier)
        self.assertEqual("--hash=sha256:abcd", six.options)

    def test_legacy_colon(self) -> None:
        legacy = self.doc.by_name()["legacy"][0]
        self.assertEqual(":", legacy.marker_sep)
        self.assertEqual("python_version=='2.7'", legacy.req.marker)

    def test_hash_in_url_is_not_a_comment(self) -> None:
        line = reqfile.parse("https://host/x-1.0.tar.gz#egg=x  # c\n").lines[0]
        self.assertEqual(reqfile.Kind.URL, line.kind)
        self.assertEqual("x", line.req.name)
        self.assertEqual("  # c", line.comment)

    def test_local_paths_are_url_lines(self) -> None:
        doc = reqfile.parse(".\n..\n./sub\n/abs/path\n~/x\n")
        self.assertEqual([reqfile.Kind.URL] * 5,
                         [line.kind for line in doc.lines])
        self.assertEqual([None] * 5, [line.name for line in doc.lines])

    def test_named_archive_url_is_a_requirement(self) -> None:
        line = reqfile.parse(
            "foo @ https://x/foo-1.0-py3-none-any.whl\n").lines[0]
        self.assertEqual(reqfile.Kind.REQUIREMENT, line.kind)
        self.assertEqual("https://x/foo-1.0-py3-none-any.whl", line.req.url)

    def test_sdist_url_named_up_to_the_version(self) -> None:
        line = reqfile.parse(
            "https://h/python-novaclient-1.0.tar.gz\n").lines[0]
        self.assertEqual("python-novaclient", line.name)

    def test_editable_forms(self) -> None:
        url = "git+https://h/foo#egg=foo"
        for text in (f"-e {url}", f"-e{url}", f"--editable {url}",
                     f"--editable={url}"):
            line = reqfile.parse(text + "\n").lines[0]
            self.assertEqual(reqfile.Kind.OPTION, line.kind, text)
            self.assertEqual(url, line.req.url, text)
            self.assertEqual("foo", line.name, text)

    def test_wheel_url_named_by_file(self) -> None:
        line = reqfile.parse("https://h/p/foo_bar-1.0-py3-none-any.whl\n")
        self.assertEqual("foo-bar", line.lines[0].name)

    def test_newline_style(self) -> None:
        self.assertEqual("\r\n", self.doc.newline)
        self.assertEqual("\n", reqfile.parse("a\nb").newline)


class TestInvalid(base.TestCase):
    def test_error_unknown_option(self) -> None:
        doc = reqfile.parse("foo\n--frobnicate x\n", "req.txt")
        exc = self.assertRaises(errors.ParseError, doc.require_valid)
        self.assertEqual(2, exc.lineno)
        self.assertTrue(str(exc).startswith(
            "req.txt:2: unknown pip option '--frobnicate'; this toolkit "
            "knows: "))
        self.assertTrue(str(exc).endswith("\n    --frobnicate x"))

    def test_error_unknown_option_after_requirement(self) -> None:
        doc = reqfile.parse("foo --install-options=x --bogus\n", "r.txt")
        self.assertEqual(reqfile.Kind.INVALID, doc.lines[0].kind)

    def test_error_option_without_value(self) -> None:
        doc = reqfile.parse("-r\n", "r.txt")
        exc = self.assertRaises(errors.ParseError, doc.require_valid)
        self.assertEqual("r.txt:1: pip option '-r' needs a value\n    -r",
                         str(exc))

    def test_error_bad_requirement(self) -> None:
        doc = reqfile.parse("ok\n\nfoo>=>1  # MIT\n", "g.txt")
        exc = self.assertRaises(errors.ParseError, doc.require_valid)
        self.assertEqual(
            "g.txt:3: invalid version specifier '>=>1'\n    foo>=>1  # MIT",
            str(exc))

    def test_invalid_lines_still_round_trip(self) -> None:
        text = "foo>=>1\r\n!!!\n"
        self.assertEqual(text, reqfile.parse(text).render())

    def test_short_options_attached(self) -> None:
        doc = reqfile.parse("-rother.txt\n-cupper.txt\n")
        self.assertEqual([], doc.invalid())


class TestEdits(base.TestCase):
    def test_with_lines_renumbers(self) -> None:
        doc = reqfile.parse(textwrap.dedent("""\
            a
            b \\
              --hash=sha256:00
            c
            """))
        new = doc.with_lines([doc.lines[1], doc.lines[2], doc.lines[0]])
        self.assertEqual([1, 3, 4], [line.lineno for line in new.lines])
        self.assertEqual("b \\\n  --hash=sha256:00\nc\na\n", new.render())

    def test_make_line(self) -> None:
        from openstack_requirements import requirement

        req = requirement.parse("foo>=1;python_version>='3'")
        line = reqfile.make_line(req, "# MIT", "\r\n")
        self.assertEqual("foo>=1;python_version>='3'  # MIT\r\n", line.raw)
        self.assertEqual(dataclasses.replace(line, lineno=1),
                         reqfile.parse(line.raw).lines[0])


class TestRoundTripProperties(base.TestCase):
    @settings(deadline=None, max_examples=300)
    @given(strategies.files())
    def test_generated_files_round_trip(self, text: str) -> None:
        self.assertEqual(text, reqfile.parse(text).render())

    @settings(deadline=None, max_examples=300)
    @given(st.text())
    def test_any_text_round_trips(self, text: str) -> None:
        self.assertEqual(text, reqfile.parse(text).render())

    @settings(deadline=None, max_examples=200)
    @given(strategies.requirement_lines, strategies.newlines)
    def test_requirement_lines_parse(self, line: str, newline: str) -> None:
        doc = reqfile.parse(line + newline)
        # Generated specifiers may be semantically odd ('===1' with '<2')
        # but they are all syntactically valid requirement lines.
        self.assertEqual([], [x.error for x in doc.invalid()])
        self.assertEqual(1, len(list(doc.requirements())))

    @settings(deadline=None, max_examples=100)
    @given(strategies.files())
    def test_line_numbers_are_physical(self, text: str) -> None:
        doc = reqfile.parse(text)
        for line in doc.lines:
            before = "".join(x.raw for x in doc.lines[: doc.lines.index(line)])
            self.assertEqual(before.count("\n") + 1, line.lineno)
