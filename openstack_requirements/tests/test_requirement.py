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

from openstack_requirements import requirement
from openstack_requirements.tests import base


class TestCanonicalName(base.TestCase):
    def test_pep503(self) -> None:
        name = requirement.canonical_name
        self.assertEqual("oslo-config", name("oslo.config"))
        self.assertEqual("pastedeploy", name("PasteDeploy"))
        self.assertEqual("a-b-c", name("A__b-._C"))


class TestParse(base.TestCase):
    def test_name_only(self) -> None:
        req = requirement.parse("Babel")
        self.assertEqual("Babel", req.name)
        self.assertEqual("babel", req.canonical)
        self.assertEqual("", req.specifier)
        self.assertEqual("", req.marker)

    def test_specifiers_keep_written_order(self) -> None:
        req = requirement.parse("alembic!=1.6.3, != 1.2.0,>= 1.0")
        self.assertEqual("!=1.6.3,!=1.2.0,>=1.0", req.specifier)
        self.assertEqual(("!=1.6.3", "!=1.2.0", ">=1.0"), req.specifiers)
        self.assertTrue(req.specifier_set.contains("1.5"))
        self.assertFalse(req.specifier_set.contains("1.2.0"))

    def test_extras_and_marker(self) -> None:
        req = requirement.parse(
            "oslo.db[mysql, fixtures]>=4;python_version>='3.10'")
        self.assertEqual(("mysql", "fixtures"), req.extras)
        self.assertEqual(">=4", req.specifier)
        self.assertEqual("python_version>='3.10'", req.marker)
        self.assertFalse(req.marker_obj.evaluate({"python_version": "3.9"}))

    def test_legacy_colon_marker(self) -> None:
        req = requirement.parse("futures>=3.0:python_version=='2.7'")
        self.assertEqual(">=3.0", req.specifier)
        self.assertEqual("python_version=='2.7'", req.marker)

    def test_colon_not_understood_when_disabled(self) -> None:
        self.assertRaises(
            requirement.InvalidRequirement,
            requirement.parse, "futures>=3.0:python_version=='2.7'",
            legacy_colon=False,
        )

    def test_parenthesised_specifier(self) -> None:
        self.assertEqual(">=1.0", requirement.parse("foo (>=1.0)").specifier)

    def test_url_form(self) -> None:
        req = requirement.parse(
            "foo @ https://example.com/foo.whl ; python_version>'3'")
        self.assertEqual("https://example.com/foo.whl", req.url)
        self.assertEqual("python_version>'3'", req.marker)

    def test_arbitrary_equality(self) -> None:
        self.assertEqual("===1.0.post1",
                         requirement.parse("x===1.0.post1").specifier)

    def test_render(self) -> None:
        req = requirement.parse(
            "oslo.db [mysql] >= 4 , !=4.1 ; python_version>='3.10'")
        self.assertEqual("oslo.db[mysql]>=4,!=4.1;python_version>='3.10'",
                         req.render())
        self.assertEqual("oslo.db[mysql]>=4,!=4.1:python_version>='3.10'",
                         req.render(":"))

    def test_error_bad_specifier(self) -> None:
        exc = self.assertRaises(requirement.InvalidRequirement,
                                requirement.parse, "foo>=1.0.*x")
        self.assertEqual("invalid version specifier '>=1.0.*x'", str(exc))

    def test_error_bad_marker(self) -> None:
        exc = self.assertRaises(requirement.InvalidRequirement,
                                requirement.parse, "foo;python_vers>'3'")
        self.assertIn("invalid environment marker \"python_vers>'3'\"",
                      str(exc))

    def test_error_no_name(self) -> None:
        exc = self.assertRaises(requirement.InvalidRequirement,
                                requirement.parse, ">=1.0")
        self.assertEqual(
            "expected a distribution name at the start of '>=1.0'", str(exc))

    def test_error_unclosed_extras(self) -> None:
        exc = self.assertRaises(requirement.InvalidRequirement,
                                requirement.parse, "foo[bar>=1")
        self.assertEqual("unclosed '[' in extras of foo", str(exc))

    def test_error_empty_marker(self) -> None:
        self.assertRaises(requirement.InvalidRequirement,
                          requirement.parse, "foo>=1;")
