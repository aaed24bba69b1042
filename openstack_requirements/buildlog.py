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

"""Explain a failed pip or uv install from its log. Pure: no I/O.

The full log of an install of the whole global list runs to thousands of
lines; a reviewer needs four things from it: which requirement failed,
why it was pulled in, the build's own error lines and, when a C library
is missing, the Debian package that provides it.
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
import re

from openstack_requirements.requirement import canonical_name
from openstack_requirements.requirement import NAME_RE

#: Header (or header directory) -> Debian package.  From the reference
#: bindep.txt and the usual suspects of the global list's sdists.
HEADERS = {
    "krb5.h": "libkrb5-dev", "krb5/": "libkrb5-dev",
    "gssapi/": "libkrb5-dev", "gssapi.h": "libkrb5-dev",
    "ldap.h": "libldap2-dev", "lber.h": "libldap2-dev",
    "sasl/": "libsasl2-dev", "libvirt/": "libvirt-dev",
    "libpq-fe.h": "libpq-dev", "pg_config.h": "libpq-dev",
    "mysql.h": "libmariadb-dev", "mysql/": "libmariadb-dev",
    "mariadb/": "libmariadb-dev", "libxml/": "libxml2-dev",
    "libxslt/": "libxslt1-dev", "libexslt/": "libxslt1-dev",
    "zmq.h": "libzmq3-dev", "ffi.h": "libffi-dev",
    "openssl/": "libssl-dev", "systemd/": "libsystemd-dev",
    "erasurecode.h": "liberasurecode-dev",
    "liberasurecode/": "liberasurecode-dev",
    "Python.h": "python3-dev", "yaml.h": "libyaml-dev",
    "zlib.h": "zlib1g-dev", "lzma.h": "liblzma-dev",
    "bzlib.h": "libbz2-dev", "sqlite3.h": "libsqlite3-dev",
    "jpeglib.h": "libjpeg-dev", "libmemcached/": "libmemcached-dev",
    "snappy-c.h": "libsnappy-dev", "pcre.h": "libpcre3-dev",
    "gmp.h": "libgmp-dev", "libusb-1.0/": "libusb-1.0-0-dev",
}
#: ``-lNAME`` linker libraries -> Debian package.
LIBRARIES = {
    "krb5": "libkrb5-dev", "gssapi_krb5": "libkrb5-dev",
    "ldap": "libldap2-dev", "lber": "libldap2-dev",
    "sasl2": "libsasl2-dev", "virt": "libvirt-dev", "pq": "libpq-dev",
    "mysqlclient": "libmariadb-dev", "mariadb": "libmariadb-dev",
    "xml2": "libxml2-dev", "xslt": "libxslt1-dev", "exslt": "libxslt1-dev",
    "zmq": "libzmq3-dev", "ffi": "libffi-dev", "ssl": "libssl-dev",
    "crypto": "libssl-dev", "systemd": "libsystemd-dev",
    "erasurecode": "liberasurecode-dev", "yaml": "libyaml-dev",
    "z": "zlib1g-dev", "memcached": "libmemcached-dev",
}
#: pkg-config module names -> Debian package.
PKG_CONFIG = {
    "krb5": "libkrb5-dev", "krb5-gssapi": "libkrb5-dev",
    "libvirt": "libvirt-dev", "libsystemd": "libsystemd-dev",
    "libxml-2.0": "libxml2-dev", "libxslt": "libxslt1-dev",
    "libexslt": "libxslt1-dev", "libzmq": "libzmq3-dev",
    "libffi": "libffi-dev", "openssl": "libssl-dev",
    "libssl": "libssl-dev", "libcrypto": "libssl-dev",
    "mysqlclient": "libmariadb-dev", "mariadb": "libmariadb-dev",
    "libmariadb": "libmariadb-dev", "libpq": "libpq-dev",
    "erasurecode-1": "liberasurecode-dev", "yaml-0.1": "libyaml-dev",
}
#: Build tools -> Debian package.
TOOLS = {
    "krb5-config": "libkrb5-dev", "pg_config": "libpq-dev",
    "mysql_config": "libmariadb-dev", "mariadb_config": "libmariadb-dev",
    "xml2-config": "libxml2-dev", "xslt-config": "libxslt1-dev",
    "swig": "swig", "pkg-config": "pkg-config", "gcc": "build-essential",
    "cc": "build-essential", "x86_64-linux-gnu-gcc": "build-essential",
    "g++": "build-essential", "make": "build-essential",
    "cargo": "cargo", "rustc": "rustc",
}

_MISSING_HEADER = re.compile(
    r"fatal error: ([\w/.+-]+\.h)(?:: No such file or directory|"
    r"' file not found)")
_MISSING_LIB = re.compile(r"cannot find -l([\w.+-]+)")
_MISSING_PC = re.compile(
    r"Package '?([\w.+-]+?)'?,? (?:was not found in the pkg-config|"
    r"not found)")
_MISSING_TOOL = re.compile(
    r"(?:^|[\s'`\"/])([\w.+-]+)(?:'|`|\")?(?:: (?:command )?not found|"
    r" (?:executable )?not found|: No such file or directory)"
    r"|unable to execute '?([\w.+-]+)'?"
    r"|command '([\w./+-]+)' failed: No such file or directory")
_ERROR_LINE = re.compile(
    r"(?i)\b(error|fatal|exception|not found|no such file|failed|"
    r"cannot|could not|unable to)\b")

# pip
_PIP_COLLECTING = re.compile(
    r"^\s*(Collecting|Processing) (\S+)(?: \(from (.*)\))?\s*$")
_ARCHIVE = re.compile(r"^([^-]+)-([^-]+?)(?:-.*)?\.(?:whl|tar\.gz|zip)$")
_PIP_NOT_FOUND = re.compile(
    r"^ERROR: Could not find a version that satisfies the requirement "
    r"(\S+)(?: \(from ([^)]*\)?)\))?")
_PIP_FAILED_WHEEL = re.compile(
    r"^(?:ERROR: )?Failed (?:building wheel for|to build) ([\w.+-]+)")
_PIP_CONFLICT = re.compile(r"^ERROR: (Cannot install .*)$")
_PIP_OUTPUT_START = re.compile(r"╰─> \[\d+ lines? of output\]")
_PIP_OUTPUT_END = re.compile(r"^\s*\[end of output\]")
# uv
_UV_FAILED = re.compile(
    r"^\s*(?:×|x|error:) Failed to (?:build|download and build|download|"
    r"prepare distributions|install) `([^`]+)`")
_UV_NO_SOLUTION = re.compile(r"No solution found when resolving")
_UV_INCLUDED = re.compile(r"^\s*(?:help|hint): `([^`]+)` \(v[^)]*\) was "
                          r"included because (.*)$")
_UV_DEPENDS = re.compile(r"`([^`]+)`(?: \(v[^)]*\))? depends on")
_SPEC = r"[A-Za-z0-9][\w.+-]*(?:[<>=!~]=?=?[\w.*+!-]*[\w*+!])?"
_UV_NO_VERSION = re.compile(
    rf"(?:no versions? of) ({_SPEC})|({_SPEC}) was not found in")
_UV_DEPENDS_ON = re.compile(rf"({_SPEC}) depends? on ({_SPEC})")


@dataclasses.dataclass(frozen=True, slots=True)
class Failure:
    """Why one interpreter's install failed."""

    python: str
    installer: str
    requirement: str
    reason: str
    chain: tuple[str, ...] = ()
    error_lines: tuple[str, ...] = ()
    debian_packages: tuple[str, ...] = ()
    log: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "python": self.python,
            "installer": self.installer,
            "requirement": self.requirement,
            "reason": self.reason,
            "chain": list(self.chain),
            "error_lines": list(self.error_lines),
            "debian_packages": list(self.debian_packages),
            "log": self.log,
        }

    def __str__(self) -> str:
        lines = [f"Python {self.python} ({self.installer}): "
                 f"{self.requirement or 'the install'} failed: "
                 f"{self.reason}"]
        if len(self.chain) > 1:
            lines.append("  pulled in by: " + " -> ".join(self.chain))
        if self.error_lines:
            lines.append("  errors:")
            lines.extend("    " + line for line in self.error_lines)
        if self.debian_packages:
            lines.append("  missing system package? on Debian/Ubuntu: "
                         "apt-get install "
                         + " ".join(self.debian_packages))
        if self.log:
            lines.append(f"  full log: {self.log}")
        return "\n".join(lines)


def debian_packages(lines: Sequence[str]) -> tuple[str, ...]:
    """Debian packages that likely provide what the build missed."""
    found: list[str] = []

    def add(package: str | None) -> None:
        if package and package not in found:
            found.append(package)

    for line in lines:
        for match in _MISSING_HEADER.finditer(line):
            header = match[1]
            add(HEADERS.get(header) or next(
                (pkg for prefix, pkg in HEADERS.items()
                 if prefix.endswith("/") and header.startswith(prefix)),
                None))
        for match in _MISSING_LIB.finditer(line):
            add(LIBRARIES.get(match[1]))
        for match in _MISSING_PC.finditer(line):
            add(PKG_CONFIG.get(match[1]))
        for match in _MISSING_TOOL.finditer(line):
            tool = next(group for group in match.groups() if group)
            add(TOOLS.get(tool.rsplit("/", 1)[-1]))
    return tuple(found)


def _pick_errors(block: Sequence[str], limit: int = 12) -> tuple[str, ...]:
    """The lines of a build's output that say what went wrong."""
    stripped = [line.strip() for line in block if line.strip()]
    chosen = [line for line in stripped if _ERROR_LINE.search(line)
              and not line.startswith(("hint:", "note:"))]
    if not chosen:
        chosen = stripped[-limit:]
    return tuple(chosen[-limit:])


def _pip_chain(requirement: str, origin: str | None) -> tuple[str, ...]:
    """``a==1->b->-r req.txt (line 3)`` -> global requirement first."""
    if not origin:
        return (requirement,)
    parts = [part.strip() for part in origin.split("->")]
    chain = [part for part in parts if part and not part.startswith("-r ")
             and not part.startswith("-c ")]
    return tuple(chain) + (requirement,)


def _analyse_pip(lines: Sequence[str]) -> tuple[str, str, tuple[str, ...],
                                                tuple[str, ...]]:
    collecting: dict[str, str | None] = {}
    last = ""
    requirement = reason = ""
    chain: tuple[str, ...] = ()
    block: list[str] = []
    in_output = False
    build_failed = False
    for index, line in enumerate(lines):
        if in_output:
            if _PIP_OUTPUT_END.match(line):
                in_output = False
            else:
                block.append(line)
            continue
        match = _PIP_COLLECTING.match(line)
        if match and not build_failed:
            last = match[2]
            if match[1] == "Processing":  # a local file: name it
                archive = _ARCHIVE.match(last.rsplit("/", 1)[-1])
                if archive:
                    last = f"{archive[1]}=={archive[2]}"
            collecting[requirement_name(last)] = match[3]
            continue
        if _PIP_OUTPUT_START.search(line) and not block:
            in_output = True
            build_failed = True
            continue
        if "subprocess-exited-with-error" in line:
            build_failed = True
        match = _PIP_NOT_FOUND.match(line)
        if match:
            requirement, reason = match[1], "no matching distribution found"
            origin = match[2]
            if origin is None or origin.startswith("versions:"):
                # "(from versions: none)" lists candidates, not who asked
                # for it: the "Collecting" line says that.
                origin = collecting.get(requirement_name(requirement))
            chain = _pip_chain(requirement, origin)
            continue
        match = _PIP_FAILED_WHEEL.match(line)
        if match and not requirement:
            requirement, reason = match[1], "build failed"
        match = _PIP_CONFLICT.match(line)
        if match:
            reason = "conflicting dependencies: " + match[1]
            block = [text for text in lines[index + 1:index + 12]
                     if text.strip()]
    if build_failed and not requirement:
        requirement, reason = last, "build failed"
    if build_failed and not reason:
        reason = "build failed"
    if requirement and not chain:
        origin = collecting.get(requirement_name(requirement))
        chain = _pip_chain(requirement, origin)
    errors = _pick_errors(block) if block else _pick_errors(
        [line for line in lines if line.startswith("ERROR:")])
    return requirement, reason or "install failed", chain, errors


def _analyse_uv(lines: Sequence[str]) -> tuple[str, str, tuple[str, ...],
                                               tuple[str, ...]]:
    requirement = reason = ""
    chain: tuple[str, ...] = ()
    block: list[str] = []
    for index, line in enumerate(lines):
        match = _UV_FAILED.match(line)
        if match and not requirement:
            requirement = match[1]
            reason = "build failed" if "build" in line else line.strip(
                " ×x").strip()
            block = list(lines[index + 1:])
            continue
        if _UV_NO_SOLUTION.search(line) and not requirement:
            reason = "no solution found when resolving dependencies"
            block = [text for text in lines[index + 1:] if text.strip()]
            text = " ".join(block)
            found = _UV_NO_VERSION.search(text)
            pairs = _UV_DEPENDS_ON.findall(text)
            if found:
                requirement = found[1] or found[2]
                missing = requirement_name(requirement)
                for parent, child in pairs:
                    if requirement_name(child) == missing:
                        requirement = child
                        chain = (parent, child)
                        break
            elif pairs:
                chain = pairs[0]
            continue
        match = _UV_INCLUDED.match(line)
        if match:
            chain = tuple(_UV_DEPENDS.findall(match[2])) + (match[1],)
    if requirement and chain and chain[-1] != requirement and (
            requirement_name(chain[-1]) != requirement_name(requirement)):
        chain = chain + (requirement,)
    if requirement and not chain:
        chain = (requirement,)
    errors = _pick_errors(
        [line for line in block
         if not line.lstrip().startswith(("help:", "hint:", "[stderr]"))])
    return requirement, reason or "install failed", chain, errors


def requirement_name(text: str) -> str:
    """Canonical name at the start of a requirement string."""
    match = NAME_RE.match(text)
    return canonical_name(match[0] if match else text)


def analyse(
    log: str, installer: str, python: str, log_path: str = ""
) -> Failure:
    """Read the log of a failed install by *installer* (``pip``/``uv``)."""
    lines = log.split("\n")
    if installer.startswith("pip"):
        requirement, reason, chain, errors = _analyse_pip(lines)
    else:
        requirement, reason, chain, errors = _analyse_uv(lines)
    if not errors:
        errors = _pick_errors(lines)
    return Failure(
        python=python,
        installer=installer,
        requirement=requirement,
        reason=reason,
        chain=chain,
        error_lines=errors,
        debian_packages=debian_packages(lines),
        log=log_path,
    )
