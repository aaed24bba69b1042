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

"""License classifier: project metadata -> license class. Pure: no I/O.

PEP 639 ``License-Expression`` (OR takes the best, AND the worst), else
the ``License ::`` classifiers and the free-text License field, which must
agree.  Apache, BSD, MIT, PSF and ISC are permissive, LGPL acceptable, GPL
and AGPL rejected; anything else goes to a human.
"""

from __future__ import annotations

import dataclasses
import enum
import re

from openstack_requirements import releases

try:  # packaging 24.2+ validates PEP 639 expressions
    from packaging.licenses import canonicalize_license_expression
    from packaging.licenses import InvalidLicenseExpression
except ImportError:  # pragma: no cover - packaging < 24.2
    canonicalize_license_expression = None  # type: ignore[assignment]


class LicenseClass(enum.Enum):
    PERMISSIVE = 0  # Apache, BSD, MIT, PSF, ISC: fine
    LGPL = 1  # acceptable
    ODD = 2  # recognised but not on the list, or an exception: a human
    UNKNOWN = 3  # nothing usable in the metadata: a human
    GPL = 4  # GPL, AGPL: rejected


@dataclasses.dataclass(frozen=True, slots=True)
class License:
    kind: LicenseClass
    label: str  # "Apache-2.0", "GPL-3.0", "no license metadata"
    source: str  # where it was read from


# OSI-approved permissive SPDX ids only: BSD-4-Clause (the advertising
# clause), BSD-Protection and the other BSD-* variants go to a human.
_SPDX_PERMISSIVE = re.compile(
    r"(Apache-2\.0|Apache-1\.1|MIT|MIT-0|X11|0BSD|BSD-1-Clause"
    r"|BSD-2-Clause|BSD-2-Clause-Patent|BSD-3-Clause|BSD-3-Clause-LBNL"
    r"|PSF-2\.0|Python-2\.0(\.1)?|CNRI-Python|ISC)", re.IGNORECASE)
# Words after a license name that make it something else: "GPL-compatible"
# is not the GPL, "BSD 4-clause" not the permissive BSD.
_NOT_THE_LICENSE = re.compile(
    r"[-\s]*(?:compatible|4[-\s]*clause|protection|original)",
    re.IGNORECASE)
# A copyright notice, not a license: "Copyright (c) MIT Lincoln Lab, all
# rights reserved" names MIT the institute, not the MIT license.
_RESERVED = re.compile(r"all\s+rights\s+reserved", re.IGNORECASE)
_GRANT = re.compile(r"licen[cs]e|permission\s+is\s+hereby\s+granted"
                    r"|redistribution\s+and\s+use", re.IGNORECASE)
# Longest alternatives first: "lesser general public" before "general
# public", "agpl" before "gpl".
_TERMS = re.compile(
    r"(?P<agpl>affero(?:\s+general\s+public)?|\bagpl)"
    r"|(?P<lgpl>lesser\s+general\s+public|library\s+general\s+public"
    r"|\blgpl)"
    r"|(?P<gpl>general\s+public\s+licen[cs]e|\bgpl|\bgnu\s+gplv?)"
    r"|(?P<apache>\bapache)"
    r"|(?P<bsd>\bbsd|0bsd)"
    r"|(?P<mit>\bmit\b|\bexpat\b|permission\s+is\s+hereby\s+granted)"
    r"|(?P<psf>python\s+software\s+foundation|\bpsf\b|\bpython-2\.0)"
    r"|(?P<isc>\bisc\b)"
    r"|(?P<mpl>mozilla|\bmpl\b)",
    re.IGNORECASE)
_GPL_VERSION = re.compile(
    r"\s*(?:licen[cs]e\s*)?(?:,?\s*v(?:ersion)?\s*)?(\d)(?:\.\d)?"
    r"(\+|\s+or\s+later|-or-later)?",
    re.IGNORECASE)
_LABELS = {"apache": ("Apache-2.0", LicenseClass.PERMISSIVE),
           "bsd": ("BSD", LicenseClass.PERMISSIVE),
           "mit": ("MIT", LicenseClass.PERMISSIVE),
           "psf": ("PSF", LicenseClass.PERMISSIVE),
           "isc": ("ISC", LicenseClass.PERMISSIVE),
           "mpl": ("MPL-2.0", LicenseClass.ODD),
           "lgpl": ("LGPL", LicenseClass.LGPL),
           "gpl": ("GPL", LicenseClass.GPL),
           "agpl": ("AGPL", LicenseClass.GPL)}


def _classify_text(text: str) -> tuple[LicenseClass, str] | None:
    """Free text (License field or classifier) -> class and label."""
    found: list[tuple[LicenseClass, str]] = []
    if _RESERVED.search(text[:2000]) and not _GRANT.search(text[:2000]):
        return LicenseClass.ODD, text.strip().splitlines()[0][:80]
    for m in _TERMS.finditer(text[:2000]):
        key = m.lastgroup or ""
        label, kind = _LABELS[key]
        odd = _NOT_THE_LICENSE.match(text, m.end())
        if odd:
            label = text[m.start():odd.end()].strip()
            if (LicenseClass.ODD, label) not in found:
                found.append((LicenseClass.ODD, label))
            continue
        if key in ("gpl", "lgpl", "agpl"):
            # Skip "GPL" inside the parenthesised "(LGPL)" or "(GPLv3)"
            # that repeats a classifier's words.
            v = _GPL_VERSION.match(text, m.end())
            if v:
                label += f"-{v.group(1)}.0" + ("-or-later" if v.group(2)
                                               else "")
        if (kind, label) not in found and not any(
                k == kind and lab.startswith(label) for k, lab in found):
            found = [(k, lab) for k, lab in found
                     if not (k == kind and label.startswith(lab))]
            found.append((kind, label))
    if not found:
        return None
    labels = " / ".join(lab for _, lab in found)
    kinds = {k for k, _ in found}
    if "exception" in text.lower() and LicenseClass.GPL in kinds:
        return LicenseClass.ODD, labels + " with an exception"
    if len(kinds) == 1:
        return found[0][0], labels
    lowered = text.lower()
    if "dual" in lowered or " or " in lowered or "/" in text:
        return min(kinds, key=lambda k: k.value), labels  # a choice
    return LicenseClass.ODD, labels


def _spdx_id(token: str, exception: str) -> tuple[LicenseClass, str]:
    label = token + (f" WITH {exception}" if exception else "")
    upper = token.upper()
    if upper.startswith(("AGPL", "GPL")):
        return (LicenseClass.ODD if exception else LicenseClass.GPL), label
    if upper.startswith("LGPL"):
        return LicenseClass.LGPL, label
    if _SPDX_PERMISSIVE.fullmatch(token):
        return LicenseClass.PERMISSIVE, label
    return LicenseClass.ODD, label


def _classify_expression(text: str) -> tuple[LicenseClass, str]:
    """PEP 639 License-Expression: OR takes the best, AND the worst."""
    tokens: list[str] = re.findall(r"\(|\)|[^\s()]+", text)
    pos = 0

    def peek() -> str:
        return tokens[pos] if pos < len(tokens) else ""

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def factor() -> tuple[LicenseClass, str]:
        if peek() == "(":
            take()
            result = expr()
            if peek() == ")":
                take()
            return result
        token = take() if peek() else "?"
        exception = ""
        if peek().upper() == "WITH":
            take()
            exception = take() if peek() else "?"
        return _spdx_id(token, exception)

    def combine(op: str, sub: list[tuple[LicenseClass, str]],
                pick: str) -> tuple[LicenseClass, str]:
        if len(sub) == 1:
            return sub[0]
        value = (min if pick == "best" else max)(k.value for k, _ in sub)
        return LicenseClass(value), f" {op} ".join(lab for _, lab in sub)

    def term() -> tuple[LicenseClass, str]:
        parts = [factor()]
        while peek().upper() == "AND":
            take()
            parts.append(factor())
        return combine("AND", parts, "worst")

    def expr() -> tuple[LicenseClass, str]:
        parts = [term()]
        while peek().upper() == "OR":
            take()
            parts.append(term())
        return combine("OR", parts, "best")

    kind, label = expr()
    if kind is LicenseClass.ODD and pos < len(tokens):
        label = text
    return kind, label


def _malformed(text: str) -> str:
    """Why *text* is not a valid PEP 639 expression; "" when it is.

    packaging's validator where it has one (24.2+), and a structural
    check (balanced parentheses, operands around every operator)
    either way.
    """
    if canonicalize_license_expression is not None:
        try:
            canonicalize_license_expression(text)
        except InvalidLicenseExpression as exc:
            return str(exc)
    depth = 0
    want_operand = True
    for token in re.findall(r"\(|\)|[^\s()]+", text):
        upper = token.upper()
        if token == "(":
            if not want_operand:
                return "'(' after an operand"
            depth += 1
        elif token == ")":
            if want_operand or depth == 0:
                return "unbalanced ')'"
            depth -= 1
        elif upper in ("AND", "OR", "WITH"):
            if want_operand:
                return f"{token} without an operand before it"
            want_operand = True
        else:
            if not want_operand:
                return f"{token!r} follows an operand"
            want_operand = False
    if depth:
        return "unbalanced '('"
    if want_operand:
        return "ends without an operand"
    return ""


def classify_license(project: releases.Project) -> License:
    """The project's license from its metadata, classified.

    PEP 639 ``License-Expression`` wins when present; otherwise the
    ``License ::`` classifiers and the free-text License field must agree.
    """
    if project.license_expression:
        problem = _malformed(project.license_expression)
        if problem:
            return License(
                LicenseClass.ODD, f"malformed License-Expression "
                f"{project.license_expression!r} ({problem})",
                "License-Expression")
        kind, label = _classify_expression(project.license_expression)
        return License(kind, label, "License-Expression")
    results: list[tuple[str, LicenseClass, str]] = []
    for classifier in project.classifiers:
        if not classifier.startswith("License ::"):
            continue
        words = classifier.split("::")[1:]
        text = " ".join(w.strip() for w in words
                        if w.strip() != "OSI Approved")
        if not text:
            continue  # "License :: OSI Approved" alone says nothing
        got = _classify_text(text)
        kind, label = got if got else (LicenseClass.ODD, text)
        results.append(("classifier", kind, label))
    if project.license:
        first = project.license.strip().splitlines()[0][:80]
        got = _classify_text(project.license)
        kind, label = got if got else (LicenseClass.ODD, first)
        results.append(("License field", kind, label))
    if not results:
        return License(LicenseClass.UNKNOWN, "no license metadata",
                       "metadata: no License-Expression, License field "
                       "or License classifier")
    kinds = {kind for _, kind, _ in results}
    labels = []
    for _, _, label in results:
        if label not in labels:
            labels.append(label)
    sources = " and ".join(sorted({s for s, _, _ in results}))
    if len(kinds) == 1:
        return License(kinds.pop(), " / ".join(labels), sources)
    detail = "; ".join(f"{s} says {lab}" for s, _, lab in results)
    return License(LicenseClass.ODD, f"metadata disagrees ({detail})",
                   sources)
