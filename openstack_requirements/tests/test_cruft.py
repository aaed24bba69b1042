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

from openstack_requirements import conflicts
from openstack_requirements import cruft
from openstack_requirements import dependents
from openstack_requirements import project
from openstack_requirements import reqfile
from openstack_requirements.tests import base
from openstack_requirements.tests import test_dependents

GLOBAL = reqfile.parse(
    "# list\noslo.db!=1.0  # Apache-2.0\nalembic  # MIT\nMako  # MIT\n"
    "PyMySQL  # MIT\nsix  # MIT\nunused  # MIT\n", "gr.txt")


def _index() -> dependents.Index:
    return dependents.build([
        ("o/a", project.from_texts(
            {"requirements.txt": "oslo.db>=4\n"}, "a")),
        ("o/b", project.from_texts(
            {"setup.cfg": "[extras]\nx =\n  six\n"}, "b")),
    ])


class TestFind(base.TestCase):
    def test_without_graph_every_unlisted_entry_is_a_candidate(
            self) -> None:
        report = cruft.find(GLOBAL, _index())
        self.assertEqual([
            "gr.txt:3: alembic: none of the 2 projects lists it; candidate "
            "for removal (not checked against a dependency graph: "
            "something they list may need it; give --python)",
            "gr.txt:4: Mako: none of the 2 projects lists it; candidate "
            "for removal (not checked against a dependency graph: "
            "something they list may need it; give --python)",
            "gr.txt:5: PyMySQL: none of the 2 projects lists it; candidate "
            "for removal (not checked against a dependency graph: "
            "something they list may need it; give --python)",
            "gr.txt:7: unused: none of the 2 projects lists it; candidate "
            "for removal (not checked against a dependency graph: "
            "something they list may need it; give --python)",
        ], [str(f) for f in report.candidates])
        self.assertEqual({"cruft"}, {f.code for f in report.candidates})
        self.assertEqual(([], ()), (report.kept, report.not_installed))

    def test_graph_keeps_what_a_listed_name_needs(self) -> None:
        graph = dependents.graph([
            conflicts.Distribution("oslo.db", "1", (
                "alembic", "PyMySQL; extra == 'mysql'")),
            conflicts.Distribution("alembic", "1", ("Mako",)),
            conflicts.Distribution("Mako", "1"),
            conflicts.Distribution("PyMySQL", "1"),
        ], test_dependents.ENV)
        report = cruft.find(GLOBAL, _index(), graph, "the venv")
        self.assertEqual([
            "gr.txt:3: alembic is needed by oslo-db -> alembic (oslo.db is "
            "listed by o/a requirements.txt:1)",
            "gr.txt:4: Mako is needed by oslo-db -> alembic -> mako "
            "(oslo.db is listed by o/a requirements.txt:1)",
        ], [str(k) for k in report.kept])
        # PyMySQL only comes with oslo.db[mysql], which nobody asks for.
        self.assertEqual([
            "gr.txt:5: PyMySQL: none of the 2 projects lists it, and none "
            "of the 3 installed distributions they need requires it "
            "(installed in the venv); candidate for removal",
            "gr.txt:7: unused: none of the 2 projects lists it, and none "
            "of the 3 installed distributions they need requires it (not "
            "installed in the venv); candidate for removal",
        ], [str(f) for f in report.candidates])
        # six is listed but not in the graph: what it needs is unknown.
        self.assertEqual(("six",), report.not_installed)
        self.assertEqual(["oslo-db", "alembic", "mako"],
                         report.kept[1].as_dict()["chain"])
