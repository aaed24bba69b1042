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
requirement, specifiers sorted as the upstream validate job sorts them
(:func:`specifier_key`), the marker as ``packaging`` prints it, and
exactly two spaces before a trailing comment.  Blank, comment, option
and URL lines are kept.
"""

from __future__ import annotations

import dataclasses

from packaging.specifiers import Specifier
from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import reqfile
from openstack_requirements.requirement import Requirement

#: Where an operator goes in a sorted specifier: floors first, then
#: pins and exclusions, then caps -- the order of upstream's
#: ``requirement.key_specifier``, so a list the upstream job calls
#: uniformly formatted is normal here too.
_OPERATOR_WEIGHT = {">=": 0, ">": 0, "===": 1, "==": 1, "~=": 1, "!=": 1,
                    "<": 2, "<=": 2}


def specifier_key(
    spec: Specifier,
) -> tuple[int, tuple[int, Version | str], str]:
    """Sort key of one specifier: its operator's place, then its version.

    Versions compare as versions (``!=2.9.0`` before ``!=2.17.0``,
    ``!=4.0.5rc1`` before ``!=4.0.5``); one that is not a version
    (``==1.*``, an arbitrary ``===`` string) sorts after them as text.
    """
    try:
        version: tuple[int, Version | str] = (0, Version(spec.version))
    except InvalidVersion:
        version = (1, spec.version)
    return _OPERATOR_WEIGHT.get(spec.operator, 1), version, spec.operator


def normalize_requirement(
    req: Requirement, *, markers: bool = True
) -> Requirement:
    """*req* with sorted specifiers and a packaging-normalised marker.

    With *markers* False the marker keeps its own spelling (stripped):
    upstream's formatting rule, which leaves ``;sys_platform!='win32'``
    alone.
    """
    specifier = ",".join(
        str(spec) for spec in sorted(req.specifier_set, key=specifier_key))
    marker_obj = req.marker_obj
    if marker_obj is None:
        marker = ""
    else:
        marker = str(marker_obj) if markers else req.marker.strip()
    extras = tuple(sorted(req.extras, key=str.lower))
    return req.replace(specifier=specifier, marker=marker, extras=extras)


def normalize_line(
    line: reqfile.Line, *, markers: bool = True
) -> reqfile.Line:
    """One line normalised; lines that are not requirements are kept.

    *markers* as for :func:`normalize_requirement`.
    """
    if line.kind is not reqfile.Kind.REQUIREMENT or line.req is None:
        return line
    req = normalize_requirement(line.req, markers=markers)
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
