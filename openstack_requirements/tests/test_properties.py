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

"""Property tests: the requirements-file model is lossless."""

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from openstack_requirements import reqfile
from openstack_requirements.tests import base
from openstack_requirements.tests import strategies


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
