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

"""check-mirror: check that every pin has an installable file on an index or
mirror.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import os
import sys
import typing
from typing import TextIO

from openstack_requirements.cmds import _cli

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import constraints
    from openstack_requirements import errors
    from openstack_requirements import simpleapi
    from openstack_requirements import simpleindex
    from openstack_requirements import targets

PROG = "check-mirror"
EXAMPLE = (
    'check-mirror -c upper-constraints.txt --mirror /srv/mirror -p '
    'python3.12'
)

DESCRIPTION = """\
Check that every pin has an installable file on an index or mirror.

For each interpreter (-p, repeatable; default: this one) each pin whose
marker holds for it needs a wheel whose tags the interpreter supports, or
an sdist, allowed by its Requires-Python.  --target
3.13:manylinux_2_28_x86_64 (repeatable) checks for a Python and platform
without an interpreter here: it needs a wheel (an sdist is not enough).
The index is read through its simple API (PEP 691 JSON or PEP 503
HTML): --index-url URL (PyPI, a served mirror) or --mirror DIR (a
mirror made by build-wheel-mirror).
A --mirror is always checked for listed files that are missing or whose
size is not the one their page gives, and for stray files no page lists;
--verify-hashes also checks files against the #sha256= of their links:
every file of a --mirror, or the files serving the pins on --index-url.

Then installability is proven: the dependencies of every served file
(Requires-Dist, from the PEP 658 metadata files) must be served too,
each missing one is reported with the chain of pins that needs it (a
pbr-based package needs setuptools, which pip freeze never pins: add it
with build-wheel-mirror --also), and uv resolves the whole pin set
against the index alone for each interpreter (--no-resolve skips that).
--against OTHER lists what differs from another mirror (a region) by
their manifests: files only in one, other hashes, other origins; alone
(without -c) it only compares.
One line per problem; exit 1 if there is any, 3 if the index cannot be
read."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--constraints", metavar="FILE",
                        help="the pins to check (name===version;marker)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--index-url", metavar="URL",
                       help="a simple index, e.g. https://pypi.org/simple")
    group.add_argument("--mirror", metavar="DIR",
                       help="a local mirror made by build-wheel-mirror")
    parser.add_argument("-p", "--python", action="append", default=[],
                        metavar="PYTHON",
                        help="interpreter to check for (repeatable)")
    parser.add_argument("--target", action="append", default=[],
                        metavar="PYVERSION[:PLATFORM]",
                        help="a Python version and wheel platform tag this "
                        "machine has no interpreter for, e.g. "
                        "3.13:manylinux_2_28_x86_64 (repeatable; "
                        "default platform: this machine's): wheels only, "
                        "an sdist-only pin counts as missing")
    parser.add_argument("--verify-hashes", action="store_true",
                        help="fetch files and compare their sha256")
    parser.add_argument("--coverage", action="store_true",
                        help="report, per interpreter, how many pins are "
                        "served as wheels, as sdists only or not at all, "
                        "and the size by project (with --json: as JSON)")
    parser.add_argument("--against", metavar="OTHER",
                        help="with --mirror: list what differs from the "
                        "mirror OTHER (a directory or URL) by their "
                        "manifests: files, hashes, origins")
    parser.add_argument("--no-resolve", action="store_true",
                        help="skip the uv resolve against the index")
    parser.add_argument("--json", action="store_true",
                        help="print the findings as JSON")


def _check(args: argparse.Namespace, out: TextIO) -> int:
    import pathlib

    from openstack_requirements import constraints
    from openstack_requirements import errors
    from openstack_requirements import interpreters
    from openstack_requirements import mirror
    from openstack_requirements import mirrordir
    from openstack_requirements import simpleapi
    from openstack_requirements import simpleindex

    if args.against and not args.mirror:
        raise errors.InputError("--against compares with --mirror DIR")
    if args.against and not args.constraints:
        return _against(args, out)
    if not args.constraints:
        raise errors.InputError("give the constraints file with -c")
    if not args.index_url and not args.mirror:
        raise errors.InputError("give --index-url URL or --mirror DIR")
    pins = constraints.pins(_cli.read_doc(args.constraints))
    if args.mirror:
        simple = os.path.join(os.path.abspath(args.mirror), simpleapi.SIMPLE)
        if not os.path.isfile(os.path.join(simple, simpleapi.PAGE)):
            raise errors.InputError(
                "not a mirror: no simple/index.html; build one with "
                "build-wheel-mirror", source=args.mirror)
        index = simpleindex.Client(pathlib.Path(simple).as_uri())
        where = args.mirror
    else:
        index = simpleindex.Client(args.index_url)
        where = args.index_url
    env = interpreters.clean_env(os.environ)
    pythons = args.python or ([] if args.target else [sys.executable])
    probed = [interpreters.probe(p, env, need_tags=True) for p in pythons]
    probed += interpreters.for_targets(args.target)
    names = {pin.canonical for i in probed
             for pin in mirror.applicable(pins, i.env)}
    pages = simpleindex.fetch_pages(index, names)
    if args.coverage:
        report = mirror.coverage(pins, probed, pages)
        if args.json:
            import json

            json.dump(report, out, indent=2)
            out.write("\n")
        else:
            out.write(mirror.render_coverage(report))
        return errors.EXIT_OK
    findings, chosen = mirror.check(pins, probed, pages, where)
    if args.mirror:
        findings += mirrordir.verify_mirror(args.mirror,
                                            hashes=args.verify_hashes)
    elif args.verify_hashes:
        findings += simpleindex.verify_remote(index, chosen)
    if args.against:
        findings += mirrordir.differences(
            mirrordir.read_records(args.mirror),
            mirrordir.read_records(args.against), args.mirror, args.against)
    if not findings:
        findings += _installable(args, pins, probed, index, dict(pages),
                                 where, env)
    if args.json:
        _cli.report_json(out, findings)
    else:
        _cli.report(out, findings)
        checked = len({(p.canonical, p.version) for i in probed
                       for p in mirror.applicable(pins, i.env)})
        print(f"{checked} pins checked on {where} for "
              f"{len(probed)} interpreter(s): {len(findings)} "
              "problem(s)", file=out)
    return errors.EXIT_FINDINGS if findings else errors.EXIT_OK


def _against(args: argparse.Namespace, out: TextIO) -> int:
    """Only the comparison of two mirrors' manifests."""
    from openstack_requirements import errors
    from openstack_requirements import mirrordir

    findings = mirrordir.differences(
        mirrordir.read_records(args.mirror),
        mirrordir.read_records(args.against), args.mirror, args.against)
    if args.json:
        _cli.report_json(out, findings)
    else:
        _cli.report(out, findings)
        print(f"{args.mirror} and {args.against}: {len(findings)} "
              "difference(s)", file=out)
    return errors.EXIT_FINDINGS if findings else errors.EXIT_OK


def _installable(
    args: argparse.Namespace, pins: Sequence[constraints.Pin],
    probed: Sequence[targets.Interpreter], index: simpleindex.Client,
    pages: dict[str, list[simpleapi.File] | None], where: str,
    env: dict[str, str],
) -> list[errors.Finding]:
    """Findings for dependencies the index cannot serve, per interpreter.

    Every missing one from the metadata walk; then, if there is none,
    uv's resolve of the whole pin set against the index alone.
    """
    import tempfile

    from openstack_requirements import buildlog
    from openstack_requirements import errors
    from openstack_requirements import interpreters
    from openstack_requirements import mirror
    from openstack_requirements import procs
    from openstack_requirements import simpleindex
    from openstack_requirements import targets
    from openstack_requirements import venv

    findings = []
    for interpreter in probed:
        while True:
            missing, more = mirror.unserved(
                pins, interpreter, pages,
                lambda f: simpleindex.core_metadata(index, f))
            if not more:
                break
            pages.update(simpleindex.fetch_pages(index, more))
        for item in missing:
            findings.append(errors.Finding(
                args.constraints, None,
                f"{item.chain[-1]} is not installable from {where} for "
                f"{interpreter.label} ({item.reason}); needed by: "
                + " -> ".join(item.chain), "not-installable"))
    if findings or args.no_resolve:
        return findings
    uv = interpreters.find_uv(env)
    with tempfile.TemporaryDirectory(prefix="check-mirror-") as work:
        for interpreter in probed:
            wanted = os.path.join(work, "pins.txt")
            with open(wanted, "w", encoding="utf-8") as f:
                f.writelines(f"{p.name}=={p.version}\n" for p in
                             mirror.applicable(pins, interpreter.env))
            try:
                # Its own patch release, as the metadata walk evaluates
                # markers: uv compares python_full_version by release
                # only, so for "3.11" (3.11.0) it takes coverage's
                # "tomli; python_full_version <= '3.11.0a6'" as needed.
                venv.resolve(interpreter.python_full
                             or interpreter.python_version, wanted,
                             venv.IndexOptions(index_url=index.url),
                             os.path.join(work, "resolve.log"), env,
                             procs.Cancel(), uv,
                             python_platform=targets.uv_platform(
                                 interpreter.platform)
                             if interpreter.virtual else "")
            except venv.InstallError as exc:
                failure: buildlog.Failure = exc.failure
                chain = " -> ".join(failure.chain)
                findings.append(errors.Finding(
                    args.constraints, None,
                    f"uv cannot install the pins from {where} for "
                    f"{interpreter.label}: {failure.requirement or ''} "
                    f"{failure.reason}"
                    + (f"; needed by: {chain}" if chain else ""),
                    "not-installable"))
    return findings


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _check, stdout)


if __name__ == "__main__":
    sys.exit(main())
