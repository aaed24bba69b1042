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

"""PEP 503 HTML and PEP 691 JSON pages: render and parse."""

from __future__ import annotations

import json

import hypothesis
from hypothesis import strategies as st

from openstack_requirements import simpleapi
from openstack_requirements.tests import base


class TestPages(base.TestCase):
    def test_project_page_round_trip(self) -> None:
        listed = [
            simpleapi.File(
                "a_b-1.0+local-py3-none-any.whl",
                simpleapi.package_url("a_b-1.0+local-py3-none-any.whl"),
                "ab" * 32, ">=3.9,<4"),
            simpleapi.File("a_b-0.9.tar.gz", simpleapi.package_url(
                "a_b-0.9.tar.gz"), "cd" * 32, None, True),
        ]
        page = simpleapi.render_project("a-b", listed)
        self.assertIn('href="../../packages/a_b-1.0%2Blocal-py3-none-any.whl'
                      '#sha256=' + "ab" * 32 + '" data-requires-python='
                      '"&gt;=3.9,&lt;4"', page)
        base_url = "http://h/simple/a-b/"
        parsed = simpleapi.parse_project(page, base_url)
        as_json = simpleapi.parse_project_json(
            simpleapi.render_project_json("a-b", listed), base_url)
        expected = [
            simpleapi.File(
                "a_b-0.9.tar.gz", "http://h/packages/a_b-0.9.tar.gz",
                "cd" * 32, None, True),
            simpleapi.File(
                "a_b-1.0+local-py3-none-any.whl",
                "http://h/packages/a_b-1.0%2Blocal-py3-none-any.whl",
                "ab" * 32, ">=3.9,<4"),
        ]
        self.assertEqual(expected, parsed)
        self.assertEqual(expected, as_json)

    def test_root_page(self) -> None:
        page = simpleapi.render_root(["b", "a", "b"])
        self.assertEqual(["a", "b"], simpleapi.parse_root(page))
        self.assertEqual(
            {"meta": {"api-version": "1.0"},
             "projects": [{"name": "a"}, {"name": "b"}]},
            json.loads(simpleapi.render_root_json(["b", "a"])))

    def test_error_json_not_a_project_page(self) -> None:
        self.assertRaises(ValueError, simpleapi.parse_project_json,
                          '{"projects": []}', "http://h/")

    @hypothesis.settings(deadline=None, max_examples=60)
    @hypothesis.given(st.lists(st.tuples(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
        st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}(\+[a-z0-9]{1,4})?",
                      fullmatch=True),
        st.sampled_from(["py3-none-any", "cp311-cp311-linux_x86_64", ""]),
        st.one_of(st.none(), st.sampled_from([">=3.9", "<4,!=3.10.*"])),
        st.booleans()), max_size=6))
    def test_pages_round_trip_any_files(self, specs) -> None:  # noqa: ANN001
        listed = {}
        for name, version, tag, requires, yanked in specs:
            filename = (f"{name}-{version}-{tag}.whl" if tag
                        else f"{name}-{version}.tar.gz")
            listed[filename] = simpleapi.File(
                filename, simpleapi.package_url(filename), "0f" * 32,
                requires, yanked)
        base_url = "http://127.0.0.1:1/simple/x/"
        for render, parse in (
                (simpleapi.render_project, simpleapi.parse_project),
                (simpleapi.render_project_json, simpleapi.parse_project_json)):
            got = parse(render("x", listed.values()), base_url)
            self.assertEqual(sorted(listed), [f.filename for f in got])
            for f in got:
                want = listed[f.filename]
                self.assertEqual((want.sha256, want.requires_python,
                                  want.yanked),
                                 (f.sha256, f.requires_python, f.yanked))
                self.assertTrue(f.url.startswith("http://127.0.0.1:1/"
                                                 "packages/"))
