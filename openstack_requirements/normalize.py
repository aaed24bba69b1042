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

"""Normalised rendering of requirement lines. Pure: no I/O.

``name[extras]specifiers;marker  # comment`` with no spaces inside the
requirement, specifiers sorted as ``packaging`` sorts a SpecifierSet,
the marker as ``packaging`` prints it, and exactly two spaces before a
trailing comment.  Blank, comment, option and URL lines are kept.
"""

from __future__ import annotations

import dataclasses

from openstack_requirements import reqfile
from openstack_requirements.requirement import Requirement


def normalize_requirement(req: Requirement) -> Requirement:
    """*req* with sorted specifiers and a packaging-normalised marker."""
    specifier = str(req.specifier_set) if req.specifier else ""
    marker_obj = req.marker_obj
    marker = str(marker_obj) if marker_obj is not None else ""
    extras = tuple(sorted(req.extras, key=str.lower))
    return req.replace(specifier=specifier, marker=marker, extras=extras)


def normalize_line(line: reqfile.Line) -> reqfile.Line:
    """One line normalised; lines that are not requirements are kept."""
    if line.kind is not reqfile.Kind.REQUIREMENT or line.req is None:
        return line
    req = normalize_requirement(line.req)
    comment = line.comment.strip()
    new = reqfile.make_line(req, comment, line.newline, ";", line.options)
    return dataclasses.replace(new, lineno=line.lineno)


def normalize(doc: reqfile.RequirementsFile) -> reqfile.RequirementsFile:
    """The document with every requirement line normalised.

    Call ``doc.require_valid()`` first: invalid lines are kept as they
    are.
    """
    return reqfile.RequirementsFile(
        doc.source, tuple(normalize_line(line) for line in doc.lines))
