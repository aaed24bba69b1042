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

"""review-requirement: report on a proposed new or raised requirement, from
package index data.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from collections.abc import Sequence
import functools
import os
import typing
from typing import TextIO

from openstack_requirements.cmds import _cli
from openstack_requirements.cmds import _jsonapi

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import reqfile
    from openstack_requirements import review

PROG = "review-requirement"
EXAMPLE = (
    "review-requirement 'requests>=2.32'"
)

DESCRIPTION = """\
Report on a proposed new or raised requirement, from package index data,
answering the review guidelines' questions:
  Maintained?        latest release and date, releases in two years,
                     repository or homepage declared, yanked releases
  License?           Apache/BSD/MIT/PSF fine, LGPL acceptable, GPL/AGPL
                     rejected, anything else flagged for a human
  Python 3?          Requires-Python and classifiers vs the target
                     interpreters; pure or manylinux wheels for them
  Distros?           the Debian package, through apt-cache where present
  Already covered?   in the global list (canonical names); for a raise,
                     the releases between the old and new minimum
  Minimum, no caps?  a missing lower bound, caps and pins are flagged
Ends with a one-line verdict. Exit 0: looks fine; 1: needs a human or
reject; 2: bad input or unknown project; 3: the index is unreachable."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("requirement", metavar="NAME[SPEC]",
                        help="the proposed line, e.g. 'requests>=2.32'")
    parser.add_argument("--global", dest="global_", metavar="FILE",
                        help="global-requirements.txt (default: shipped)")
    parser.add_argument("--upper", metavar="FILE",
                        help="upper-constraints.txt (default: shipped)")
    parser.add_argument("--old-minimum", metavar="VERSION", default="",
                        help="the current minimum, for a raise (default: "
                        "the lower bound in the global list, if any)")
    parser.add_argument("--python", action="append", metavar="X.Y",
                        help="a target interpreter (repeatable; default: "
                        "the python_version markers of --upper, else "
                        "3.10-3.13)")
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON")
    _jsonapi.add_index_args(parser)


def _optional_list(
    path: str | None, name: str
) -> reqfile.RequirementsFile | None:
    from openstack_requirements import errors
    from openstack_requirements import lists

    try:
        path = lists.pick(path, name, _cli.shipped_dir)
    except errors.InputError:  # no shipped lists: review without them
        return None
    return lists.read_doc(path).require_valid()


def _review(
    args: argparse.Namespace,
    out: TextIO,
    distro: Callable[[str], review.DistroInfo] | None = None,
) -> int:
    import datetime
    import json
    import re

    from packaging.markers import default_environment

    from openstack_requirements import distro as distro_mod
    from openstack_requirements import errors
    from openstack_requirements import indexclient
    from openstack_requirements import lists
    from openstack_requirements import requirement
    from openstack_requirements import review

    try:
        req = requirement.parse(args.requirement, legacy_colon=False)
    except requirement.InvalidRequirement as exc:
        raise errors.InputError(f"{exc}; give NAME[SPEC], e.g. "
                                "'requests>=2.32'", "requirement") from exc
    global_doc = _optional_list(args.global_, lists.GLOBAL_REQUIREMENTS)
    upper_doc = _optional_list(args.upper, lists.UPPER_CONSTRAINTS)
    for python in args.python or ():
        if not re.fullmatch(r"\d+\.\d+", python):
            raise errors.InputError(
                f"--python {python!r} is not an X.Y version, e.g. 3.12")
    if args.old_minimum:
        from packaging.version import InvalidVersion
        from packaging.version import Version

        try:
            Version(args.old_minimum)
        except InvalidVersion as exc:
            raise errors.InputError(
                f"--old-minimum {args.old_minimum!r} is not a PEP 440 "
                "version, e.g. 2.31.0") from exc
    host = {k: str(v) for k, v in default_environment().items()}
    pythons = (tuple(args.python or ())
               or review.pythons_from(upper_doc, host))
    client = _jsonapi.client(args)
    # -- I/O below this line
    project = client.project(req.name)
    release = review.candidate(project, req)
    found = None
    names = None
    wheel_note = ""
    if release is not None:
        try:
            found = tuple(client.advisories(req.name, release.version))
        except (indexclient.ProjectNotFoundError, errors.ToolError):
            found = None  # the index has no per-release document
        try:
            names = client.import_names(req.name, release)
        except errors.ToolError as exc:
            names = None  # the names are guessed; the review says why
            wheel_note = f"wheel not read: {exc}"
    info = (distro(req.name) if distro is not None
            else distro_mod.debian_lookup(req.name, env=os.environ))
    ctx = review.Context(
        now=datetime.datetime.now(datetime.timezone.utc),
        pythons=pythons, global_doc=global_doc, upper_doc=upper_doc,
        distro=info, old_minimum=args.old_minimum, advisories=found,
        import_names=names, import_names_note=wheel_note)
    report = review.review(req, project, ctx)
    if args.json:
        json.dump(report.as_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(review.render(report))
    if report.status in (review.Status.OK, review.Status.NOTE):
        return errors.EXIT_OK
    return errors.EXIT_FINDINGS


def main(
    argv: Sequence[str] | None = None,
    stdout: TextIO | None = None,
    distro: Callable[[str], review.DistroInfo] | None = None,
) -> int:
    """:param distro: the Debian look-up seam (default: apt-cache)."""
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv,
                    functools.partial(_review, distro=distro), stdout)
