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

"""Freeze artifacts <-> Freeze, and the JSON report. Pure: no I/O.

``generate-constraints freeze`` writes one artifact per interpreter (or
Python version and platform); ``generate-constraints combine`` merges
artifacts made on any machine; ``--json-report`` says what happened
(:func:`report`).  An artifact comes from elsewhere, so
:func:`load` trusts nothing in it: every pin must be a name and a
version, and every text field must fit on one header line.  The caller
reads and writes the files (:mod:`openstack_requirements.fileio`).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import json
import re

from packaging.version import InvalidVersion
from packaging.version import Version

from openstack_requirements import buildlog
from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import requirement

#: The ``format`` field of every artifact this version writes and reads.
FORMAT = "openstack-requirements-freeze/1"

_REMAKE = "remake the artifact with 'generate-constraints freeze'"


@dataclasses.dataclass(frozen=True, slots=True)
class Artifact:
    """One loaded artifact: its freeze and every text field as written."""

    freeze: constraints.Freeze
    meta: Mapping[str, str]


def to_json(data: Mapping[str, object]) -> str:
    """The JSON text of every document generate writes (sorted keys)."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def dump(freeze: constraints.Freeze, meta: Mapping[str, str]) -> str:
    """The artifact for *freeze*, with *meta* (date, command, host...)."""
    data = freeze.as_dict()
    data.update(meta)
    data["format"] = FORMAT
    return to_json(data)


def summary(freeze: constraints.Freeze) -> dict[str, object]:
    """*freeze* for a ``--json-report``: the number of pins, not them."""
    data = freeze.as_dict()
    data["pins"] = len(freeze.pins)
    data.pop("requires", None)
    data.pop("files", None)
    return data


def report(
    freezes: Sequence[constraints.Freeze],
    failures: Sequence[buildlog.Failure],
    **more: object,
) -> str:
    """The ``--json-report`` text: what happened, failures included.

    *more* adds fields (the changes, the output file).
    """
    return to_json({
        "ok": not failures, "failures": [f.as_dict() for f in failures],
        "freezes": [summary(f) for f in freezes], **more})


def check_pins(source: str, pins: Mapping[str, str]) -> None:
    """Names and versions as pip freeze writes them, nothing else.

    An artifact comes from another machine: a "version" holding a
    newline or a marker must not inject lines into the constraints.

    :raises InputError: the first pin that is not one.
    """
    for name, version in pins.items():
        if not requirement.NAME_RE.fullmatch(name):
            raise errors.InputError(
                f"pin {name!r} is not a distribution name; {_REMAKE}",
                source=source)
        try:
            Version(version)
        except InvalidVersion:
            raise errors.InputError(
                f"pin {name}: {version!r} is not a version; {_REMAKE}",
                source=source) from None


def load(text: str, source: str) -> Artifact:
    """Parse and check the artifact *text* read from *source*.

    :raises ParseError: not JSON (with the line).
    :raises InputError: not an artifact, or a field that is refused.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise errors.ParseError(
            source, exc.lineno, "", f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise errors.InputError(
            f"not a freeze artifact (format {FORMAT!r} expected); "
            "make one with 'generate-constraints freeze'", source=source)
    pins = data.get("pins")
    version = data.get("python_version")
    if not isinstance(pins, dict) or not isinstance(version, str) or not all(
            isinstance(k, str) and isinstance(v, str)
            for k, v in pins.items()):
        raise errors.InputError(
            "'pins' must map names to versions and 'python_version' be a "
            "string", source=source)
    check_pins(source, pins)
    meta = {key: str(value) for key, value in data.items()
            if isinstance(value, str)}
    for key, value in sorted(meta.items()):
        # These go into '#' header lines: a line break would start a
        # line of its own, e.g. a pin nobody froze.
        # isprintable() is False for every control character and every
        # line break str.splitlines() (pip's reader) knows: \x85, \u2028.
        if not value.isprintable():
            raise errors.InputError(
                f"field {key!r} has a line break or control character "
                f"({value!r}); "
                "make the artifact again with 'generate-constraints "
                "freeze'", source=source)
    requires = _requires(source, data.get("requires", {}))
    files = _files(source, data.get("files", {}))
    freeze = constraints.Freeze(
        python_version=version,
        pins=tuple(constraints.Pin(k, v, requires=requires.get(k, ()),
                                   files=files.get(k, ()))
                   for k, v in pins.items()),
        python_full=meta.get("python_full", ""),
        platform=meta.get("platform", ""),
        installer=meta.get("installer", ""),
        method=meta.get("method", "install"),
    )
    return Artifact(freeze, meta)


def _requires(source: str, data: object) -> dict[str, tuple[str, ...]]:
    """The optional ``requires`` field: name -> Requires-Dist lines."""
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, list)
            and all(isinstance(x, str) and x.isprintable() for x in v)
            for k, v in data.items()):
        raise errors.InputError(
            "'requires' must map names to lists of Requires-Dist lines; "
            f"{_REMAKE}", source=source)
    return {k: tuple(v) for k, v in data.items()}


_SHA256_RE = re.compile(r"[0-9a-f]{64}")


def _files(
    source: str, data: object
) -> dict[str, tuple[constraints.File, ...]]:
    """The optional ``files`` field: name -> the release's files.

    They go into pylock.toml files installers trust: a URL must be
    http(s) or file, a hash 64 hex digits.
    """
    found: dict[str, tuple[constraints.File, ...]] = {}
    if not isinstance(data, dict):
        data = None
    for name, entries in (data or {}).items():
        made = []
        for entry in entries if isinstance(entries, list) else [None]:
            if not isinstance(entry, dict) or not isinstance(
                    entry.get("url"), str) or not _SHA256_RE.fullmatch(
                    str(entry.get("sha256"))) or entry.get(
                    "kind", "wheel") not in ("wheel", "sdist") or not (
                    entry["url"].startswith(
                        ("https://", "http://", "file://"))) or not (
                    entry["url"].isprintable()):
                raise errors.InputError(
                    f"'files' of {name!r}: each must have an http(s) or "
                    "file 'url', a 'sha256' of 64 hex digits and a 'kind' "
                    f"of wheel or sdist; {_REMAKE}", source=source)
            made.append(constraints.File(entry["url"], entry["sha256"],
                                         entry.get("kind", "wheel")))
        found[name] = tuple(made)
    if data is None:
        raise errors.InputError(
            f"'files' must map names to lists of files; {_REMAKE}",
            source=source)
    return found


def provenance(
    artifacts: Sequence[Artifact], *, blacklist: str,
) -> constraints.Provenance:
    """How a file combined from *artifacts* was made: their fields."""

    def joined(key: str) -> str:
        return ", ".join(sorted({a.meta.get(key, "") for a in artifacts}
                                - {""}))

    return constraints.Provenance(
        method=joined("method") or "install",
        installer=joined("installer"),
        exclude_newer=joined("exclude_newer"),
        requirements=joined("requirements"),
        blacklist=blacklist,
        index=joined("index"),
    )
