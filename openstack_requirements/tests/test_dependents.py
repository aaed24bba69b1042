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

import os
import textwrap

from openstack_requirements import conflicts
from openstack_requirements import dependents
from openstack_requirements import errors
from openstack_requirements import project
from openstack_requirements.tests import base

NOVA = {
    "requirements.txt": "# top\noslo.db>=4.0  # Apache-2.0\nsix\n",
    "test-requirements.txt": "oslo_db[fixtures]>=5;python_version>='3.9'\n",
    "setup.cfg": textwrap.dedent("""\
        [metadata]
        name = nova

        [extras]
        mysql =
          PyMySQL>=0.7
        """),
    "pyproject.toml": textwrap.dedent("""\
        [build-system]
        requires = ["pbr>=6.0.0"]
        build-backend = "pbr.build"

        [project]
        name = "nova"
        dependencies = ["requests>=2"]

        [project.optional-dependencies]
        db = ["Oslo.DB"]

        [dependency-groups]
        test = ["pymysql", {include-group = "other"}]
        other = []
        """),
}


def _where(uses: tuple[dependents.Use, ...]) -> list[tuple[str, ...]]:
    return [(u.project, u.where, str(u.lineno), u.name, u.specifier,
             u.marker, ",".join(u.extras)) for u in uses]


class TestBuild(base.TestCase):
    def test_every_file_and_section_with_its_specifier(self) -> None:
        index = dependents.build([
            ("openstack/nova", project.from_texts(NOVA, "nova")),
            ("openstack/glance",
             project.from_texts({"requirements.txt": "six>=1.10\n"}, "g")),
        ])
        self.assertEqual([
            ("openstack/nova", "requirements.txt", "2", "oslo.db", ">=4.0",
             "", ""),
            ("openstack/nova", "test-requirements.txt", "1", "oslo_db",
             ">=5", "python_version>='3.9'", "fixtures"),
            ("openstack/nova",
             "pyproject.toml [project.optional-dependencies] db", "10",
             "Oslo.DB", "", "", ""),
        ], _where(index.users("OSLO-db")))
        self.assertEqual([
            ("openstack/nova", "setup.cfg [extras] mysql", "6", "PyMySQL",
             ">=0.7", "", ""),
            ("openstack/nova", "pyproject.toml [dependency-groups] test",
             "13", "pymysql", "", "", ""),
        ], _where(index.users("pymysql")))
        self.assertEqual(
            [("openstack/nova", "pyproject.toml [build-system] requires",
              "1", "pbr", ">=6.0.0", "", "")], _where(index.users("pbr")))
        self.assertEqual(["openstack/nova", "openstack/glance"],
                         [u.project for u in index.users("six")])
        self.assertEqual("nova/requirements.txt",
                         index.users("six")[0].source)
        self.assertEqual((), index.users("nothing"))
        self.assertEqual(
            {"oslo-db", "six", "pymysql", "requests", "pbr"}, index.names())

    def test_as_dict(self) -> None:
        index = dependents.build([
            ("o/p", project.from_texts({"requirements.txt": "a[x]>1\n"}))])
        self.assertEqual(
            {"project": "o/p", "where": "requirements.txt", "kind": "file",
             "file": "requirements.txt", "source": "requirements.txt",
             "line": 1, "name": "a", "extras": ["x"], "specifier": ">1",
             "marker": "", "url": ""},
            index.users("a")[0].as_dict())


def _dist(name: str, *requires: str) -> conflicts.Distribution:
    return conflicts.Distribution(name, "1.0", requires)


ENV = {"python_version": "3.12", "sys_platform": "linux",
       "platform_system": "Linux", "implementation_name": "cpython",
       "os_name": "posix", "platform_machine": "x86_64",
       "platform_python_implementation": "CPython",
       "python_full_version": "3.12.1", "platform_release": "",
       "platform_version": "", "implementation_version": "3.12.1"}


class TestGraph(base.TestCase):
    def graph(self) -> dict[str, dependents.Node]:
        return dependents.graph([
            _dist("Oslo.DB", "SQLAlchemy>=1", "alembic",
                  "PyMySQL; extra == 'mysql'",
                  "pywin32; sys_platform == 'win32'"),
            _dist("alembic", "Mako"),
            _dist("SQLAlchemy"), _dist("Mako"), _dist("PyMySQL"),
            _dist("lonely"),
        ], ENV)

    def test_markers_evaluated_and_extras_kept(self) -> None:
        node = self.graph()["oslo-db"]
        self.assertEqual(
            [("sqlalchemy", ""), ("alembic", ""), ("pymysql", "mysql")],
            [(e.name, e.extra) for e in node.edges])

    def test_reach_follows_extras_asked_for(self) -> None:
        graph = self.graph()
        self.assertEqual(
            {"oslo-db": ("oslo-db",),
             "sqlalchemy": ("oslo-db", "sqlalchemy"),
             "alembic": ("oslo-db", "alembic"),
             "mako": ("oslo-db", "alembic", "mako")},
            dependents.reach(graph, {"oslo-db": ()}))
        self.assertEqual(
            ("oslo-db", "pymysql"),
            dependents.reach(graph, {"oslo-db": ("mysql",)})["pymysql"])
        # A name not installed ends its chain.
        self.assertEqual({"absent": ("absent",)},
                         dependents.reach(graph, {"absent": ()}))

    def test_requirers_transitive(self) -> None:
        self.assertEqual(
            {"alembic": ("alembic", "mako"),
             "oslo-db": ("oslo-db", "alembic", "mako")},
            dependents.requirers(self.graph(), "Mako"))
        self.assertEqual({}, dependents.requirers(self.graph(), "lonely"))


class TestRead(base.TestCase):
    def test_projects_txt_checkouts_missing_and_unreadable(self) -> None:
        root = self.make_dir()
        src = self.make_dir()
        txt = self.write(src, "projects.txt",
                         "openstack/bad\nopenstack/gone\nopenstack/nova\n"
                         "nova\n")
        for rel, text in NOVA.items():
            self.write(root, os.path.join("openstack", "nova", rel), text)
        self.write(root, "bad/pyproject.toml", "[project\n")
        index = dependents.read(root, txt)
        self.assertEqual(("openstack/nova",), index.projects)
        self.assertEqual(("openstack/gone",), index.missing)
        self.assertEqual(3, len(index.users("oslo.db")))
        self.assertEqual(
            [f"{txt}:4: expected 'namespace/name', found 'nova'; one "
             "project per line, no spaces or comments",
             f"{txt}:1: openstack/bad cannot be read, left out: "
             f"{root}/bad/pyproject.toml:1: invalid TOML: Unexpected "
             "character: '\\n'; fix the syntax\n    [project"],
            [str(f) for f in index.findings])

    def test_error_root_is_not_a_directory(self) -> None:
        src = self.make_dir()
        txt = self.write(src, "projects.txt", "openstack/nova\n")
        exc = self.assertRaises(errors.InputError, dependents.read,
                                os.path.join(src, "nope"), txt)
        self.assertIn("not a directory", str(exc))


class TestAffected(base.TestCase):
    def test_transitive_user_with_its_path_and_shortest_wins(self) -> None:
        from openstack_requirements import constraints

        index = dependents.build([
            ("openstack/nova", project.from_texts(
                {"requirements.txt": "requests\nurllib3\n"}, "nova")),
            ("openstack/heat", project.from_texts(
                {"requirements.txt": "keystoneauth1\n"}, "heat")),
        ])
        freeze = constraints.Freeze("3.12", (
            constraints.Pin("keystoneauth1", "5", requires=("requests",)),
            constraints.Pin("requests", "2", requires=("urllib3<3",)),
            constraints.Pin("urllib3", "2")))
        graph = dependents.freeze_graph([freeze], {"3.12": {
            "python_version": "3.12", "sys_platform": "linux"}})
        found = dependents.affected(index, graph, ["URLLIB3"])
        self.assertEqual(
            [("openstack/heat", ("keystoneauth1", "requests", "urllib3")),
             ("openstack/nova", ("urllib3",))],
            [(a.project, a.path) for a in found])
        self.assertEqual("openstack/heat: urllib3 (via keystoneauth1 -> "
                         "requests -> urllib3; requirements.txt, line 1)",
                         str(found[0]))
