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

"""Property tests for the gate: edits, normalisation, projects.txt."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from openstack_requirements import check
from openstack_requirements import constraint_edit
from openstack_requirements import lists as lists_mod
from openstack_requirements import normalize
from openstack_requirements import policy
from openstack_requirements import project as project_mod
from openstack_requirements import reqfile
from openstack_requirements.requirement import canonical_name
from openstack_requirements.tests import base
from openstack_requirements.tests import strategies


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


class TestProjectsProperties(base.TestCase):
    @settings(deadline=None, max_examples=150)
    @given(st.lists(st.tuples(strategies.names, strategies.names),
                    max_size=15))
    def test_sorted_unique_lists_pass(
        self, pairs: list[tuple[str, str]]
    ) -> None:
        def key(pair: tuple[str, str]) -> str:
            return canonical_name(pair[0]) + "/" + canonical_name(pair[1])

        unique = {key(p): p for p in pairs}
        lines = [f"{a}/{b}" for a, b in sorted(unique.values(), key=key)]
        text = "".join(line + "\n" for line in lines)
        self.assertEqual([], policy.parse_projects(text, "p")[1])
        if len(lines) > 1:
            # Unique keys sort strictly, so the reverse is out of order.
            backwards = "".join(ln + "\n" for ln in reversed(lines))
            found = policy.parse_projects(backwards, "p")[1]
            self.assertEqual({"sorted"}, {f.code for f in found})


def _shipped(name: str) -> reqfile.RequirementsFile:
    path = base.repo_file(name)
    return reqfile.parse(base.read(path), path)


class TestCheckProperties(base.TestCase):
    @settings(deadline=None, max_examples=40)
    @given(st.data())
    def test_global_lines_with_lower_bounds_are_clean(
        self, data: st.DataObject
    ) -> None:
        # Any project that copies global lines (every line of a name,
        # markers and exclusions as they are) and adds a lower bound
        # passes; a line written twice breaks the line count and the
        # duplicate rule, except on stable branches where it is allowed.
        global_doc = _shipped("global-requirements.txt")
        black = frozenset(_shipped("blacklist.txt").by_name())
        index = global_doc.by_name()
        names = sorted(n for n in index if n not in black)
        picked = data.draw(st.lists(st.sampled_from(names), min_size=1,
                                    max_size=12, unique=True))
        lines = []
        for name in picked:
            for gline in index[name]:
                assert gline.req is not None
                spec = ",".join([">=0.1", *gline.req.specifiers])
                lines.append(gline.req.replace(specifier=spec).render())
        order = data.draw(st.permutations(lines))
        text = "".join(line + "\n" for line in order)
        lists = lists_mod.Lists(global_doc, black)
        proj = project_mod.from_texts({
            "requirements.txt": text,
            "pyproject.toml": "[build-system]\nbuild-backend = 'pbr.build'\n"})
        self.assertEqual([], check.check_project(proj, lists))
        extra = data.draw(st.sampled_from(order))
        doubled = project_mod.from_texts(
            {"requirements.txt": text + extra + "\n"})
        codes = {f.code for f in check.check_project(
            doubled, lists, check.Options(branch="stable/x"))}
        # Stable branches allow the duplicate, and it counts once.
        self.assertEqual(set(), codes)
        codes = {f.code for f in check.check_project(doubled, lists)}
        codes.discard("build-system")
        self.assertEqual({"line-count", "duplicate"}, codes)
