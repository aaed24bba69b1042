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

"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from openstack_requirements import sync

names = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}([._-][A-Za-z0-9]{1,4})?",
                      fullmatch=True)
versions = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){1,2}", fullmatch=True)
operators = st.sampled_from([">=", "<=", "!=", "==", "<", ">", "~=", "==="])
specifiers = st.lists(
    st.tuples(operators, st.sampled_from(["", " "]), versions).map(
        lambda t: t[0] + t[1] + t[2]),
    max_size=3,
).map(",".join)
markers = st.sampled_from([
    "", ";python_version>='3.10'", "; sys_platform!='win32'",
    ":python_version=='2.7'", ";platform_machine=='x86_64' and "
    "python_version<'3.12'",
])
extras = st.lists(names, max_size=2).map(
    lambda xs: "[" + ",".join(xs) + "]" if xs else "")
comments = st.sampled_from(["", "  # Apache-2.0", "\t#MIT", " # BSD  "])
spaces = st.sampled_from(["", " ", "  ", "\t"])
requirement_lines = st.tuples(
    spaces, names, extras, spaces, specifiers, markers, comments
).map(lambda t: "".join(t))
option_lines = st.sampled_from([
    "-r other.txt", "-c upper-constraints.txt", "-e .",
    "-e git+https://opendev.org/openstack/oslo.db#egg=oslo.db",
    "-f /srv/wheels", "--index-url https://pypi.example/simple",
    "--extra-index-url=https://x.example/simple", "--pre",
    "foo==1.0 \\\n    --hash=sha256:0011",
    "git+https://opendev.org/openstack/nova#egg=nova",
])
comment_lines = st.text(max_size=20).map(lambda s: "#" + s.replace("\n", ""))
blank_lines = st.sampled_from(["", " ", "\t", "  \t "])
lines = st.one_of(requirement_lines, option_lines, comment_lines, blank_lines)
newlines = st.sampled_from(["\n", "\r\n"])


@st.composite
def files(draw: st.DrawFn) -> str:
    """Text of a plausible requirements file, CRLF and all."""
    body = draw(st.lists(st.tuples(lines, newlines), max_size=12))
    text = "".join(line + nl for line, nl in body)
    if text and draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final newline
    return text


# Sync: central lists and project files drawn from small pools, so that
# their names overlap, spelled in several ways, with the special names
# (blacklist, hacking) among them.
SYNC_NAMES = ["six", "oslo.db", "Oslo_DB", "requests", "pyroute2", "Babel",
              "left-pad", "hacking", "flake8", "PyMySQL"]
SYNC_VERSIONS = ["1.0", "1.1", "2.0", "2.0.1"]
SYNC_MARKERS = ["", "python_version>='3.10'", "sys_platform!='win32'",
                "sys_platform=='win32'"]
sync_versions = st.sampled_from(SYNC_VERSIONS)
central_specs = st.lists(
    st.tuples(st.sampled_from(["!=", "<", "<=", ">="]), sync_versions)
    .map("".join), max_size=3, unique=True).map(",".join)
project_specs = st.lists(
    st.tuples(st.sampled_from([">=", ">", "==", "~=", "!=", "<"]),
              sync_versions)
    .map("".join), max_size=3, unique=True).map(",".join)


@st.composite
def centrals(draw: st.DrawFn) -> str:
    """Text of a central global-requirements list."""
    lines = []
    for name in draw(st.lists(st.sampled_from(SYNC_NAMES), unique_by=lambda n:
                              n.lower().replace("_", "."))):
        markers = draw(st.lists(st.sampled_from(SYNC_MARKERS), min_size=1,
                                max_size=2, unique=True))
        for marker in markers:
            lines.append(name + draw(central_specs)
                         + (";" + marker if marker else "")
                         + draw(comments) + "\n")
    return "".join(lines)


@st.composite
def requirement_texts(draw: st.DrawFn, sep: str = ";") -> str:
    """One project requirement, without a comment."""
    extras = draw(st.sampled_from(["", "[mysql]", "[a,b]"]))
    marker = draw(st.sampled_from(SYNC_MARKERS))
    return (draw(st.sampled_from(SYNC_NAMES)) + extras + draw(project_specs)
            + (sep + marker if marker else ""))


@st.composite
def requirements_files(draw: st.DrawFn) -> str:
    """Text of a project's requirements.txt."""
    other = st.sampled_from([
        "", "# a comment", "-r other.txt", "-e .",
        "-e git+https://opendev.org/openstack/six#egg=six",
        "# of appearance. Changing the order has an impact on the overall "
        "integration",
    ])
    lines = draw(st.lists(st.one_of(
        st.tuples(requirement_texts(), comments).map("".join), other),
        max_size=8))
    newline = draw(newlines)
    return "".join(line + newline for line in lines)


@st.composite
def setup_cfgs(draw: st.DrawFn) -> str:
    """Text of a project's setup.cfg with [extras]."""
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
    """Text of a project's pyproject.toml with requirement arrays."""
    def array() -> str:
        items = draw(st.lists(requirement_texts(), max_size=4))
        return "[" + ", ".join(f'"{x}"' for x in items) + "]"

    return (f"[project]\nname = 'demo'\ndependencies = {array()}\n\n"
            f"[project.optional-dependencies]\ndb = {array()}\n\n"
            f"[dependency-groups]\ntest = {array()}\n")


#: (path, text) of one project file of any kind the sync edits.
project_files = st.one_of(
    st.tuples(st.just("requirements.txt"), requirements_files()),
    st.tuples(st.just("setup.cfg"), setup_cfgs()),
    st.tuples(st.just("pyproject.toml"), pyprojects()),
)
sync_options = st.builds(
    sync.Options,
    mode=st.sampled_from([sync.Mode.HARD, sync.Mode.SOFT]),
    hacking=st.booleans(),
    drop_unknown=st.booleans(),
)
