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

"""What we install for: the one ``Interpreter`` value, Python version
order. Pure: no I/O.

:func:`openstack_requirements.interpreters.probe` fills an
:class:`Interpreter` from a real interpreter; generate-constraints and
the wheel mirror both take it from there.  :func:`target` makes one
without an interpreter, from a Python version and a platform tag (the
wheel mirror's ``--target``).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import re

from packaging import tags as pkg_tags


@dataclasses.dataclass(frozen=True, slots=True)
class Interpreter:
    """What a Python interpreter reports about itself.

    ``env`` is its PEP 508 marker environment and ``tags`` the wheel tags
    it supports, most preferred first (``packaging.tags.sys_tags``).
    """

    path: str  # the executable, as found on PATH
    python_version: str  # "3.12"
    python_full: str = ""  # "3.12.1"
    implementation: str = ""  # "cpython"
    platform: str = ""  # "linux x86_64"
    # Left out of the hash (a dict has none), not out of equality.
    env: Mapping[str, str] = dataclasses.field(default_factory=dict,
                                               hash=False)
    tags: tuple[str, ...] = ()
    # A target without an interpreter (--target): wheels only, since
    # nothing can build an sdist for it; ``path`` is then its spec.
    virtual: bool = False

    @property
    def label(self) -> str:
        """How messages name it: ``/usr/bin/python3.12 (3.12)``."""
        return f"{self.path} ({self.python_version})"


def python_key(version: str) -> tuple[int, ...]:
    """Sort key of a Python version: "3.9" before "3.10".

    :raises ValueError: a part is not a number.
    """
    return tuple(int(part) for part in version.split("."))


# -- targets without an interpreter ----------------------------------

_VERSION = re.compile(r"3\.(\d+)")
_MANYLINUX = re.compile(r"manylinux_(\d+)_(\d+)_(\w+)")
_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12),
           "manylinux2014": (2, 17)}
_LEGACY_BY_GLIBC = {v: k for k, v in _LEGACY.items()}
_MUSLLINUX = re.compile(r"musllinux_(\d+)_(\d+)_(\w+)")
_MACOS = re.compile(r"macosx_(\d+)_(\d+)_(\w+)")
_WINDOWS = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}
_SPEC_EXAMPLE = "e.g. --target 3.13:manylinux_2_28_x86_64"


def platform_chain(platform: str) -> list[str]:
    """The platform tags a machine of wheel platform *platform* installs.

    Most preferred first, as ``packaging.tags.platform_tags`` on such a
    machine: ``manylinux_2_28_x86_64`` is ``linux_x86_64``, then
    ``manylinux_2_28`` ... ``manylinux_2_17`` (alias ``manylinux2014``)
    and older (down to ``manylinux1`` on x86_64 and i686);
    ``musllinux_1_2_x86_64`` also ``musllinux_1_1`` and ``1_0``;
    ``macosx_11_0_arm64`` the macOS versions and architectures it runs.
    A list separated by commas is taken as given.
    """
    if "," in platform:
        return [p for p in platform.split(",") if p]
    legacy = re.fullmatch(r"(manylinux1|manylinux2010|manylinux2014)_(\w+)",
                          platform)
    if legacy:
        major, minor = _LEGACY[legacy.group(1)]
        platform = f"manylinux_{major}_{minor}_{legacy.group(2)}"
    found = _MANYLINUX.fullmatch(platform)
    if found:
        major, minor, arch = int(found[1]), int(found[2]), found[3]
        oldest = 4 if arch in ("x86_64", "i686") else 16
        chain = []
        for m in range(minor, oldest, -1):
            chain.append(f"manylinux_{major}_{m}_{arch}")
            if (major, m) in _LEGACY_BY_GLIBC:
                chain.append(f"{_LEGACY_BY_GLIBC[(major, m)]}_{arch}")
        return [f"linux_{arch}", *chain]
    found = _MUSLLINUX.fullmatch(platform)
    if found:
        major, minor, arch = int(found[1]), int(found[2]), found[3]
        return [f"linux_{arch}", *(f"musllinux_{major}_{m}_{arch}"
                                   for m in range(minor, -1, -1))]
    found = _MACOS.fullmatch(platform)
    if found:
        return list(pkg_tags.mac_platforms(
            (int(found[1]), int(found[2])), found[3]))
    return [platform]


def _marker_platform(platform: str) -> dict[str, str]:
    """sys_platform, platform_system, os_name, platform_machine."""
    arch = platform.rsplit("_", 1)[-1]
    if platform.startswith(("manylinux", "musllinux", "linux")):
        arch = re.sub(r"^(manylinux\d+|(many|musl)linux_\d+_\d+|linux)_",
                      "", platform)
        return {"sys_platform": "linux", "platform_system": "Linux",
                "os_name": "posix", "platform_machine": arch}
    if platform.startswith("macosx"):
        return {"sys_platform": "darwin", "platform_system": "Darwin",
                "os_name": "posix", "platform_machine": arch}
    if platform in _WINDOWS:
        return {"sys_platform": "win32", "platform_system": "Windows",
                "os_name": "nt", "platform_machine": _WINDOWS[platform]}
    raise ValueError(f"unknown platform tag {platform!r}: give a "
                     "manylinux_X_Y_ARCH, musllinux_X_Y_ARCH, linux_ARCH, "
                     "macosx_X_Y_ARCH or win_amd64 tag")


def target(spec: str, host_platforms: Sequence[str] = ()) -> Interpreter:
    """The CPython interpreter *spec* names, without one to probe.

    *spec* is ``PYVERSION[:PLATFORM]``, e.g. ``3.13`` or
    ``3.13:manylinux_2_28_x86_64`` (PLATFORM a wheel platform tag, or
    tags separated by commas, most preferred first).  Without PLATFORM
    the *host_platforms* (this machine's platform tags, most preferred
    first) are used.  Its marker environment is that of CPython X.Y.0
    on that platform; its tags are ``cpython_tags`` then
    ``compatible_tags`` for that version and the platform's chain.

    :raises ValueError: a malformed spec or an unknown platform.
    """
    version, _, platform = spec.partition(":")
    found = _VERSION.fullmatch(version)
    if found is None:
        raise ValueError(f"--target {spec!r}: give a Python version as "
                         f"3.Y, optionally :PLATFORM; {_SPEC_EXAMPLE}")
    if platform:
        platforms = platform_chain(platform)
    elif host_platforms:
        platforms = list(host_platforms)
    else:
        raise ValueError(f"--target {spec!r}: give the platform; "
                         f"{_SPEC_EXAMPLE}")
    # Named by its best manylinux tag, if any (linux_ARCH comes first).
    platform = platform or next(
        (p for p in platforms if p.startswith("manylinux_")), platforms[0])
    env = _marker_platform(platform.split(",")[0])
    minor = int(found[1])
    py = (3, minor)
    wheel_tags = [
        *pkg_tags.cpython_tags(py, abis=[f"cp3{minor}"],
                               platforms=platforms),
        *pkg_tags.compatible_tags(py, f"cp3{minor}", platforms)]
    full = f"{version}.0"
    env.update({
        "python_version": version, "python_full_version": full,
        "implementation_name": "cpython", "implementation_version": full,
        "platform_python_implementation": "CPython",
        "platform_release": "", "platform_version": "",
    })
    return Interpreter(
        path=f"--target {version}:{platform}",
        python_version=version, python_full=full,
        implementation="cpython", platform=platform,
        env=env, tags=tuple(str(t) for t in wheel_tags), virtual=True)


def uv_platform(platform: str) -> str:
    """uv's ``--python-platform`` for a wheel platform tag; "" if none."""
    env = _marker_platform(platform.split(",")[0])
    arch = {"arm64": "aarch64", "AMD64": "x86_64", "ARM64": "aarch64",
            "x86": "i686"}.get(env["platform_machine"],
                               env["platform_machine"])
    found = _MANYLINUX.match(platform)
    if found:  # uv knows manylinux_2_17 and 2_28 to 2_40
        minor = min(int(found[2]), 40)
        return f"{arch}-manylinux_2_{minor if minor >= 28 else 17}"
    if platform.startswith(("manylinux", "linux")):
        return f"{arch}-unknown-linux-gnu"
    if platform.startswith("musllinux"):
        return f"{arch}-unknown-linux-musl"
    if platform.startswith("macosx"):
        return f"{arch}-apple-darwin"
    return f"{arch}-pc-windows-msvc"
