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

"""The holds file (pure)."""

from __future__ import annotations

import datetime

from openstack_requirements import bisection
from openstack_requirements import errors
from openstack_requirements import holds
from openstack_requirements import reqfile
from openstack_requirements.tests import base

TODAY = datetime.date(2026, 12, 2)


class TestParse(base.TestCase):
    def test_the_bisect_proposal_parses(self) -> None:
        change = bisection.PinChange(
            "pkg", tuple(reqfile.parse("pkg===1.0\n").lines),
            tuple(reqfile.parse("pkg===2.0\n").lines))
        line = bisection.hold_lines([change], ["python", "-c", 'x "y"'],
                                    "2027-03-01")[0]
        found = holds.parse(line + "\n")
        self.assertEqual((), found.problems)
        hold, = found.holds
        self.assertEqual(("pkg", "!=2.0", "", "",
                          datetime.date(2027, 3, 1)),
                         (hold.name, hold.specifier, hold.link, hold.owner,
                          hold.expires))
        self.assertIn("bisect-constraints: `python -c x 'y'` fails",
                      hold.reason)
        self.assertEqual("pkg!=2.0\n", found.constraints_text())

    def test_quoted_reason_with_escapes_and_a_cap(self) -> None:
        hold, = holds.parse(
            'A.B<3,!=2.1  # reason="say \\"no\\"" owner=x '
            "expires=2027-01-01\n").holds
        self.assertEqual(('say "no"', "!=2.1,<3"),
                         (hold.reason, hold.specifier))
        self.assertEqual(["2.1", "3.0"],
                         [v for v in ("2.0", "2.1", "3.0")
                          if hold.keeps_out(v)])

    def test_error_lines(self) -> None:
        cases = {
            "a>=1  # reason=x expires=2027-01-01":
                ">=1 does not keep releases out; a hold uses !=, <, <=",
            "a  # reason=x expires=2027-01-01":
                "a holds nothing back; give the releases to keep out "
                "(a!=VERSION or a<VERSION)",
            "a!=1  # expires=2027-01-01":
                'a hold needs reason="why it is held"',
            "a!=1  # reason=x":
                "a hold needs expires=YYYY-MM-DD (when to look at it "
                "again)",
            "a!=1  # reason=x expires=2027-02-30":
                "expires=2027-02-30 is not a real date",
            "a!=1  # reason=x expires=soon":
                "expires=soon: write YYYY-MM-DD",
            "a!=1  # reason=x colour=red expires=2027-01-01":
                "unknown field 'colour'; a hold has reason, link, owner, "
                "expires",
            'a!=1  # reason="x expires=2027-01-01':
                "cannot read 'reason=\"x expires=2027-01-01': write "
                "key=value, "
                'quoting values with spaces (reason="...")',
        }
        for text, message in cases.items():
            found = holds.parse(text + "\n", "h.txt")
            self.assertEqual([f"h.txt:1: {message}"],
                             [str(p) for p in found.problems], text)
            self.assertRaises(errors.ParseError, found.require_valid)


class TestCheck(base.TestCase):
    def check(self, hold: str, spec: str) -> list[str]:
        found = holds.parse(hold + "  # reason=x expires=2099-01-01\n")
        return [f.code for f in holds.check(found, {"a": [spec]}, {},
                                            TODAY)]

    def test_pointless(self) -> None:
        self.assertEqual(["hold-pointless"], self.check("a!=2", "!=2"))
        self.assertEqual([], self.check("a!=2", "!=3"))
        self.assertEqual(["hold-pointless"], self.check("a<3", "<2"))
        self.assertEqual(["hold-pointless"], self.check("a<3", "<3"))
        self.assertEqual([], self.check("a<3", "<=3"))
        self.assertEqual(["hold-pointless"], self.check("a<=3", "<=3"))
        self.assertEqual([], self.check("a<2", "<3"))
        self.assertEqual([], self.check("a<2", ""))

    def test_expired_only_after_its_day(self) -> None:
        found = holds.parse("a!=2  # reason=x expires=2026-12-01\n")
        self.assertEqual(["hold-expired"], [f.code for f in holds.check(
            found, {"a": [""]}, {}, TODAY)])
        self.assertEqual([], holds.check(
            found, {"a": [""]}, {}, datetime.date(2026, 12, 1)))


class TestKeptBack(base.TestCase):
    def test_held_back_idle_and_unknown(self) -> None:
        found = holds.parse("A!=2  # reason=x expires=2099-01-01\n"
                            "b<9  # reason=y expires=2099-01-01\n")
        held = {"3.11": {"a": ("a", "1"), "b": ("b", "5")},
                "3.12": {"a": ("a", "1"), "b": ("b", "5")}}
        result = holds.kept_back(found, held, {
            "3.11": {"a": ("a", "2"), "b": ("b", "5")},
            "3.12": {"a": ("a", "2"), "b": ("b", "5")}})
        self.assertEqual([
            "held back  A 1 (would be 2) [Python 3.11, 3.12] by A!=2 (x; "
            "until 2099-01-01)",
            "hold idle  b 5 [Python 3.11, 3.12]: the same without b<9 (y; "
            "until 2099-01-01); it may be lifted"], [str(k) for k in result])
        self.assertEqual("", holds.kept_back(found, held, None)[0].otherwise)
        # A resolve standing in for an install says so.
        estimated = holds.kept_back(found, held, {
            "3.11": {"a": ("a", "2"), "b": ("b", "5")},
            "3.12": {"a": ("a", "2"), "b": ("b", "5")}}, estimated=True)
        self.assertEqual([
            "held back  A 1 (a resolve without it picks 2) [Python 3.11, "
            "3.12] by A!=2 (x; until 2099-01-01)",
            "hold idle  b 5 [Python 3.11, 3.12]: a resolve picks the same "
            "without b<9 (y; until 2099-01-01); it may be lifted"],
            [str(k) for k in estimated])
        self.assertEqual([True, True],
                         [k.as_dict()["estimated"] for k in estimated])
        unknown = holds.kept_back(found, held, None, estimated=True)
        self.assertFalse(unknown[0].estimated)
