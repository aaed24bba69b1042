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

"""cap-requirements: cap a project's requirements at their pinned
versions for a stable branch, and take those caps off. Pure: no I/O.

A cap is ``<=VERSION`` appended to the requirement's specifiers
(``oslo.db>=4.0`` becomes ``oslo.db>=4.0,<=17.1.0``), written into the
line's text in place, so the comment, spacing, marker, quoting of a TOML
string and every other line stay as they were; :func:`uncap` removes
exactly a ``<=VERSION`` clause at the pin, so cap then uncap with the
same pins gives back the original bytes.  A line is left alone -- and a
note says why -- when its name has no pin, it is already bounded above
(``<``, ``<=``, ``==``, ``===``, ``~=``), the pin is outside its
specifiers, or it is a URL, a continued line or carries pip options.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
import dataclasses
import re

from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import errors
from openstack_requirements import project
from openstack_requirements import reqfile
from openstack_requirements import sync

CAP = "<="
#: Operators that already bound a requirement from above.
UPPER_OPERATORS = ("<", "<=", "==", "===", "~=")
_OPERATOR_RE = re.compile(r"^(===|==|~=|!=|<=|>=|<|>)")


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    files: tuple[sync.FilePlan, ...]  # the files that change
    notes: tuple[errors.Finding, ...]  # lines left alone, and why


def pinned(doc: reqfile.RequirementsFile) -> dict[str, str]:
    """Canonical name -> pinned version of the lines of *doc*.

    ``name===V`` (constraints) and ``name==V`` (``pip freeze``) lines.
    A name pinned at several versions (under markers) gets the highest:
    a cap must admit every one of them.

    :raises ParseError: an invalid line.
    """
    doc.require_valid()
    found: dict[str, str] = {}
    for line in doc.requirements():
        req = line.req
        assert req is not None
        specs = req.specifiers
        if req.url or len(specs) != 1:
            continue
        m = re.fullmatch(r"(===|==)([^*]+)", specs[0])
        if m is None:
            continue
        version = m.group(2)
        old = found.get(req.canonical)
        if old is None or _key(version) > _key(old):
            found[req.canonical] = version
    return found


def _key(version: str) -> tuple[int, Version | str]:
    try:
        return 1, Version(version)
    except InvalidVersion:
        return 0, version


def _operator(spec: str) -> str:
    m = _OPERATOR_RE.match(spec)
    return m.group(1) if m else ""


def _head_end(line: reqfile.Line) -> int:
    """Where the specifiers of *line* end in its text (before a ``)``)."""
    text = line.text
    body = text[:len(text) - len(line.comment)] if line.comment else text
    if line.marker_sep:
        body = body[:body.index(line.marker_sep)]
    head = body.rstrip()
    return len(head) - 1 if head.endswith(")") else len(head)


def _capped(line: reqfile.Line, version: str) -> str:
    assert line.req is not None
    end = _head_end(line)
    text = line.text
    clause = ("," if line.req.specifier else "") + CAP + version
    return text[:end] + clause + text[end:] + line.newline


def _uncapped(line: reqfile.Line, version: str) -> str | None:
    assert line.req is not None
    end = _head_end(line)
    text = line.text
    head = text[:end]
    alone = line.req.specifiers == (CAP + version,)
    pattern = (r"\s*<=\s*" if alone else r"\s*,\s*<=\s*") \
        + re.escape(version) + r"\s*$"
    m = re.search(pattern, head)
    if m is None:
        return None
    return head[:m.start()] + text[end:] + line.newline


def _editable(line: reqfile.Line) -> str | None:
    """Why *line* cannot be edited in place, or None."""
    assert line.req is not None
    if line.req.url:
        return "a URL requirement"
    if "\\\n" in line.raw or "\\\r\n" in line.raw:
        return "a continued line; cap it by hand"
    if line.options:
        return "it carries pip options; cap it by hand"
    return None


def _cap_line(
    line: reqfile.Line, pins: Mapping[str, str], pins_label: str
) -> tuple[str | None, str | None]:
    """(new text, None) to cap; (None, why not) to leave alone."""
    req = line.req
    assert req is not None
    why = _editable(line)
    if why:
        return None, f"{req.name}: {why}; not capped"
    version = pins.get(req.canonical)
    if version is None:
        return None, f"{req.name} is not pinned in {pins_label}; not capped"
    upper = [s for s in req.specifiers if _operator(s) in UPPER_OPERATORS]
    if upper:
        return None, (f"{req.name} is already bounded above "
                      f"({','.join(upper)}); not capped")
    if not req.specifier_set.contains(version, prereleases=True):
        return None, (f"{req.name}{req.specifier} excludes its pin "
                      f"{version} ({pins_label}); not capped")
    return _capped(line, version), None


def _uncap_line(
    line: reqfile.Line, pins: Mapping[str, str], pins_label: str
) -> tuple[str | None, str | None]:
    req = line.req
    assert req is not None
    version = pins.get(req.canonical)
    if version is None or CAP + version not in req.specifiers \
            or _editable(line):
        return None, None
    return _uncapped(line, version), None


Edit = Callable[[reqfile.Line, Mapping[str, str], str],
                tuple[str | None, str | None]]


def _plan(
    proj: project.Project, pins: Mapping[str, str], pins_label: str,
    edit: Edit,
) -> Plan:
    files = []
    notes = []
    for rel, doc in proj.files.items():
        edits: dict[str, list[list[reqfile.Line]]] = {}
        changes = []
        for section in project.sections_of(rel, doc):
            replaced: list[list[reqfile.Line]] = []
            touched = False
            for line in section.lines.lines:
                new_text, note = (edit(line, pins, pins_label)
                                  if line.req is not None else (None, None))
                if note:
                    notes.append(errors.Finding(
                        section.source, line.lineno, note, "not-capped"))
                if new_text is None or new_text == line.raw:
                    replaced.append([line])
                    continue
                new = reqfile.parse_line(line.lineno, new_text)
                replaced.append([new])
                touched = True
                assert line.req is not None
                changes.append(sync.Change(line.req.name, (line.text,),
                                           (new.text,)))
            if touched:
                edits[section.name] = replaced
        if edits:
            old_text = doc.render()
            new_text = project.render_with(doc, edits)
            if new_text != old_text:
                files.append(sync.FilePlan(rel, proj.path(rel), old_text,
                                           new_text, tuple(changes)))
    return Plan(tuple(files), tuple(notes))


def cap(
    proj: project.Project, pins: Mapping[str, str], pins_label: str
) -> Plan:
    """Cap every requirement of *proj* at its pin (see the module).

    :param pins: canonical name -> version (:func:`pinned`).
    :param pins_label: the file the pins come from, for the notes.
    """
    return _plan(proj, pins, pins_label, _cap_line)


def uncap(
    proj: project.Project, pins: Mapping[str, str], pins_label: str
) -> Plan:
    """Remove the ``<=PIN`` caps :func:`cap` wrote with the same pins."""
    return _plan(proj, pins, pins_label, _uncap_line)
