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

"""Property tests of the sync: idempotent, soft mode keeps every name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from openstack_requirements import project
from openstack_requirements import reqfile
from openstack_requirements import sync
from openstack_requirements.tests import base

# A small pool so that project and central names overlap, spelled in
# several ways, with the special names (blacklist, hacking) among them.
NAMES = ["six", "oslo.db", "Oslo_DB", "requests", "pyroute2", "Babel",
         "left-pad", "hacking", "flake8", "PyMySQL"]
VERSIONS = ["1.0", "1.1", "2.0", "2.0.1"]
MARKERS = ["", "python_version>='3.10'", "sys_platform!='win32'",
           "sys_platform=='win32'"]
versions = st.sampled_from(VERSIONS)
central_specs = st.lists(
    st.tuples(st.sampled_from(["!=", "<", "<=", ">="]), versions)
    .map("".join), max_size=3, unique=True).map(",".join)
project_specs = st.lists(
    st.tuples(st.sampled_from([">=", ">", "==", "~=", "!=", "<"]), versions)
    .map("".join), max_size=3, unique=True).map(",".join)
comments = st.sampled_from(["", "  # MIT", "  # Apache-2.0", " # mine"])


@st.composite
def centrals(draw: st.DrawFn) -> str:
    lines = []
    for name in draw(st.lists(st.sampled_from(NAMES), unique_by=lambda n:
                              n.lower().replace("_", "."))):
        markers = draw(st.lists(st.sampled_from(MARKERS), min_size=1,
                                max_size=2, unique=True))
        for marker in markers:
            lines.append(name + draw(central_specs)
                         + (";" + marker if marker else "")
                         + draw(comments) + "\n")
    return "".join(lines)


@st.composite
def requirement_texts(draw: st.DrawFn, sep: str = ";") -> str:
    extras = draw(st.sampled_from(["", "[mysql]", "[a,b]"]))
    marker = draw(st.sampled_from(MARKERS))
    return (draw(st.sampled_from(NAMES)) + extras + draw(project_specs)
            + (sep + marker if marker else ""))


@st.composite
def requirements_files(draw: st.DrawFn) -> str:
    other = st.sampled_from([
        "", "# a comment", "-r other.txt", "-e .",
        "-e git+https://opendev.org/openstack/six#egg=six",
        "# of appearance. Changing the order has an impact on the overall "
        "integration",
    ])
    lines = draw(st.lists(st.one_of(
        st.tuples(requirement_texts(), comments).map("".join), other),
        max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return "".join(line + newline for line in lines)


@st.composite
def setup_cfgs(draw: st.DrawFn) -> str:
    sep = draw(st.sampled_from([";", ":"]))
    extras = draw(st.lists(st.lists(
        st.tuples(requirement_texts(sep), comments).map("".join),
        max_size=4), max_size=3))
    text = "[metadata]\nname = demo\n\n[extras]\n"
    for index, lines in enumerate(extras):
        text += f"extra{index} =\n" + "".join(f"  {x}\n" for x in lines)
    return text + "\n[files]\npackages = demo\n"


@st.composite
def pyprojects(draw: st.DrawFn) -> str:
    def array() -> str:
        items = draw(st.lists(requirement_texts(), max_size=4))
        return "[" + ", ".join(f'"{x}"' for x in items) + "]"

    return (f"[project]\nname = 'demo'\ndependencies = {array()}\n\n"
            f"[project.optional-dependencies]\ndb = {array()}\n\n"
            f"[dependency-groups]\ntest = {array()}\n")


files = st.one_of(
    st.tuples(st.just("requirements.txt"), requirements_files()),
    st.tuples(st.just("setup.cfg"), setup_cfgs()),
    st.tuples(st.just("pyproject.toml"), pyprojects()),
)
options = st.builds(
    sync.Options,
    mode=st.sampled_from([sync.Mode.HARD, sync.Mode.SOFT]),
    hacking=st.booleans(),
    drop_unknown=st.booleans(),
)


def central_list(text: str) -> sync.Central:
    return sync.central(reqfile.parse(text, "global-requirements.txt"),
                        reqfile.parse("flake8\nhacking\n", "blacklist.txt"))


def plan(rel: str, text: str, central: sync.Central,
         opts: sync.Options) -> sync.Plan:
    proj = project.Project("demo", {rel: project.parse(rel, text, rel)})
    return sync.plan(proj, central, opts)


def names(rel: str, text: str) -> set[str]:
    doc = project.parse(rel, text, rel)
    return {line.req.canonical
            for section in project.sections_of(rel, doc)
            for line in section.lines.requirements()
            if line.req is not None}


class TestSyncProperties(base.TestCase):
    @settings(deadline=None, max_examples=150)
    @given(centrals(), files, options)
    def test_sync_is_idempotent(
        self, central_text: str, file: tuple[str, str],
        opts: sync.Options,
    ) -> None:
        rel, text = file
        central = central_list(central_text)
        first = plan(rel, text, central, opts)
        if first.errors:  # hard mode, unknown name: nothing is written
            return
        new = first.files[0].new
        second = plan(rel, new, central, opts)
        self.assertEqual(((), []), (second.errors, second.changed))
        self.assertEqual((), second.files[0].changes)

    @settings(deadline=None, max_examples=100)
    @given(centrals(), files, st.booleans())
    def test_soft_mode_never_drops_a_requirement(
        self, central_text: str, file: tuple[str, str], hacking: bool,
    ) -> None:
        rel, text = file
        opts = sync.Options(mode=sync.Mode.SOFT, hacking=hacking)
        result = plan(rel, text, central_list(central_text), opts)
        self.assertEqual((), result.errors)
        self.assertEqual(names(rel, text), names(rel, result.files[0].new))

    @settings(deadline=None, max_examples=100)
    @given(files)
    def test_project_files_round_trip(self, file: tuple[str, str]) -> None:
        rel, text = file
        self.assertEqual(text, project.parse(rel, text, rel).render())
