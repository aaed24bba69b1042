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

"""Interpreters and the tools run for them: probing, uv, the installer
choice, the clean child environment. Processes.

Every pip and uv run of the package (generate-constraints, the wheel
mirror) gets its environment from :func:`clean_env`: the caller's pip
and uv configuration is switched off, only the index options passed in
are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import enum
import importlib.metadata
import json
import os
import shutil
import subprocess

import packaging
import uv as uv_package

from openstack_requirements import conflicts
from openstack_requirements import errors
from openstack_requirements import targets

#: pip/uv settings that may stay: they change speed, never the pins.
KEEP_ENV = frozenset({
    # Where caches live, and how the index is reached (certificates,
    # proxies): none of these changes a pin.
    "PIP_CACHE_DIR", "UV_CACHE_DIR", "PIP_CERT", "PIP_CLIENT_CERT",
    "PIP_PROXY", "UV_NATIVE_TLS",
})
#: Connections that uv processes running at once may open in total.
#: uv resolves the host name afresh (getaddrinfo, no cache) for every new
#: connection.  A resolver that drops queries past ~25 in flight -- the
#: development machine's does -- makes glibc wait out its 5 s timeout
#: and retry, and two of those exceed uv's 10 s connect timeout: uv logs
#: "operation timed out" and retries, and the run stalls 5-13 s.  Several
#: uv processes started together (one per interpreter or Python version)
#: did so nearly every time, one alone now and then.  uv's own default
#: is 50 per process; 20 in all resolves as fast here.
UV_CONNECTION_BUDGET = 20
#: Seconds an interpreter may take to report itself.
PROBE_TIMEOUT = 120

# Run by the interpreter being probed (``-I``: no user site, no
# PYTHON* variables), with our packaging on its path: its versions and
# platform, then the marker environment and the wheel tags it supports,
# in its order.  Only the wheel mirror needs those two, and our
# packaging may not import on an interpreter that generate-constraints
# can still use: then it says why instead.
_PROBE = """\
import json, platform, sys
report = {
    "version": "%d.%d" % sys.version_info[:2],
    "full": platform.python_version(),
    "implementation": sys.implementation.name,
    "platform": "%s %s" % (sys.platform, platform.machine()),
}
try:
    sys.path.insert(0, sys.argv[1])
    from packaging import markers, tags
    report["env"] = markers.default_environment()
    report["tags"] = [str(t) for t in tags.sys_tags()]
except Exception as exc:
    report["error"] = "%s: %s" % (type(exc).__name__, exc)
print(json.dumps(report))
"""
_EXAMPLE = "give a path or a name on PATH (e.g. -p python3.12)"

# Run by an interpreter whose installed distributions are wanted (``-I``,
# our packaging on its path for the marker environment): name, version
# and Requires-Dist of each, as importlib.metadata finds them.
_INSTALLED = """\
import importlib.metadata, json, sys
sys.path.append(sys.argv[1])
from packaging import markers
dists = []
for dist in importlib.metadata.distributions():
    name = (dist.metadata.get_all("Name") or [""])[0]
    if name:
        dists.append([name, dist.version, list(dist.requires or ())])
print(json.dumps({"env": markers.default_environment(), "dists": dists}))
"""


class Installer(enum.Enum):
    """The tool that installs (generate-constraints) or builds (mirror)."""

    UV = "uv"
    PIP = "pip"


def clean_env(environ: Mapping[str, str]) -> dict[str, str]:
    """*environ* without the user's pip/uv configuration.

    Every ``PIP_*``, ``UV_*`` and ``PYTHON*`` variable goes, but cache
    locations and how the index is reached (``PIP_CERT``, proxies; plain
    ``HTTPS_PROXY``, ``SSL_CERT_FILE``... are not touched) stay; config
    files are switched off, uv may not download interpreters, and no
    tool colours its output.
    """
    env = {
        key: value for key, value in environ.items()
        if not key.startswith(("PIP_", "UV_", "PYTHON")) or key in KEEP_ENV
    }
    # FORCE_COLOR would put colour codes into the output that progress
    # and Pages read line by line.
    for key in ("VIRTUAL_ENV", "CONDA_PREFIX", "FORCE_COLOR",
                "CLICOLOR_FORCE"):
        env.pop(key, None)
    env.update({
        "NO_COLOR": "1",
        # pip reads no config file at all when this is os.devnull.
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "UV_NO_CONFIG": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def uv_connections(parallel: int) -> dict[str, str]:
    """Environment for *parallel* uv processes that run at once.

    They share :data:`UV_CONNECTION_BUDGET`.  Only the number of
    connections changes, never what is fetched.
    """
    return {"UV_CONCURRENT_DOWNLOADS":
            str(max(2, UV_CONNECTION_BUDGET // max(1, parallel)))}


def _run(
    cmd: Sequence[str], env: Mapping[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd), env=dict(env), capture_output=True, text=True,
        timeout=timeout, check=False, stdin=subprocess.DEVNULL)


def probe(
    python: str, env: Mapping[str, str], need_tags: bool = False
) -> targets.Interpreter:
    """Find *python* (a path or a name on PATH) and ask what it is.

    Its versions and platform, its marker environment and wheel tags.

    :param env: the environment, already through :func:`clean_env`.
    :param need_tags: the caller needs ``env`` and ``tags`` (the wheel
        mirror); without, they may be empty.
    :raises InputError: not found, or not a working Python 3 (or, with
        *need_tags*, one that cannot report its tags): the ``-p``
        argument is wrong.
    :raises ToolError: it hangs.
    """
    path = shutil.which(python, path=env.get("PATH"))
    if path is None:
        if os.sep in python:
            raise errors.InputError(
                f"cannot run the interpreter {python!r}: no such "
                f"executable file; {_EXAMPLE}")
        raise errors.InputError(
            f"interpreter {python!r} not found; {_EXAMPLE}")
    pkg_root = os.path.dirname(os.path.dirname(packaging.__file__))
    command = (path, "-I", "-c", _PROBE, pkg_root)
    try:
        result = _run(command, env, timeout=PROBE_TIMEOUT)
    except OSError as exc:
        raise errors.InputError(
            f"cannot run the interpreter {python!r} ({path}): "
            f"{exc.strerror}; {_EXAMPLE}") from exc
    except subprocess.TimeoutExpired as exc:
        raise errors.ToolError(
            f"the interpreter {python!r} ({path}) did not report itself "
            f"within {PROBE_TIMEOUT}s", (path, "-I", "-c", "<probe>")
        ) from exc
    try:
        found, error = _interpreter(path, result.stdout)
    except (ValueError, KeyError, TypeError, AttributeError):
        found, error = None, ""
    if result.returncode != 0 or found is None:
        said = [line for line in result.stderr.splitlines() if line.strip()]
        text = "".join(f"\n    {line.rstrip()}" for line in said[:6])
        if os.sep + "shims" + os.sep in path and "pyenv" in path:
            hint = ("That is a pyenv shim, which runs only the versions "
                    "pyenv selects: give the interpreter's own path, e.g. "
                    f"-p \"$(pyenv prefix X.Y.Z)/bin/{os.path.basename(path)}"
                    "\"")
        else:
            hint = ("Give -p the path of a Python 3 interpreter: the "
                    f"interpreter {python!r} failed to report its tags "
                    "(Python 3.9 or newer is needed)")
        raise errors.InputError(
            f"interpreter {python!r} ({path}) is not a working Python 3 "
            f"(exit status {result.returncode}):{text or ' no output'}"
            f"\n{hint}")
    if need_tags and error:
        raise errors.InputError(
            f"the interpreter {python!r} ({path}) failed to report its "
            f"tags (Python 3.9 or newer is needed): {error}")
    return found


def installed(
    python: str, env: Mapping[str, str]
) -> tuple[dict[str, str], list[conflicts.Distribution]]:
    """The marker environment of *python* and what it has installed.

    What :func:`dependents.graph` is made of.

    :param env: the environment, already through :func:`clean_env`.
    :raises InputError: *python* is not found or not a working Python 3.
    :raises ToolError: it hangs.
    """
    path = probe(python, env).path
    pkg_root = os.path.dirname(os.path.dirname(packaging.__file__))
    command = (path, "-I", "-c", _INSTALLED, pkg_root)
    try:
        result = _run(command, env, timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise errors.ToolError(
            f"the interpreter {python!r} ({path}) did not list its "
            f"distributions within {PROBE_TIMEOUT}s",
            (path, "-I", "-c", "<installed>")) from exc
    try:
        data = json.loads(result.stdout)
        return ({str(k): str(v) for k, v in data["env"].items()},
                [conflicts.Distribution(str(name), str(version),
                                        tuple(str(r) for r in requires))
                 for name, version, requires in data["dists"]])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise errors.ToolError(
            f"the interpreter {python!r} ({path}) failed to list its "
            "distributions", (path, "-I", "-c", "<installed>"),
            result.stderr) from exc


def _interpreter(
    path: str, stdout: str
) -> tuple[targets.Interpreter, str]:
    """The interpreter at *path* from the probe's report, and an error.

    The error says why it has no marker environment and tags ("" when
    it has them).

    :raises ValueError: not the probe's JSON (KeyError, TypeError,
        AttributeError: not all of it).
    """
    data = json.loads(stdout)
    env = data.get("env", {})
    return targets.Interpreter(
        path=path,
        python_version=str(data["version"]),
        python_full=str(data["full"]),
        implementation=str(data["implementation"]),
        platform=str(data["platform"]),
        env={str(key): str(value) for key, value in env.items()},
        tags=tuple(str(tag) for tag in data.get("tags", ())),
    ), str(data.get("error", ""))


@dataclasses.dataclass(frozen=True, slots=True)
class Uv:
    """The uv binary and its version."""

    path: str
    version: str  # "uv 0.9.1"


def find_uv(env: Mapping[str, str]) -> Uv:
    """The uv of the ``uv`` package and its version (``uv 0.9.1``).

    Call once, before any thread starts: ``uv.find_uv_bin`` reads
    :mod:`sysconfig`, which is not thread-safe.

    The version comes from the package's metadata (the binary ships in
    it), which saves starting uv; without metadata uv is asked.

    :raises ToolError: the binary is missing or does not run.
    """
    try:
        path = str(uv_package.find_uv_bin())
    except FileNotFoundError as exc:
        raise errors.ToolError(f"cannot find the uv binary: {exc}") from exc
    if os.access(path, os.X_OK):
        try:
            return Uv(path, "uv " + importlib.metadata.version("uv"))
        except importlib.metadata.PackageNotFoundError:
            pass
    try:
        result = _run([path, "--version"], env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise errors.ToolError(
            f"cannot run uv: {exc}", (path, "--version")) from exc
    if result.returncode != 0:
        raise errors.ToolError(
            "uv does not run", (path, "--version"), result.stderr)
    return Uv(path, " ".join(result.stdout.split()[:2]) or "uv")
