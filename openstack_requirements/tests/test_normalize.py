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

from openstack_requirements import normalize
from openstack_requirements import reqfile
from openstack_requirements.tests import base
from openstack_requirements.tests import strategies


def norm(text: str) -> str:
    return normalize.normalize(reqfile.parse(text)).render()


class TestNormalize(base.TestCase):
    def test_spacing_and_comment(self) -> None:
        self.assertEqual("Foo[a,b]>=1.0  # MIT\n",
                         norm("Foo [b, a] >= 1.0 # MIT\n"))

    def test_specifiers_sorted(self) -> None:
        # Floors, then exclusions, then caps, as upstream sorts them.
        self.assertEqual("six>=1,!=1.2,<2\n", norm("six>=1,<2,!=1.2\n"))

    def test_specifiers_sorted_by_version_not_text(self) -> None:
        # The shipped and reference lists write them so: 2.9.0 before
        # 2.17.0, a release candidate before its release.
        self.assertEqual(
            "cliff!=2.9.0,!=2.17.0\n", norm("cliff!=2.17.0,!=2.9.0\n"))
        self.assertEqual("p!=4.0.4,!=4.0.5rc1,!=4.0.5\n",
                         norm("p!=4.0.5,!=4.0.4,!=4.0.5rc1\n"))

    def test_specifier_not_a_version_sorts_last_in_its_group(self) -> None:
        self.assertEqual("a!=1.2,==1.*\n", norm("a==1.*,!=1.2\n"))

    def test_marker_spelling_kept_on_request(self) -> None:
        line = reqfile.parse("x ; sys_platform!='win32' # MIT\n").lines[0]
        self.assertEqual("x;sys_platform!='win32'  # MIT\n",
                         normalize.normalize_line(line, markers=False).raw)

    def test_marker_normalised_by_packaging(self) -> None:
        self.assertEqual(
            'six;python_version < "3.10" and sys_platform != "win32"\n',
            norm("six ; python_version<'3.10' and sys_platform!='win32'\n"))

    def test_legacy_colon_marker(self) -> None:
        self.assertEqual('six>=1;python_version == "2.7"\r\n',
                         norm("six>=1:python_version=='2.7'\r\n"))

    def test_other_lines_kept(self) -> None:
        text = "# c\n\n-r other.txt\n-e git+https://x/y#egg=y\nfoo===1"
        self.assertEqual(text, norm(text))

    def test_normal_text_is_a_fixed_point(self) -> None:
        once = norm("a >=1 , <3;python_version>'3'   #  x\n")
        self.assertEqual(once, norm(once))
        self.assertEqual('a>=1,<3;python_version > "3"  #  x\n', once)


class TestNormalizeProperties(base.TestCase):
    @settings(deadline=None, max_examples=200)
    @given(strategies.files())
    def test_normalize_is_idempotent_and_keeps_names(self, text: str) -> None:
        doc = reqfile.parse(text)
        once = normalize.normalize(doc)
        twice = normalize.normalize(reqfile.parse(once.render()))
        self.assertEqual(once.render(), twice.render())
        self.assertEqual([ln.name for ln in doc.lines],
                         [ln.name for ln in once.lines])
