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

"""Debian look-up: is a Python project packaged here? Processes.

Runs ``apt-cache policy`` on the machine's package lists; the environment
it runs in comes from the command.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import os
import shutil
import subprocess

from openstack_requirements import requirement
from openstack_requirements import review


def debian_names(name: str) -> list[str]:
    """Debian binary package names that may hold Python project *name*.

    Debian names Python 3 modules ``python3-<module>``, keeping dots
    (``python3-oslo.config``) and dropping a ``python-``/``py`` prefix
    (``python3-ldap``, ``python3-yaml``).
    """
    lowered = name.lower().replace("_", "-")
    stems = [lowered, requirement.canonical_name(name),
             lowered.replace("-", ".")]  # python3-mysql.connector
    for prefix in ("python-", "py"):
        if lowered.startswith(prefix) and len(lowered) > len(prefix) + 1:
            stems.append(lowered[len(prefix):])
            break  # "python-ldap" is not "thon-ldap"
    seen: list[str] = []
    for stem in stems:
        candidate = f"python3-{stem}"
        if candidate not in seen:
            seen.append(candidate)
    return seen


def parse_apt_policy(text: str) -> dict[str, str]:
    """``apt-cache policy A B ...`` output -> {package: candidate}."""
    found: dict[str, str] = {}
    package = ""
    for line in text.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            package = line[:-1].strip()
        elif package and line.strip().startswith("Candidate:"):
            candidate = line.split(":", 1)[1].strip()
            if candidate and candidate != "(none)":
                found[package] = candidate
    return found


def debian_lookup(
    name: str,
    apt_cache: str | None = None,
    run: Callable[..., subprocess.CompletedProcess[str]] | None = None,
    env: Mapping[str, str] | None = None,
) -> review.DistroInfo:
    """Look *name* up in the machine's Debian package lists.

    "unknown" where ``apt-cache`` is missing, fails, or has no package
    lists (``apt-get update`` never ran: then even ``python3`` is
    unknown to it).

    :param apt_cache: the executable; found on *env*'s PATH when None.
    :param run: the subprocess seam, ``subprocess.run`` by default.
    :param env: the environment apt-cache runs in (the command passes
        its own); ``LC_ALL=C`` is added.  None: an empty one, with the
        default PATH.
    """
    environ = dict(env or {})
    exe = apt_cache or shutil.which(
        "apt-cache", path=environ.get("PATH", os.defpath))
    if not exe:
        return review.DistroInfo("unknown",
                                 detail="apt-cache is not available here")
    names = debian_names(name)
    command: Sequence[str] = (exe, "policy", "python3", *names)
    runner = run or subprocess.run
    try:
        result = runner(list(command), capture_output=True, text=True,
                        timeout=60, check=False,
                        env={**environ, "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError) as exc:
        return review.DistroInfo("unknown", detail=f"apt-cache failed: "
                                 f"{exc}")
    if result.returncode != 0:
        return review.DistroInfo(
            "unknown", detail="apt-cache failed: "
            + (result.stderr.strip().splitlines() or ["no output"])[-1])
    found = parse_apt_policy(result.stdout)
    for candidate in names:
        if candidate in found:
            return review.DistroInfo("packaged", candidate,
                                     found[candidate])
    if "python3" not in found:
        return review.DistroInfo(
            "unknown", detail="apt-cache has no package lists; run "
            "apt-get update")
    return review.DistroInfo("not packaged",
                             detail="looked for " + ", ".join(names))
