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

"""The health report's rows, figures and page (pure)."""

from __future__ import annotations

import datetime
import json
import re

from openstack_requirements import constraints
from openstack_requirements import health
from openstack_requirements import holds
from openstack_requirements import releases
from openstack_requirements.tests import base

TODAY = datetime.date(2026, 12, 2)


def project(name: str, lic: str, **uploaded: str) -> releases.Project:
    return releases.parse_project({
        "info": {"name": name, "license": lic},
        "releases": {version.replace("_", "."): [{
            "filename": f"{name}-{version}.tar.gz", "packagetype": "sdist",
            "upload_time_iso_8601": f"{day}T00:00:00Z"}]
            for version, day in uploaded.items()}}, "test")


class TestBuild(base.TestCase):
    def test_rows_figures_and_chart(self) -> None:
        pins = [constraints.Pin("a", "1.0", "python_version<'3.12'"),
                constraints.Pin("a", "2.0", "python_version>='3.12'"),
                constraints.Pin("gone", "1.0")]
        projects = {"a": project("a", "MIT", **{
            "1_0": "2025-12-02", "2_0": "2026-11-02", "3_0": "2026-11-30"})}
        found = holds.parse("a!=3.0  # reason=x expires=2026-12-01\n")
        report = health.build(pins, projects, {}, {"a": [""]}, found,
                              ("3.11", "3.12", "3.13"), TODAY)
        first, second, gone = report.rows
        self.assertEqual((("3.11",), "2.0", "3.0", 365, True),
                         (first.pythons, first.newest_allowed, first.newest,
                          first.age_days, first.hold_expired))
        self.assertEqual((("3.12", "3.13"), 30, False),
                         (second.pythons, second.age_days, second.behind))
        self.assertEqual(("", None), (gone.newest, gone.age_days))
        self.assertEqual(("gone",), report.not_on_index)
        self.assertEqual([("< 6 months", 1), ("6-12 months", 1),
                          ("1-2 years", 0), ("2-4 years", 0),
                          ("> 4 years", 0)], report.age_chart())
        summary = report.summary()
        self.assertEqual((3, 1, 2), (summary["pins"], summary["behind"],
                                     summary["held"]))
        # Nothing was looked up: every row's advisories are unknown.
        self.assertEqual(3, summary["advisories_unknown"])
        self.assertFalse(first.advisories_known)

    def test_advisories_unknown_is_not_clean(self) -> None:
        pins = [constraints.Pin("a", "1.0"), constraints.Pin("b", "1.0")]
        projects = {n: project(n, "MIT", **{"1_0": "2026-01-01"})
                    for n in ("a", "b")}
        report = health.build(pins, projects, {("a", "1.0"): []}, {},
                              holds.Holds(), ("3.12",), TODAY)
        a, b = report.rows
        self.assertEqual((True, False), (a.advisories_known,
                                         b.advisories_known))
        self.assertEqual((0, 1), (report.summary()["vulnerable"],
                                  report.summary()["advisories_unknown"]))
        page = health.render_html(report, "t")
        self.assertIn('<td class="advisories unknown">unknown</td>', page)
        self.assertIn('<td class="advisories"></td>', page)

    def test_page_is_escaped_and_self_contained(self) -> None:
        evil = "<script>alert(1)</script>"
        report = health.build(
            [constraints.Pin("a", "1.0")],
            {"a": project("a", evil, **{"1_0": "2026-01-01"})}, {}, {},
            holds.Holds(), ("3.12",), TODAY)
        page = health.render_html(report, "Health & <co>")
        self.assertNotIn(evil, page)
        self.assertIn("Health &amp; &lt;co&gt;", page)
        self.assertIsNone(re.search(r"(src|href)=", page))
        data = re.search(r'<script type="application/json" id="data">'
                         r"(.*?)</script>", page, re.S)
        assert data is not None
        self.assertEqual(report.as_dict(), json.loads(data.group(1)))
