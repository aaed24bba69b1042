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

"""Install the global list into a throwaway virtualenv and freeze it
(uv or pip), or resolve it (uv); the pip/uv index options. Processes.

Every command runs with the caller's pip and uv configuration switched
off (see :func:`openstack_requirements.interpreters.clean_env`): only
the index options passed in are used.  The interpreters themselves are
never modified; each install happens in a venv under a temp dir that is
removed afterwards, also on Ctrl-C (:mod:`openstack_requirements.procs`
runs and stops the child processes).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
import contextlib
import dataclasses
import glob
import os
import platform
import re
import sys
import threading
import time
import typing

from packaging import markers

from openstack_requirements import buildlog
from openstack_requirements import companions
from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import interpreters
from openstack_requirements import procs
from openstack_requirements import reqfile
from openstack_requirements import targets

#: Packages the reference method upgrades before installing the list.
PIP_BOOTSTRAP = ("pip", "setuptools", "wheel")
_Watch = Callable[[str], "str | None"]


@dataclasses.dataclass(frozen=True, slots=True)
class IndexOptions:
    """pip/uv index options: where packages come from.

    And, for uv's ``resolution``, which of their versions are taken.
    """

    index_url: str = ""
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    exclude_newer: str = ""
    offline: bool = False  # uv only: use nothing but uv's cache
    #: A uv.toml written by :func:`write_uv_config`, or "".
    uv_config: str = ""
    #: uv only: ``--resolution`` ("lowest-direct" for the floors), or ""
    #: for uv's default (the highest versions).
    resolution: str = ""

    @property
    def is_pypi(self) -> bool:
        """PyPI is the main index (the default, or named)."""
        return not self.no_index and self.index_url.rstrip("/") in (
            "", PYPI_SIMPLE)

    def describe(self, local_paths: bool = True) -> str:
        """The options in words.

        A local ``--find-links`` directory is ``find-links (local
        directory)`` unless *local_paths*.
        """
        parts = []
        if self.no_index:
            parts.append("--no-index")
        elif self.index_url:
            parts.append(self.index_url)
        parts += [f"extra {url}" for url in self.extra_index_urls]
        parts += [f"find-links {link}" if local_paths or "://" in link
                  else "find-links (local directory)"
                  for link in self.find_links]
        if self.offline:
            parts.append("offline (uv cache)")
        return ", ".join(parts)

    def pip_args(self) -> list[str]:
        args = []
        if self.no_index:
            args.append("--no-index")
        elif self.index_url:
            args += ["--index-url", self.index_url]
        for url in self.extra_index_urls:
            args += ["--extra-index-url", url]
        for link in self.find_links:
            args += ["--find-links", link]
        return args

    def uv_args(self) -> list[str]:
        # unsafe-best-match: take the best version from any index, as pip
        # does, instead of uv's default of the first index that has the
        # name.
        args = self.pip_args() + ["--index-strategy", "unsafe-best-match"]
        if self.uv_config:
            # The config file names PyPI as the default index; on the
            # command line it would replace it and drop its settings.
            if self.index_url:
                del args[:2]
            args[:0] = ["--config-file", self.uv_config]
        if self.exclude_newer:
            args += ["--exclude-newer", self.exclude_newer]
        if self.offline:
            args.append("--offline")
        if self.resolution:
            args += ["--resolution", self.resolution]
        return args


PYPI_SIMPLE = "https://pypi.org/simple"

#: PyPI's own caching rules, as its headers state them: files never
#: change (a file name can be uploaded once and its URL carries its
#: hash), index pages are fresh for 10 minutes.  A proxy that drops the
#: headers makes uv fetch every page and file again and rebuild every
#: sdist on each run (it keeps built wheels per download).
_UV_CONFIG = """\
# Written by generate-constraints: PyPI with its own caching rules.
[[index]]
name = "pypi"
url = "{url}"
default = true

[index.cache-control]
api = "max-age=600"
files = "max-age=365000000, immutable"
"""


def write_uv_config(index: IndexOptions, directory: str) -> IndexOptions:
    """*index*, with a uv.toml in *directory* when PyPI is the index.

    The file is passed with ``--config-file`` (next to ``--no-config``,
    so no user or project configuration is read); it declares PyPI's
    files immutable, as PyPI's own ``Cache-Control`` headers do.  Other
    indexes are left to their servers' headers.
    """
    if not index.is_pypi:
        return index
    path = os.path.join(directory, "uv.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(_UV_CONFIG.format(url=PYPI_SIMPLE))
    return dataclasses.replace(index, uv_config=path)


class InstallError(errors.ToolError):
    """An install failed; carries the explanation read from its log."""

    def __init__(self, failure: buildlog.Failure) -> None:
        super().__init__(str(failure))
        self.failure = failure

    def __str__(self) -> str:
        return str(self.failure)


def _fail(session: procs.Session, installer: str, python: str,
          log_path: str) -> typing.NoReturn:
    """Raise the failure explained from what *session* has run."""
    raise InstallError(buildlog.analyse(
        "".join(session.text), installer, python, log_path))


_PIP_DIRECT = re.compile(r"^Collecting (\S+) \(from -r .* \(line "
                         r"(\d+)\)\)$")


def _watch_pip(listed: int) -> Callable[[str], str | None]:
    """pip's output -> "install: collected N/M listed, K in all".

    *listed* is M, the number of requirement lines in the file; N counts
    the lines pip has collected (``Collecting X (from -r FILE (line
    N))``) or skipped for their markers (``Ignoring X: markers ...``),
    K every distribution collected, dependencies included.
    """
    lines: set[str] = set()
    names: set[str] = set()
    ignored = [0]

    def status() -> str:
        done = len(lines) + ignored[0]
        of = f"/{listed}" if listed else ""
        return f"install: collected {done}{of} listed, {len(names)} in all"

    def watch(line: str) -> str | None:
        line = line.rstrip("\n")
        if line.startswith("Collecting "):
            names.add(constraints.Pin(
                re.split(r"[\s\[<>=!~;(]", line[11:], maxsplit=1)[0],
                "").canonical)
            direct = _PIP_DIRECT.match(line)
            if direct:
                lines.add(direct[2])
            return status()
        if line.startswith("Ignoring "):
            ignored[0] += 1
            return status()
        if line.lstrip().startswith("Building wheel for"):
            return (f"install: {len(names)} collected, building "
                    f"{line.split()[3]}")
        if line.startswith("Installing collected packages:"):
            total = len(line.partition(":")[2].split(","))
            return f"install: installing {total} packages"
        return None

    return watch


_UV_STATUS = re.compile(r"^(Resolved|Prepared|Installed|Built|Building|"
                        r"Downloading) (\S+)")


def _watch_uv(phase: str) -> Callable[[str], str | None]:
    """uv's output -> "install: 598 resolved, building krb5 (3 built)".

    uv names the number of packages once it has resolved them, then each
    sdist it builds and each large file it downloads.
    """
    resolved = [""]
    built = [0]

    def watch(line: str) -> str | None:
        match = _UV_STATUS.match(line.strip())
        if match is None:
            return None
        word, what = match[1], match[2]
        if word == "Resolved":
            resolved[0] = what
            return f"{phase}: resolved {what} packages"
        if word == "Built":
            built[0] += 1
            return None
        if word in ("Building", "Downloading"):
            done = f" ({built[0]} built)" if built[0] else ""
            return (f"{phase}: {resolved[0]} resolved, {word.lower()} "
                    f"{what.split('==')[0]}{done}")
        return f"{phase}: {word.lower()} {what}"

    return watch


def _names(venv: str) -> dict[str, str]:
    """Canonical name -> name as the distribution's metadata spells it.

    uv's freeze prints normalised names, pip's freeze (and the reference
    file) the real ones.

    Read from the ``Name`` field of each ``*.dist-info/METADATA`` in the
    venv's site-packages (what ``importlib.metadata`` would report),
    without starting the venv's Python.
    """
    names = {}
    pattern = os.path.join(venv, "lib", "*", "site-packages",
                           "*.dist-info", "METADATA")
    for path in glob.glob(pattern):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if not line.strip():
                        break  # end of the headers: no Name field
                    key, _, value = line.partition(":")
                    if key.strip().lower() == "name":
                        name = value.strip()
                        names[constraints.Pin(name, "").canonical] = name
                        break
        except OSError:
            continue
    return names


class Pages:
    """Lets one uv install read the index first, the others after it.

    Parallel uv installs would each fetch every index page at once; on
    two cores that is most of a warm run.  Instead the leading install
    runs alone until uv reports ``Resolved N packages``: by then every
    page it needed is in uv's cache, fresh for the ``max-age`` of our
    uv.toml, and the other installs resolve from those same pages (so
    every interpreter also sees the same releases).  A page only they
    need is fetched as usual.  Only the resolution is serialised:
    builds, downloads and linking still run in parallel.
    """

    def __init__(self) -> None:
        self._read = threading.Event()
        self._lock = threading.Lock()
        self._leader: int | None = None

    def wait(self, cancel: procs.Cancel, progress: procs.Progress) -> None:
        """Before an install: lead, or wait for the leader's pages."""
        with self._lock:
            if self._leader is None:
                self._leader = threading.get_ident()
                return
        if not self._read.is_set():
            progress("install: waiting for the index pages")
        while not self._read.wait(0.2):
            if cancel.cancelled.is_set():
                raise KeyboardInterrupt

    def watch(self, inner: _Watch) -> _Watch:
        def watch(line: str) -> str | None:
            if (threading.get_ident() == self._leader
                    and line.strip().startswith("Resolved ")):
                self._read.set()
            return inner(line)
        return watch

    def done(self) -> None:
        """After an install, whatever happened: never leave them waiting."""
        if threading.get_ident() == self._leader:
            self._read.set()

    @contextlib.contextmanager
    def turn(self, cancel: procs.Cancel,
             progress: procs.Progress) -> Iterator[None]:
        """:meth:`wait` before the install, :meth:`done` after it."""
        self.wait(cancel, progress)
        try:
            yield
        finally:
            self.done()


def install_and_freeze(
    interpreter: targets.Interpreter,
    requirements: str,
    installer: interpreters.Installer,
    index: IndexOptions,
    log_path: str,
    env: Mapping[str, str],
    cancel: procs.Cancel,
    uv: interpreters.Uv,
    progress: procs.Progress = lambda phase: None,
    pages: Pages | None = None,
) -> constraints.Freeze:
    """Install *requirements* into a new venv for *interpreter*, freeze.

    With *pages* (uv only), the install waits until the leading install
    has read the index, then reads the same pages from uv's cache (see
    :class:`Pages`).

    :param env: the environment, already through
        :func:`interpreters.clean_env`.
    :raises InstallError: a step failed; the log at *log_path* has it
        all, the error says which requirement and why.
    """
    python = f"{interpreter.python_version} ({interpreter.path})"
    prefix = f"generate-constraints-{interpreter.python_version}-"
    with open(log_path, "w", encoding="utf-8") as log, \
            procs.throwaway_dir(prefix) as tmp:
        # The tools' own temp files live inside our throwaway directory,
        # so a child killed by Ctrl-C cannot leave one behind.
        child_tmp = os.path.join(tmp, "tmp")
        os.mkdir(child_tmp)
        env = dict(env, TMPDIR=child_tmp)
        session = procs.Session(log, env, cancel, progress)
        venv = os.path.join(tmp, "venv")
        venv_python = os.path.join(venv, "bin", "python")
        freeze_out: list[str] = []
        if installer is interpreters.Installer.UV:
            tool = uv.version
            watch_install = _watch_uv("install")
            if pages is not None:
                watch_install = pages.watch(watch_install)
            steps: list[tuple[list[str], str, _Watch | None]] = [
                ([uv.path, "venv", "--no-config", "--quiet", "--python",
                  interpreter.path, venv], "venv", None),
                ([uv.path, "pip", "install", "--no-config", "--python",
                  venv_python, *index.uv_args(), "-r", requirements],
                 "install", watch_install),
            ]
            freeze_cmd = [uv.path, "pip", "freeze", "--no-config", "--python",
                          venv_python]
        else:
            pip = [venv_python, "-m", "pip"]
            steps = [
                ([interpreter.path, "-m", "venv", venv], "venv", None),
                # The reference method's first step.  With a cut-off,
                # pip comes first alone (it is tooling, never pinned) so
                # that setuptools and wheel, and what they pull in, obey
                # the cut-off like everything else.
                ([*pip, "install", "-U",
                  *(PIP_BOOTSTRAP[:1] if index.exclude_newer
                    else PIP_BOOTSTRAP),
                  *index.pip_args()], "install: pip setuptools wheel",
                 None),
            ]
            freeze_cmd = [*pip, "freeze"]
        for cmd, phase, watch in steps:
            with (pages.turn(cancel, progress) if pages is not None
                  and phase == "install" else contextlib.nullcontext()):
                code = session.run(cmd, phase, watch)
            if code != 0:
                _fail(session, installer.value, python, log_path)
        if installer is interpreters.Installer.PIP:
            version_out: list[str] = []
            session.run([*pip, "--version"], "install", stdout=version_out)
            tool = " ".join("".join(version_out).split()[:2]) or "pip"
            cmd = [*pip, "install", "--no-compile", *index.pip_args(),
                   "-r", requirements]
            if index.exclude_newer:
                helptext: list[str] = []
                session.run([*pip, "install", "--help"], "install",
                            stdout=helptext)
                if "--uploaded-prior-to" not in "".join(helptext):
                    raise errors.ToolError(
                        f"Python {python}: {tool} has no "
                        "--uploaded-prior-to, so --exclude-newer cannot "
                        "work; make a newer pip available on the index "
                        "or use --installer uv")
                cmd[4:4] = ["--uploaded-prior-to", index.exclude_newer]
                tools = [*pip, "install", "-U", "--uploaded-prior-to",
                         index.exclude_newer, *PIP_BOOTSTRAP[1:],
                         *index.pip_args()]
                if session.run(tools, "install: setuptools wheel") != 0:
                    _fail(session, installer.value, python, log_path)
            # What upgrading pip, setuptools and wheel pulled in (wheel
            # needs packaging) is the tool's, not the list's: it goes
            # before the list is installed, so it is pinned only if the
            # list needs it, at the version the list's install picks.
            tooling: list[str] = []
            session.run(freeze_cmd, "install", stdout=tooling)
            brought = [pin.name for pin in constraints.parse_freeze(
                "".join(tooling), f"pip freeze ({python})")]
            if brought and session.run(
                    [*pip, "uninstall", "-y", *brought], "install") != 0:
                _fail(session, installer.value, python, log_path)
            if session.run(cmd, "install",
                           _watch_pip(_count_requirements(requirements))) != 0:
                _fail(session, installer.value, python, log_path)
        if session.run(freeze_cmd, "freeze", stdout=freeze_out) != 0:
            _fail(session, installer.value, python, log_path)
        pins = constraints.parse_freeze(
            "".join(freeze_out), f"{installer.value} freeze ({python})")
        # Each distribution's Requires-Dist, for the dependency graph
        # of "who is affected" (read from the metadata, no process).
        meta = installed(venv)
        names = _names(venv) if installer is (
            interpreters.Installer.UV) else {}
        pins = tuple(dataclasses.replace(
            pin, name=names.get(pin.canonical, pin.name),
            requires=meta[pin.canonical].requires
            if pin.canonical in meta else ()) for pin in pins)
        progress("done")
    return constraints.Freeze(
        python_version=interpreter.python_version,
        pins=pins,
        python_full=interpreter.python_full,
        platform=interpreter.platform,
        installer=tool,
        method="install",
    )


def resolve(
    python_version: str,
    requirements: str,
    index: IndexOptions,
    log_path: str,
    env: Mapping[str, str],
    cancel: procs.Cancel,
    uv: interpreters.Uv,
    python_platform: str = "",
    progress: procs.Progress = lambda phase: None,
) -> constraints.Freeze:
    """Resolve *requirements* for *python_version* with uv.

    ``uv pip compile`` needs neither an install nor that interpreter.

    :raises InstallError: the resolve failed.
    """
    python = f"{python_version} (resolve)"
    with open(log_path, "w", encoding="utf-8") as log:
        session = procs.Session(log, env, cancel, progress)
        cmd = [uv.path, "pip", "compile", "--no-config", "--python-version",
               python_version, "--no-header", "--no-annotate",
               *index.uv_args(), requirements]
        if python_platform:
            cmd[4:4] = ["--python-platform", python_platform]
        out: list[str] = []
        if session.run(cmd, "resolve", _watch_uv("resolve"),
                       stdout=out) != 0:
            _fail(session, "uv", python, log_path)
        progress("done")
    return constraints.Freeze(
        python_version=python_version,
        pins=constraints.parse_freeze(
            "".join(out), f"uv pip compile ({python_version})"),
        # uv resolves for this machine unless told otherwise.
        platform=python_platform or _host_platform(),
        installer=f"{uv.version} pip compile",
        method="resolve",
    )


def resolve_universal(
    python_versions: Sequence[str],
    requirements: str,
    index: IndexOptions,
    log_path: str,
    env: Mapping[str, str],
    cancel: procs.Cancel,
    uv: interpreters.Uv,
    progress: procs.Progress = lambda phase: None,
) -> list[constraints.Freeze]:
    """Resolve *requirements* once for every version, then split.

    One ``uv pip compile --universal`` from the oldest version up: uv
    forks where the versions need different pins and, with its default
    fork strategy (``requires-python``), takes the newest version each
    Python supports, as a resolve per version does.  The result is
    split per version by evaluating its markers for ``X.Y.0`` on this
    machine's platform (:func:`constraints.split_universal`).  One
    resolve reads the index once instead of once per version.

    :raises InstallError: the resolve failed (the caller may then
        resolve per version, which can succeed where a universal
        resolve cannot, e.g. for a Python newer than every target).
    """
    versions = sorted(python_versions, key=targets.python_key)
    label = f"{versions[0]}+ (universal resolve)"
    with open(log_path, "w", encoding="utf-8") as log:
        session = procs.Session(log, env, cancel, progress)
        cmd = [uv.path, "pip", "compile", "--no-config", "--universal",
               "--python-version", versions[0], "--no-header",
               "--no-annotate", *index.uv_args(), requirements]
        out: list[str] = []
        if session.run(cmd, "resolve (universal)",
                       _watch_uv("resolve (universal)"), stdout=out) != 0:
            _fail(session, "uv", label, log_path)
        progress("done")
    host = {key: str(value) for key, value in
            markers.default_environment().items()}
    split = constraints.split_universal(
        "".join(out), versions, host,
        f"uv pip compile --universal ({versions[0]}+)")
    return [constraints.Freeze(
        python_version=version,
        pins=split[version],
        platform=_host_platform(),
        installer=f"{uv.version} pip compile --universal",
        method="resolve",
    ) for version in python_versions]


def lock(
    freeze: constraints.Freeze,
    index: IndexOptions,
    log_path: str,
    env: Mapping[str, str],
    cancel: procs.Cancel,
    uv: interpreters.Uv,
    python: str = "",
    python_platform: str = "",
    from_cache: bool = False,
) -> constraints.Freeze:
    """*freeze* with the files (URL, SHA-256) of each pinned release.

    Not a second resolve: ``uv pip compile --no-deps --format
    pylock.toml`` of the freeze's own ``name==version`` pins, for the
    interpreter *python* (an install) or the freeze's Python version
    and *python_platform* (a resolve), from the same index options.
    Every version must come back as pinned.

    With *from_cache* (after a uv install or resolve) it first runs
    ``--offline``: the index pages uv has just read, file hashes
    included, are in its cache, so the files are those the installer
    saw, and nothing is fetched; if that fails (a page not cached), it
    asks the index.

    :raises InstallError: uv failed.
    :raises ToolError: uv locked another version than the pin.
    """
    label = f"{freeze.python_version} (lock)"
    with open(log_path, "w", encoding="utf-8") as log, \
            procs.throwaway_dir("generate-constraints-lock-") as tmp:
        pins_path = os.path.join(tmp, "pins.txt")
        with open(pins_path, "w", encoding="utf-8") as f:
            f.write("".join(f"{pin.name}=={pin.version}\n"
                            for pin in freeze.pins))
        session = procs.Session(log, env, cancel, lambda phase: None)
        cmd = [uv.path, "pip", "compile", "--no-config", "--no-deps",
               "--format", "pylock.toml", "--no-header",
               *(["--python", python] if python else
                 ["--python-version", freeze.python_version]),
               *(["--python-platform", python_platform]
                 if python_platform else []),
               *index.uv_args(), pins_path]
        out: list[str] = []
        code = 1
        if from_cache:
            code = session.run(cmd + ["--offline"], "lock", stdout=out)
        if code != 0:
            out = []
            if session.run(cmd, "lock", stdout=out) != 0:
                _fail(session, "uv", label, log_path)
    found = companions.read_uv_pylock("".join(out), f"uv lock ({label})")
    pins = []
    for pin in freeze.pins:
        version, files = found.get(pin.canonical, ("", ()))
        if version != pin.version:
            raise errors.ToolError(
                f"Python {label}: uv locked {pin.name} "
                f"{version or 'not at all'} instead of the pinned "
                f"{pin.version}; see {log_path}")
        pins.append(dataclasses.replace(pin, files=files))
    return dataclasses.replace(freeze, pins=tuple(pins))


@dataclasses.dataclass(frozen=True, slots=True)
class Installed:
    """One distribution in a venv: version and ``Requires-Dist`` lines."""

    version: str
    requires: tuple[str, ...]


def installed(venv: str) -> dict[str, Installed]:
    """Canonical name -> what the venv's ``*.dist-info/METADATA`` says.

    The dependency metadata of the installed wheels, read without
    starting the venv's Python (see :func:`_names`).
    """
    found = {}
    pattern = os.path.join(venv, "lib", "*", "site-packages",
                           "*.dist-info", "METADATA")
    for path in glob.glob(pattern):
        fields: dict[str, list[str]] = {}
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if not line.strip():
                        break  # end of the headers
                    key, _, value = line.partition(":")
                    fields.setdefault(key.strip().lower(), []).append(
                        value.strip())
        except OSError:
            continue
        if fields.get("name") and fields.get("version"):
            found[constraints.Pin(fields["name"][0], "").canonical] = (
                Installed(fields["version"][0],
                          tuple(fields.get("requires-dist", ()))))
    return found


@dataclasses.dataclass(frozen=True, slots=True)
class StepResult:
    """One install-and-run: did the install work, what did the run say.

    ``failure`` is set when the install failed (the command did not
    run); ``code`` is the command's exit status otherwise.
    """

    code: int
    failure: buildlog.Failure | None
    installed: Mapping[str, Installed]
    log: str
    seconds_install: float = 0.0


def install_and_run(
    python: str,
    constraints_path: str,
    requirements: Sequence[str],
    command: Sequence[str],
    index: IndexOptions,
    log_path: str,
    env: Mapping[str, str],
    cancel: procs.Cancel,
    uv: interpreters.Uv,
    cwd: str | None = None,
    progress: procs.Progress = lambda phase: None,
) -> StepResult:
    """A new venv for *python* (a path) with uv, install, run *command*.

    Installs the files *requirements* under the constraints file
    *constraints_path*, or the constraints file itself when there are
    none; then runs *command* with the venv first on ``PATH`` (and as
    ``VIRTUAL_ENV``), in *cwd*.  The venv lives in a throwaway directory,
    removed however this ends (Ctrl-C included).  Every line of uv and
    of the command goes to *log_path*.
    """
    with open(log_path, "w", encoding="utf-8") as log, \
            procs.throwaway_dir("bisect-constraints-") as tmp:
        child_tmp = os.path.join(tmp, "tmp")
        os.mkdir(child_tmp)
        env = dict(env, TMPDIR=child_tmp)
        session = procs.Session(log, env, cancel, progress)
        venv = os.path.join(tmp, "venv")
        venv_python = os.path.join(venv, "bin", "python")
        if session.run([uv.path, "venv", "--no-config", "--quiet",
                        "--python", python, venv], "venv") != 0:
            _fail(session, "uv", python, log_path)
        wanted = [arg for path in requirements for arg in ("-r", path)]
        if wanted:
            wanted += ["-c", constraints_path]
        else:
            wanted = ["-r", constraints_path]
        started = time.monotonic()
        code = session.run(
            [uv.path, "pip", "install", "--no-config", "--python",
             venv_python, *index.uv_args(), *wanted],
            "install", _watch_uv("install"))
        seconds = time.monotonic() - started
        if code != 0:
            return StepResult(code, buildlog.analyse(
                "".join(session.text), "uv", python, log_path), {},
                log_path, seconds)
        found = installed(venv)
        bin_dir = os.path.join(venv, "bin")
        run_env = dict(
            env, VIRTUAL_ENV=venv,
            PATH=os.pathsep.join([bin_dir, env.get("PATH", os.defpath)]))
        runner = procs.Session(log, run_env, cancel, progress)
        code = runner.run(list(command), "test", cwd=cwd)
        progress("done")
    return StepResult(code, None, found, log_path, seconds)


def _host_platform() -> str:
    """This machine as an install freeze names it: "linux x86_64"."""
    return f"{sys.platform} {platform.machine()}"


def _count_requirements(path: str) -> int:
    """How many requirement lines *path* has (for progress only)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            doc = reqfile.parse(f.read(), path)
    except (OSError, errors.RequirementsError):
        return 0
    return sum(1 for _ in doc.requirements())
