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

from hypothesis import given
from hypothesis import settings

from openstack_requirements import constraint_edit
from openstack_requirements import errors
from openstack_requirements import reqfile
from openstack_requirements.requirement import canonical_name
from openstack_requirements.tests import base
from openstack_requirements.tests import strategies

UPPER = (
    "# pins\n"
    "foo===1.0\n"
    "oslo.db===16.0.0;python_version<'3.12'\n"
    "bar===2.0\n"
    "Oslo_DB===17.0.0;python_version>='3.12'\n"
)


def edit(text: str, name: str, replacement: str = "") -> tuple[str, str]:
    result = constraint_edit.edit(reqfile.parse(text, "u.txt"), name,
                                  replacement)
    return result.doc.render(), result.action.value


class TestEdit(base.TestCase):
    def test_replace_every_line_in_place(self) -> None:
        self.assertEqual(
            ("# pins\nfoo===1.0\noslo.db===18.1.0\nbar===2.0\n",
             "replaced"), edit(UPPER, "oslo-db", "oslo.db===18.1.0"))

    def test_replace_with_editable_url(self) -> None:
        text, _ = edit(UPPER, "oslo.db",
                       "-e file:///opt/stack/oslo.db#egg=oslo.db")
        self.assertEqual(
            "# pins\nfoo===1.0\n-e file:///opt/stack/oslo.db#egg=oslo.db\n"
            "bar===2.0\n", text)
        # The URL line is found again by name on the next edit.
        self.assertEqual(
            ("# pins\nfoo===1.0\noslo.db===1\nbar===2.0\n", "replaced"),
            edit(text, "oslo.db", "oslo.db===1"))

    def test_replace_with_plain_url(self) -> None:
        text, _ = edit("foo===1.0\n", "foo",
                       "git+https://opendev.org/x/foo#egg=foo")
        self.assertEqual("git+https://opendev.org/x/foo#egg=foo\n", text)

    def test_add_when_absent(self) -> None:
        self.assertEqual((UPPER + "baz===3\n", "added"),
                         edit(UPPER, "baz", "baz===3"))

    def test_add_after_missing_final_newline_keeps_crlf(self) -> None:
        self.assertEqual(("foo===1\r\nbar===2\r\nbaz===3\r\n", "added"),
                         edit("foo===1\r\nbar===2", "baz", "baz===3"))

    def test_remove(self) -> None:
        self.assertEqual(("# pins\nfoo===1.0\nbar===2.0\n", "removed"),
                         edit(UPPER, "OSLO.DB"))

    def test_remove_absent_is_unchanged(self) -> None:
        self.assertEqual((UPPER, "unchanged"), edit(UPPER, "nope", "  "))

    def test_same_line_is_unchanged(self) -> None:
        self.assertEqual(("foo===1.0\n", "unchanged"),
                         edit("foo===1.0\n", "foo", "foo===1.0"))

    def test_error_other_name(self) -> None:
        exc = self.assertRaises(errors.ParseError, edit, UPPER, "foo",
                                "bar===1")
        self.assertEqual(
            "REPLACEMENT:1: the replacement is for bar, not foo; edit one "
            "name at a time\n    bar===1", str(exc))

    def test_error_malformed_replacement(self) -> None:
        exc = self.assertRaises(errors.ParseError, edit, UPPER, "foo",
                                "foo=>1")
        self.assertEqual(
            "REPLACEMENT:1: invalid version specifier '=>1'; fix the "
            "replacement\n    foo=>1", str(exc))

    def test_error_option_without_name(self) -> None:
        exc = self.assertRaises(errors.ParseError, edit, UPPER, "foo",
                                "-r other.txt")
        self.assertIn("'-e URL#egg=NAME'", str(exc))

    def test_error_url_without_egg_name(self) -> None:
        exc = self.assertRaises(
            errors.ParseError, edit, UPPER, "oslo.db",
            "git+https://opendev.org/openstack/oslo.db")
        self.assertEqual(
            "REPLACEMENT:1: a URL replacement must name the distribution: "
            "add '#egg=oslo.db'\n"
            "    git+https://opendev.org/openstack/oslo.db", str(exc))

    def test_url_with_egg_name_can_be_edited_again(self) -> None:
        url = "git+https://opendev.org/openstack/oslo.db#egg=oslo.db"
        text, action = edit("a===1\noslo.db===1.0\n", "oslo.db", url)
        self.assertEqual((f"a===1\n{url}\n", "replaced"), (text, action))
        self.assertEqual(("a===1\noslo.db===2.0\n", "replaced"),
                         edit(text, "oslo.db", "oslo.db===2.0"))


class TestEditProperties(base.TestCase):
    @settings(deadline=None, max_examples=150)
    @given(strategies.files(), strategies.names, strategies.versions)
    def test_edit_touches_only_the_name(
        self, text: str, name: str, version: str
    ) -> None:
        doc = reqfile.parse(text)
        result = constraint_edit.edit(doc, name, f"{name}==={version}")
        key = canonical_name(name)
        others = [ln.raw.rstrip("\r\n") for ln in doc.lines
                  if ln.name != key]
        kept = [ln.raw.rstrip("\r\n") for ln in result.doc.lines
                if ln.name != key]
        self.assertEqual(others, kept)
        mine = [ln for ln in result.doc.lines if ln.name == key]
        self.assertEqual([f"{name}==={version}"], [ln.text for ln in mine])
        # Editing again with the same line changes nothing.
        again = constraint_edit.edit(result.doc, name, f"{name}==={version}")
        self.assertEqual(result.doc.render(), again.doc.render())
        # Removing leaves no line for the name and the rest as it was.
        removed = constraint_edit.edit(result.doc, name)
        self.assertEqual(others, [ln.raw.rstrip("\r\n")
                                  for ln in removed.doc.lines])
