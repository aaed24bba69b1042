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

"""Replace, add or remove the pin of one name in a constraints file.

Pure: no I/O.  Every other line of the document is left exactly as it
was; the new line takes the file's newline style.
"""

from __future__ import annotations

import dataclasses
import enum

from openstack_requirements import errors
from openstack_requirements import reqfile
from openstack_requirements import requirement


class Action(enum.Enum):
    REPLACED = "replaced"
    ADDED = "added"
    REMOVED = "removed"
    UNCHANGED = "unchanged"


@dataclasses.dataclass(frozen=True, slots=True)
class Edit:
    doc: reqfile.RequirementsFile
    action: Action
    lines: int  # how many lines for the name there were


def replacement_line(name: str, text: str) -> reqfile.Line:
    """Parse REPLACEMENT: a requirement, a URL or an ``-e URL`` line.

    :raises ParseError: malformed, or naming another distribution.
    """
    text = text.strip()
    if "\n" in text or "\r" in text:
        raise errors.ParseError("REPLACEMENT", 1, text.splitlines()[0],
                                "give the replacement as one line")
    line = reqfile.parse_line(1, text, text)
    if line.kind is reqfile.Kind.INVALID:
        raise errors.ParseError("REPLACEMENT", 1, text,
                                f"{line.error}; fix the replacement")
    if line.kind not in (reqfile.Kind.REQUIREMENT, reqfile.Kind.URL,
                         reqfile.Kind.OPTION):
        raise errors.ParseError("REPLACEMENT", 1, text,
                                "expected a requirement or URL line")
    if line.kind is reqfile.Kind.OPTION and line.req is None:
        raise errors.ParseError(
            "REPLACEMENT", 1, text,
            "an option line must be '-e URL#egg=NAME' naming the "
            "distribution")
    if line.kind is reqfile.Kind.URL and line.req is None:
        # Without a name the next edit could not find the line again.
        raise errors.ParseError(
            "REPLACEMENT", 1, text,
            f"a URL replacement must name the distribution: add "
            f"'#egg={name}'")
    if line.req is not None and line.req.canonical != \
            requirement.canonical_name(name):
        raise errors.ParseError(
            "REPLACEMENT", 1, text,
            f"the replacement is for {line.req.name}, not {name}; edit "
            "one name at a time")
    return line


def edit(
    doc: reqfile.RequirementsFile, name: str, replacement: str = ""
) -> Edit:
    """Replace every line for *name* (canonical match) with *replacement*.

    The first line for *name* is replaced in place and the others are
    dropped; *replacement* is appended when *name* is absent; an empty
    *replacement* removes *name*.

    :raises ParseError: an unusable *replacement*.
    """
    key = requirement.canonical_name(name)
    new: reqfile.Line | None = None
    if replacement.strip():
        new = replacement_line(name, replacement)
    newline = doc.newline
    matches = [line for line in doc.lines if line.name == key]
    if not matches:
        if new is None:
            return Edit(doc, Action.UNCHANGED, 0)
        lines = list(doc.lines)
        if lines and not lines[-1].newline:
            last = lines[-1]
            lines[-1] = dataclasses.replace(last, raw=last.raw + newline)
        lines.append(dataclasses.replace(new, raw=new.text + newline))
        return Edit(doc.with_lines(lines), Action.ADDED, 0)
    out = []
    placed = False
    for line in doc.lines:
        if line.name != key:
            out.append(line)
        elif new is not None and not placed:
            placed = True
            # Keep the old line's newline (or its absence at the end).
            out.append(dataclasses.replace(new, raw=new.text + line.newline))
    result = doc.with_lines(out)
    if new is None:
        return Edit(result, Action.REMOVED, len(matches))
    action = Action.UNCHANGED if result.render() == doc.render() \
        else Action.REPLACED
    return Edit(result, action, len(matches))
