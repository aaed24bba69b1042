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
