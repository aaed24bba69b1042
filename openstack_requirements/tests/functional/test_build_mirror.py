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

"""build-wheel-mirror against a real loopback index, with real builds.

Every test makes its own tiny wheels and sdists, publishes them into a
"source" index with ``--add``, serves that with ``http.server`` on
127.0.0.1 and mirrors from it with this interpreter; ``pip install``
then installs from the mirror, served the same way.  No internet.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time

import fixtures

from openstack_requirements import interpreters
from openstack_requirements import mirrordir
from openstack_requirements import simpleapi
from openstack_requirements.cmds import build_mirror  # noqa: H306
from openstack_requirements.cmds import check_mirror
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex

LABEL = f"{sys.executable} ({sys.version_info[0]}.{sys.version_info[1]})"


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def distributions(packages: str) -> list[str]:
    """The wheels and sdists in *packages* (not their .metadata)."""
    return sorted(e for e in os.listdir(packages)
                  if not e.endswith(mirrordir.METADATA_SUFFIX))


class MirrorTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tmp = self.make_dir()
        self.src = os.path.join(self.tmp, "src")
        os.makedirs(self.src)
        self.source = os.path.join(self.tmp, "source")
        self.out = os.path.join(self.tmp, "mirror")
        self.publish(
            localindex.make_wheel(self.src, "alpha", "0.9"),
            localindex.make_wheel(self.src, "alpha", "1.0"),
            localindex.make_wheel(self.src, "alpha", "1.0",
                                  tag="cp39-cp39-win_amd64"),
            localindex.make_sdist(self.src, "gamma", "3.0"),
            localindex.make_wheel(self.src, "beta", "2.0",
                                  tag="cp39-cp39-win_amd64"),
            localindex.make_sdist(self.src, "broken", "1.0",
                                  fail=localindex.MISSING_HEADER),
        )
        server = self.useFixture(localindex.DirectoryServer(self.source))
        self.index = server.url + "/simple"

    def publish(self, *paths: str) -> None:
        code, out, err = self.run_main(
            build_mirror.main, ["-o", self.source, "--add", *paths])
        self.assertEqual(0, code, out + err)

    def constraints(self, text: str, name: str = "uc.txt") -> str:
        return self.write(self.tmp, name, text)

    def build(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(build_mirror.main, [
            "-o", self.out, "--index-url", self.index, "-p",
            sys.executable, *argv])

    def page(self, name: str) -> list[simpleapi.File]:
        path = os.path.join(self.out, "simple", name, "index.html")
        return simpleapi.parse_project(base.read(path),
                                       "http://h/simple/" + name + "/")


class TestBuildMirror(MirrorTestCase):
    def test_mirror_serves_pip_install_with_hash_checked(self) -> None:
        uc = self.constraints(
            "alpha===1.0\ngamma===3.0\nalpha===0.9;python_version<'3'\n")
        code, out, err = self.build("-c", uc)
        self.assertEqual(0, code, out + err)
        label = f"{sys.executable} ({sys.version_info[0]}."\
            f"{sys.version_info[1]})"
        self.assertIn(f"downloaded alpha===1.0 for {label}: "
                      "alpha-1.0-py3-none-any.whl\n", out)
        self.assertIn(f"built gamma===3.0 for {label}: "
                      "gamma-3.0-py3-none-any.whl\n", out)
        self.assertIn(f"{label}: 2 pins: 0 present, 1 downloaded, 1 built, "
                      "0 missing, 0 failed\n", out)
        packages = os.path.join(self.out, "packages")
        # Only what the pins need for this interpreter: no win wheel, no
        # alpha 0.9 (its marker is false here).
        self.assertEqual(
            ["alpha-1.0-py3-none-any.whl", "gamma-3.0-py3-none-any.whl",
             "gamma-3.0.tar.gz"], distributions(packages))
        for f in self.page("gamma") + self.page("alpha"):
            self.assertEqual(sha256(os.path.join(packages, f.filename)),
                             f.sha256)
        self.assertEqual(["alpha", "gamma"], simpleapi.parse_root(base.read(
            os.path.join(self.out, "simple", "index.html"))))

        served = self.useFixture(localindex.DirectoryServer(self.out)).url
        target = os.path.join(self.tmp, "site")
        result = localindex.pip_install(served + "/simple", uc, target,
                                        "alpha", "gamma")
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertIn("Successfully installed alpha-1.0 gamma-3.0",
                      result.stdout)
        self.assertEqual("__version__ = '3.0'\n",
                         base.read(os.path.join(target, "gamma_mod.py")))

        # pip checks the #sha256= of the link: a corrupted file is refused
        # and check-mirror --verify-hashes finds it.
        with open(os.path.join(packages, "gamma-3.0-py3-none-any.whl"),
                  "ab") as f:
            f.write(b"corrupt")
        result = localindex.pip_install(
            served + "/simple", uc, os.path.join(self.tmp, "site2"), "gamma")
        self.assertNotEqual(0, result.returncode)
        self.assertIn("DO NOT MATCH THE HASHES", result.stderr)
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "--verify-hashes"])
        self.assertEqual(1, code, out + err)
        self.assertIn("packages/gamma-3.0-py3-none-any.whl is 916 bytes, its "
                      "page says 909", out)
        # Another run notices the file is not the one it recorded (its
        # size moved) and builds it again; the page names the new file.
        code, out, err = self.build("-c", uc)
        self.assertEqual(0, code, out + err)
        self.assertIn("1 present, 0 downloaded, 1 built", out)
        self.assertEqual([], mirrordir.verify_mirror(self.out))
        result = localindex.pip_install(
            served + "/simple", uc, os.path.join(self.tmp, "site3"), "gamma")
        self.assertEqual(0, result.returncode, result.stderr)

    def test_second_run_adds_new_version_and_keeps_old(self) -> None:
        old = self.constraints("alpha===0.9\n", "old.txt")
        code, out, err = self.build("-c", old)
        self.assertEqual(0, code, out + err)
        first = os.path.join(self.out, "packages",
                             "alpha-0.9-py3-none-any.whl")
        before = os.stat(first)
        new = self.constraints("alpha===1.0\ngamma===3.0\n", "new.txt")
        code, out, err = self.build("-c", new, "--jobs", "2")
        self.assertEqual(0, code, out + err)
        self.assertEqual(
            ["alpha-0.9-py3-none-any.whl", "alpha-1.0-py3-none-any.whl"],
            [f.filename for f in self.page("alpha")])
        self.assertEqual(before.st_mtime_ns, os.stat(first).st_mtime_ns)
        # Both generations install from it; this server answers pip's
        # request for PEP 691 JSON with the index.json pages.
        served = self.useFixture(localindex.DirectoryServer(
            self.out, negotiate=True)).url
        for uc, version in ((old, "0.9"), (new, "1.0")):
            result = localindex.pip_install(
                served + "/simple", uc,
                os.path.join(self.tmp, "site" + version), "alpha")
            self.assertEqual(0, result.returncode, result.stderr)
            self.assertIn(f"Successfully installed alpha-{version}",
                          result.stdout)

        # A warm run changes nothing: no download, pages not rewritten.
        page = os.path.join(self.out, "simple", "alpha", "index.html")
        mtime = os.stat(page).st_mtime_ns
        code, out, err = self.build("-c", new)
        self.assertEqual(0, code, out + err)
        self.assertIn(": 2 pins: 2 present, 0 downloaded, 0 built", out)
        self.assertEqual(mtime, os.stat(page).st_mtime_ns)

    def test_failed_build_is_reported_and_the_rest_carries_on(self) -> None:
        uc = self.constraints(
            "broken===1.0\nalpha===1.0\nbeta===2.0\nnowhere===1.0\n")
        code, out, err = self.build("-c", uc)
        self.assertEqual(3, code, out + err)
        label = f"{sys.executable} ({sys.version_info[0]}."\
            f"{sys.version_info[1]})"
        self.assertIn(f"uc.txt:1: broken===1.0 failed for {label}: "
                      "uv build exited", out)
        self.assertIn("    fatal error: foo.h: No such file or directory\n",
                      out)
        self.assertIn("    error: command 'gcc' failed with exit code 1\n",
                      out)
        self.assertIn(f"downloaded alpha===1.0 for {label}", out)
        self.assertIn(f"uc.txt:3: beta===2.0 has no file on the index for "
                      f"{label}: only wheels for incompatible tags "
                      "(cp39-cp39-win_amd64) and no sdist\n", out)
        self.assertIn(f"uc.txt:4: nowhere===1.0 has no file on the index "
                      f"for {label}: nowhere is not on {self.index}/\n", out)
        self.assertIn("0 present, 1 downloaded, 0 built, 2 missing, "
                      "1 failed", out)
        self.assertEqual([], mirrordir.verify_mirror(self.out))

    def test_file_url_index(self) -> None:
        uc = self.constraints("alpha===1.0\ngamma===3.0\n")
        source = pathlib.Path(self.source, "simple").as_uri()
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "--index-url", source, "-c", uc])
        self.assertEqual(0, code, out + err)
        self.assertIn("downloaded alpha===1.0", out)
        self.assertIn("built gamma===3.0", out)

    def test_json_says_what_was_downloaded_built_and_failed(self) -> None:
        import json

        uc = self.constraints("broken===1.0\nalpha===1.0\ngamma===3.0\n"
                              "nowhere===1.0\n")
        code, out, err = self.build("-c", uc, "--json")
        self.assertEqual(3, code, out + err)
        report = json.loads(out)  # nothing but the one document
        self.assertFalse(report["ok"])
        self.assertEqual(
            [(uc, 1, "failed"), (uc, 4, "missing")],
            [(f["source"], f["line"], f["code"])
             for f in report["findings"]])
        self.assertEqual(
            (["alpha"], ["gamma"], ["broken"], ["nowhere"]),
            tuple([e["name"] for e in report[key]]
                  for key in ("downloaded", "built", "failed", "missing")))
        self.assertTrue(report["downloaded"][0]["file"].startswith(
            "alpha-1.0-"))

    def test_missing_pins_only_exit_one(self) -> None:
        uc = self.constraints("alpha===1.0\nnowhere===1.0\n")
        code, out, err = self.build("-c", uc)
        self.assertEqual(1, code, out + err)

    def test_pip_installer_builds_sdists(self) -> None:
        uc = self.constraints("gamma===3.0\nbroken===1.0\n")
        code, out, err = self.build("-c", uc, "--installer", "pip")
        self.assertEqual(3, code, out + err)
        self.assertIn("built gamma===3.0 for", out)
        self.assertIn("broken===1.0 failed for", out)
        self.assertIn("pip build exited 1", out)
        self.assertIn("foo.h: No such file or directory", out)
        self.assertTrue(os.path.exists(os.path.join(
            self.out, "packages", "gamma-3.0-py3-none-any.whl")))

    def test_requirements_mirror_their_dependency_closure(self) -> None:
        self.publish(
            localindex.make_wheel(self.src, "app", "1.0", requires=[
                "lib>=1", "extra-dep; extra == 'fancy'",
                "winonly; sys_platform == 'win32'", "unpinned-dep"]),
            localindex.make_wheel(self.src, "lib", "2.0",
                                  requires=["sublib"]),
            localindex.make_wheel(self.src, "lib", "3.0"),
            localindex.make_wheel(self.src, "sublib", "1.0"),
            localindex.make_wheel(self.src, "extra_dep", "1.0"),
            localindex.make_wheel(self.src, "winonly", "1.0"),
        )
        uc = self.constraints(
            "app===1.0\nlib===2.0\nsublib===1.0\nextra-dep===1.0\n"
            "winonly===1.0\nalpha===1.0\n")
        reqs = self.write(self.tmp, "global.txt",
                          "App[fancy]>=0.5  # MIT\nnotpinned  # MIT\n"
                          "gamma;python_version<'3'  # MIT\n")
        code, out, err = self.build("-c", uc, "-r", reqs)
        self.assertEqual(1, code, out + err)
        self.assertEqual(
            ["app-1.0-py3-none-any.whl", "extra_dep-1.0-py3-none-any.whl",
             "lib-2.0-py3-none-any.whl", "sublib-1.0-py3-none-any.whl"],
            distributions(os.path.join(self.out, "packages")))
        label = f"{sys.executable} ({sys.version_info[0]}."\
            f"{sys.version_info[1]})"
        self.assertIn(f"{reqs}: notpinned is not pinned in {uc}; not "
                      f"mirrored for {label}\n", out)
        self.assertIn(f"{uc}:1: app===1.0 needs unpinned-dep, which is not "
                      f"pinned in {uc}; not mirrored for {label}\n", out)
        self.assertIn(f"{label}: 4 pins: 0 present, 4 downloaded", out)

    def test_two_interpreters_markers_and_one_build(self) -> None:
        other = localindex.interpreter("3.12")
        if other is None or sys.version_info[:2] == (3, 12):
            self.skipTest("needs a CPython 3.12 besides this interpreter "
                          "(pyenv install 3.12)")
        uc = self.constraints(
            "alpha===0.9;python_version=='3.12'\n"
            "alpha===1.0;python_version!='3.12'\n"
            "gamma===3.0\n")
        code, out, err = self.build("-c", uc, "-p", other)
        self.assertEqual(0, code, out + err)
        self.assertEqual(
            ["alpha-0.9-py3-none-any.whl", "alpha-1.0-py3-none-any.whl"],
            [f.filename for f in self.page("alpha")])
        # gamma's pure wheel is built once and serves both.
        self.assertEqual(1, out.count("built gamma===3.0"))
        self.assertIn(f"{other} (3.12): 2 pins:", out)

    def test_relative_output_builds_sdists(self) -> None:
        # Builds run with a temp directory as cwd: a relative -o must
        # still find the downloaded sdist.
        uc = self.constraints("gamma===3.0\n")
        here = os.getcwd()
        self.addCleanup(os.chdir, here)
        os.chdir(self.tmp)
        code, out, err = self.run_main(build_mirror.main, [
            "-o", "rel", "--index-url", self.index, "-p", sys.executable,
            "-c", uc])
        self.assertEqual(0, code, out + err)
        self.assertIn("built gamma===3.0", out)
        self.assertTrue(os.path.isfile(os.path.join(
            self.tmp, "rel", "packages", "gamma-3.0-py3-none-any.whl")))
        self.assertEqual([], mirrordir.verify_mirror(
            os.path.join(self.tmp, "rel")))

    def test_uv_is_found_once_before_the_workers_start(self) -> None:
        # uv.find_uv_bin reads sysconfig, which is not thread-safe: a
        # run once died inside it.  It must run in the calling thread.
        import uv

        self.publish(localindex.make_sdist(self.src, "delta", "4.0"))
        real = uv.find_uv_bin
        threads: list[str] = []

        def recording() -> str:
            threads.append(threading.current_thread().name)
            return str(real())

        self.useFixture(fixtures.MonkeyPatch("uv.find_uv_bin", recording))
        uc = self.constraints("gamma===3.0\ndelta===4.0\n")
        code, out, err = self.build("-c", uc, "--jobs", "2")
        self.assertEqual(0, code, out + err)
        self.assertIn("built gamma===3.0", out)
        self.assertIn("built delta===4.0", out)
        self.assertEqual([threading.main_thread().name], threads)


class TestInstallable(MirrorTestCase):
    def test_pbr_package_needs_setuptools_then_also_adds_it(self) -> None:
        setuptools = localindex.real_wheel("setuptools", (70,))
        if setuptools is None:
            self.skipTest("needs a setuptools wheel on this machine "
                          f"({', '.join(localindex.WHEEL_DIRS)})")
        version = os.path.basename(setuptools).split("-")[1]
        # A pbr-based project: setuptools builds it, pbr is its runtime
        # dependency, and pbr needs setuptools (pip freeze never pins it).
        self.publish(
            setuptools,
            localindex.make_setuptools_sdist(self.src, "tinypbr", "1.0",
                                             requires=["pbr>=2"]),
            localindex.make_wheel(self.src, "pbr", "6.1.1",
                                  requires=["setuptools"]),
        )
        uc = self.constraints("tinypbr===1.0\npbr===6.1.1\n")
        code, out, err = self.build("-c", uc)
        self.assertEqual(0, code, out + err)
        self.assertIn("built tinypbr===1.0", out)
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "-p", sys.executable])
        self.assertEqual(1, code, out + err)
        self.assertIn(
            "setuptools is not installable from "
            f"{self.out} for {LABEL} (not pinned, and no project "
            "'setuptools' on the index); needed by: tinypbr===1.0 -> "
            "pbr===6.1.1 -> setuptools", out)

        code, out, err = self.build("-c", uc, "--also",
                                    f"setuptools==={version}")
        self.assertEqual(0, code, out + err)
        self.assertIn(f"added by --also/--extra-pins: setuptools==={version}"
                      "\n", out)
        self.assertIn(f"downloaded setuptools==={version}", out)
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "-p", sys.executable])
        self.assertEqual(0, code, out + err)

        # Every pin installs from the mirror alone, with pip and with uv.
        served = self.useFixture(localindex.DirectoryServer(self.out)).url
        for install in (localindex.pip_install, localindex.uv_install):
            site = os.path.join(self.tmp, install.__name__)
            result = install(served + "/simple", uc, site, "tinypbr", "pbr")
            self.assertEqual(0, result.returncode,
                             result.stdout + result.stderr)
            self.assertTrue(os.path.exists(os.path.join(site,
                                                        "tinypbr_mod.py")))
            self.assertTrue(os.path.isdir(os.path.join(site, "setuptools")))

    def test_check_mirror_uv_resolve_finds_a_version_conflict(self) -> None:
        self.publish(
            localindex.make_wheel(self.src, "app", "1.0",
                                  requires=["lib>=2"]),
            localindex.make_wheel(self.src, "lib", "1.5"))
        uc = self.constraints("app===1.0\nlib===1.5\n")
        code, out, err = self.build("-c", uc)
        self.assertEqual(0, code, out + err)
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out])
        self.assertEqual(1, code, out + err)
        self.assertIn("lib>=2 is not installable from", out)
        self.assertIn("(pinned at 1.5, outside >=2); needed by: app===1.0 "
                      "-> lib>=2", out)

    def test_check_mirror_resolves_for_the_interpreters_patch_release(
            self) -> None:
        # coverage's "tomli; python_full_version <= '3.11.0a6'": uv
        # compares python_full_version by its release only, so for
        # "--python-version 3.11" (3.11.0) it wants tomli, which no
        # 3.11 release needs and the walk (for 3.11.7) rightly skips.
        major, minor, micro = sys.version_info[:3]
        if micro == 0:
            self.skipTest("needs an interpreter newer than X.Y.0")
        self.publish(localindex.make_wheel(
            self.src, "cov", "1.0", requires=[
                f'tomlish; python_full_version <= "{major}.{minor}.0a6"']))
        uc = self.constraints("cov===1.0\n")
        code, out, err = self.build("-c", uc)
        self.assertEqual(0, code, out + err)
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "-p", sys.executable])
        self.assertEqual(0, code, out + err)
        self.assertIn("1 pins checked", out)


class TestEnvironment(base.TestCase):
    def test_clean_env_keeps_proxies_and_certificates(self) -> None:
        keep = {
            "PIP_CERT": "/etc/ca.pem", "PIP_CLIENT_CERT": "/c.pem",
            "PIP_PROXY": "http://p:3128", "HTTP_PROXY": "http://p:3128",
            "HTTPS_PROXY": "http://p:3128", "NO_PROXY": "localhost",
            "http_proxy": "http://p:3128", "https_proxy": "http://p:3128",
            "no_proxy": "localhost", "SSL_CERT_FILE": "/etc/ca.pem",
            "REQUESTS_CA_BUNDLE": "/etc/ca.pem", "PIP_CACHE_DIR": "/c",
            "UV_CACHE_DIR": "/u", "HOME": "/home/x",
        }
        env = interpreters.clean_env({
            **keep, "PIP_CONSTRAINT": "/etc/c.txt",
            "PIP_FIND_LINKS": "/opt", "PIP_INDEX_URL": "http://x",
            "UV_INDEX_URL": "http://x", "UV_CONSTRAINT": "/c.txt",
            "PYTHONPATH": "/x", "PIP_CONFIG_FILE": "/etc/pip.conf"})
        for key, value in keep.items():
            self.assertEqual(value, env.get(key), key)
        for key in ("PIP_CONSTRAINT", "PIP_FIND_LINKS", "PIP_INDEX_URL",
                    "UV_INDEX_URL", "UV_CONSTRAINT", "PYTHONPATH"):
            self.assertNotIn(key, env)
        self.assertEqual(os.devnull, env["PIP_CONFIG_FILE"])
        self.assertEqual("1", env["UV_NO_CONFIG"])

    def test_clean_env_reads_only_what_it_is_given(self) -> None:
        self.useFixture(fixtures.EnvironmentVariable("PIP_CERT", "/x"))
        self.assertNotIn("PIP_CERT", interpreters.clean_env({}))


class TestAdd(MirrorTestCase):
    def test_add_publishes_internal_packages(self) -> None:
        wheel = localindex.make_wheel(self.src, "internal-tool", "5.0",
                                      requires_python=">=3.9")
        code, out, err = self.run_main(build_mirror.main,
                                       ["-o", self.out, "--add", wheel])
        self.assertEqual(0, code, err)
        self.assertEqual("added internal_tool-5.0-py3-none-any.whl\n", out)
        [listed] = self.page("internal-tool")
        self.assertEqual(">=3.9", listed.requires_python)
        # Adding the same file again is a no-op.
        code, out, err = self.run_main(build_mirror.main,
                                       ["-o", self.out, "--add", wheel])
        self.assertEqual((0, ""), (code, out))

    def test_error_add_not_a_distribution(self) -> None:
        junk = self.write(self.tmp, "notes.txt", "hello\n")
        code, out, err = self.run_main(build_mirror.main,
                                       ["-o", self.out, "--add", junk])
        self.assertEqual(2, code)
        self.assertEqual(f"{junk}: 'notes.txt' is not a wheel "
                         "(name-version-tags.whl) or an sdist "
                         "(name-version.tar.gz or .zip)\n", err)
        self.assertFalse(os.path.exists(self.out))

    def test_error_add_corrupt_wheel(self) -> None:
        bad = self.write(self.tmp, "bad-1.0-py3-none-any.whl", "not a zip")
        code, out, err = self.run_main(build_mirror.main,
                                       ["-o", self.out, "--add", bad])
        self.assertEqual(2, code)
        self.assertIn(f"{bad}: not a readable wheel or sdist", err)
        self.assertFalse(os.path.exists(self.out))

    def test_error_add_changed_file(self) -> None:
        wheel = localindex.make_wheel(self.src, "tool", "1.0")
        self.run_main(build_mirror.main, ["-o", self.out, "--add", wheel])
        changed = os.path.join(self.tmp, "other")
        os.makedirs(changed)
        other = localindex.make_wheel(changed, "tool", "1.0",
                                      requires_python=">=3")
        code, out, err = self.run_main(build_mirror.main,
                                       ["-o", self.out, "--add", other])
        self.assertEqual(2, code)
        self.assertIn("the mirror already holds a different "
                      "tool-1.0-py3-none-any.whl; files in a mirror never "
                      "change, release a new version instead", err)


class TestErrors(MirrorTestCase):
    def test_error_no_output(self) -> None:
        code, out, err = self.run_main(build_mirror.main, ["-c", "x"])
        self.assertEqual((2, "give the mirror directory with -o "
                          "MIRROR_DIR\n"), (code, err))

    def test_error_nothing_to_do(self) -> None:
        code, out, err = self.run_main(build_mirror.main, ["-o", self.out])
        self.assertEqual(2, code)
        self.assertIn("give -c upper-constraints.txt", err)

    def test_error_bad_constraints_writes_nothing(self) -> None:
        uc = self.constraints("alpha===1.0\nalpha>=2\n")
        code, out, err = self.build("-c", uc)
        self.assertEqual(2, code)
        self.assertEqual(
            f"{uc}:2: expected 'name===version[;marker]'; a mirror is "
            "built from exact pins only\n    alpha>=2\n", err)
        self.assertFalse(os.path.exists(self.out))

    def test_error_bad_interpreter(self) -> None:
        # A wrong -p is bad input (exit 2), as in generate-constraints.
        uc = self.constraints("alpha===1.0\n")
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "-c", uc, "-p", "/nonexistent/python9"])
        self.assertEqual(2, code, err)
        self.assertIn("cannot run the interpreter '/nonexistent/python9'",
                      err)
        self.assertFalse(os.path.exists(self.out))

    def test_error_pyenv_shim_by_name_gets_the_shared_advice(self) -> None:
        # -p python3.99 found on PATH as a pyenv shim pyenv has not
        # selected: the probe's own advice, not a Python version blame.
        shims = os.path.join(self.make_dir(), ".pyenv", "shims")
        os.makedirs(shims)
        shim = self.write(shims, "python3.99", (
            "#!/bin/sh\necho 'pyenv: python3.99: command not found' >&2\n"
            "exit 127\n"))
        os.chmod(shim, 0o755)
        self.useFixture(fixtures.EnvironmentVariable(
            "PATH", shims + os.pathsep + os.environ.get("PATH", "")))
        uc = self.constraints("alpha===1.0\n")
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "-c", uc, "-p", "python3.99"])
        self.assertEqual(2, code, err)
        self.assertIn("That is a pyenv shim, which runs only the versions "
                      "pyenv selects: give the interpreter's own path, e.g. "
                      "-p \"$(pyenv prefix X.Y.Z)/bin/python3.99\"", err)
        self.assertNotIn("3.9 or newer", err)
        self.assertFalse(os.path.exists(self.out))

    def test_error_interpreter_that_cannot_report_its_tags(self) -> None:
        uc = self.constraints("alpha===1.0\n")
        false = shutil.which("false")
        if false is None:
            self.skipTest("no 'false' executable on PATH")
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "-c", uc, "-p", false])
        self.assertEqual(2, code, err)
        self.assertIn(f"the interpreter {false!r} failed to report its "
                      "tags (Python 3.9 or newer is needed)", err)
        self.assertFalse(os.path.exists(self.out))


class TestInterrupted(MirrorTestCase):
    def test_killed_run_leaves_valid_pages(self) -> None:
        old = self.constraints("alpha===0.9\n", "old.txt")
        code, out, err = self.build("-c", old)
        self.assertEqual(0, code, out + err)
        gate = self.write(self.tmp, "gate", "")
        self.publish(localindex.make_sdist(self.src, "slow", "1.0",
                                           gate=gate))
        new = self.constraints("alpha===1.0\nslow===1.0\n", "new.txt")
        code = (
            "import sys\n"
            "from openstack_requirements.cmds import build_mirror\n"
            "sys.exit(build_mirror.main(sys.argv[1:]))\n")
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "-c", new, "-o", self.out,
             "--index-url", self.index, "-p", sys.executable, "--jobs", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, env=self.child_env(),
            cwd=self.make_dir())
        self.addCleanup(proc.wait)
        self.addCleanup(proc.stdout.close)
        # Wait until the run is midway: alpha 1.0 published, slow's build
        # held at the gate.  Then kill it and its build, hard.
        deadline = time.time() + 60
        while time.time() < deadline:
            names = [f.filename for f in self.page("alpha")]
            building = os.path.exists(os.path.join(
                self.out, "packages", "slow-1.0.tar.gz"))
            if "alpha-1.0-py3-none-any.whl" in names and building:
                break
            self.assertIsNone(proc.poll())
            time.sleep(0.05)
        else:
            self.fail("the run never got midway")
        # Meanwhile a second run on the same mirror is refused.
        code, out, err = self.build("-c", old)
        self.assertEqual(2, code, out + err)
        self.assertEqual(f"{self.out}: another build-wheel-mirror is "
                         "writing this mirror; wait for it to finish\n",
                         err)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

        # Every page parses, every link has its file with its hash, and
        # the old version is still served.
        self.assertEqual([], mirrordir.verify_mirror(self.out))
        self.assertEqual(
            ["alpha-0.9-py3-none-any.whl", "alpha-1.0-py3-none-any.whl"],
            [f.filename for f in self.page("alpha")])
        code, out, err = self.run_main(check_mirror.main, [
            "-c", old, "--mirror", self.out, "--verify-hashes"])
        self.assertEqual(0, code, out + err)

        # The next run finishes the job and cleans up after the dead one.
        os.unlink(gate)
        code, out, err = self.build("-c", new)
        self.assertEqual(0, code, out + err)
        self.assertIn("built slow===1.0", out)
        self.assertEqual([], [e for e in os.listdir(self.out)
                              if e.startswith(".")])
        self.assertEqual([], mirrordir.verify_mirror(self.out))


class TestRemovePrunePublish(MirrorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.old = self.constraints("alpha===0.9\n", "old.txt")
        self.new = self.constraints("alpha===1.0\n", "new.txt")
        for uc in (self.old, self.new):
            code, out, err = self.build("-c", uc)
            self.assertEqual(0, code, out + err)
        self.assertEqual(2, len(self.page("alpha")))

    def test_remove_and_prune(self) -> None:
        manifest = os.path.join(self.out, "manifest.json")
        before = base.read(manifest)
        code, out, err = self.build("-c", self.new, "--remove", "alpha===1")
        self.assertEqual(2, code)
        self.assertEqual(f"{self.new}:1: --remove alpha===1: "
                         "alpha===1.0 is pinned; remove the pin first or the "
                         "build fetches it again\n", err)
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "--remove", "gamma"])
        self.assertEqual(2, code)
        self.assertIn("'gamma' names nothing in the mirror", err)
        self.assertEqual(before, base.read(manifest))

        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "--remove", "alpha===0.9"])
        self.assertEqual((0, "removed alpha-0.9-py3-none-any.whl\n"),
                         (code, out), err)
        self.assertEqual(["alpha-1.0-py3-none-any.whl"],
                         [f.filename for f in self.page("alpha")])
        self.assertEqual(["alpha-1.0-py3-none-any.whl"],
                         distributions(os.path.join(self.out, "packages")))

        # Prune: the pins, plus the last N or the newer ones.
        code, out, err = self.build("-c", self.old)
        self.assertEqual(0, code, out + err)
        code, out, err = self.build("-c", self.new, "--prune",
                                    "--keep-last", "2")
        self.assertEqual(0, code, out + err)
        self.assertNotIn("removed", out)
        code, out, err = self.build("-c", self.new, "--prune",
                                    "--keep-newer-than", "2000-01-01")
        self.assertNotIn("removed", out)
        code, out, err = self.build("-c", self.new, "--prune")
        self.assertEqual(0, code, out + err)
        self.assertIn("removed alpha-0.9-py3-none-any.whl\n", out)
        self.assertEqual(["alpha-1.0-py3-none-any.whl"],
                         [f.filename for f in self.page("alpha")])
        self.assertEqual([], mirrordir.verify_mirror(self.out))

    def test_error_prune_options(self) -> None:
        for argv, message in (
                (["--prune"], "--prune needs -c"),
                (["-c", self.new, "--keep-last", "1"],
                 "--keep-last and --keep-newer-than go with --prune"),
                (["-c", self.new, "--prune", "--keep-newer-than", "May"],
                 "--keep-newer-than 'May': give a date as YYYY-MM-DD")):
            code, out, err = self.build(*argv)
            self.assertEqual(2, code, argv)
            self.assertIn(message, err)

    def test_publish_installs_and_against_finds_a_difference(self) -> None:
        region = os.path.join(self.tmp, "region")
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "--publish", region])
        self.assertEqual(0, code, err)
        self.assertIn(f"published to {region}: 4 file(s) copied, "
                      "5 page(s) written, 0 removed\n", out)
        served = self.useFixture(localindex.DirectoryServer(region)).url
        result = localindex.pip_install(served + "/simple", self.old,
                                        os.path.join(self.tmp, "site"),
                                        "alpha")
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("Successfully installed alpha-0.9", result.stdout)
        code, out, err = self.run_main(check_mirror.main, [
            "--mirror", self.out, "--against", region])
        self.assertEqual((0, f"{self.out} and {region}: 0 difference(s)\n"),
                         (code, out), err)
        # Published again unchanged: nothing copied.
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "--publish", region])
        self.assertIn(": 0 file(s) copied, 0 page(s) written, 0 removed",
                      out)
        # A region that lost a release differs.
        code, out, err = self.run_main(build_mirror.main, [
            "-o", region, "--remove", "alpha===0.9"])
        self.assertEqual(0, code, err)
        code, out, err = self.run_main(check_mirror.main, [
            "-c", self.new, "--mirror", self.out, "--against", region,
            "--no-resolve"])
        self.assertEqual(1, code, out + err)
        self.assertIn(f"{self.out}/manifest.json: alpha-0.9-py3-none-any.whl:"
                      f" only in {self.out}\n", out)
        code, out, err = self.run_main(check_mirror.main, [
            "--mirror", self.out, "--against", served])
        self.assertEqual(1, code, out + err)
        self.assertIn(f"{self.out} and {served}: 1 difference(s)", out)


class TestYankedAndSerial(MirrorTestCase):
    def test_yanked_release_is_marked_and_origin_has_the_serial(self):
        flat = self.make_dir()
        wheel = localindex.make_wheel(flat, "alpha", "1.0")
        localindex.make_wheel(flat, "alpha", "2.0")
        index = self.useFixture(localindex.FlatIndex(
            flat, {}, serial=4242, yanked={os.path.basename(wheel)}))
        uc = self.constraints("alpha===1.0\n")
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "--index-url", index.url, "-p", sys.executable,
            "-c", uc])
        self.assertEqual(0, code, out + err)
        [listed] = self.page("alpha")
        self.assertTrue(listed.yanked)
        doc = json.loads(base.read(os.path.join(self.out, "simple", "alpha",
                                                "index.json")))
        self.assertIs(True, doc["files"][0]["yanked"])
        origin = mirrordir.read_manifest(self.out)[
            "alpha-1.0-py3-none-any.whl"].origin
        self.assertEqual(("4242", "yes"),
                         (origin["last-serial"], origin["yanked"]))
        # An exact pin installs a yanked release (PEP 592).
        served = self.useFixture(localindex.DirectoryServer(self.out)).url
        result = localindex.pip_install(served + "/simple", uc,
                                        os.path.join(self.tmp, "site"),
                                        "alpha===1.0")
        self.assertEqual(0, result.returncode, result.stderr)


#: A Python version the running interpreter is not, and its ABI tag.
OTHER = "3.13" if sys.version_info[:2] != (3, 13) else "3.12"
OTHER_ABI = "cp" + OTHER.replace(".", "")
OWN_ABI = f"cp{sys.version_info[0]}{sys.version_info[1]}"
TARGET = f"{OTHER}:manylinux_2_28_x86_64"


class TestTargetWithoutInterpreter(MirrorTestCase):
    """--target: a Python version this machine's interpreter is not."""

    def setUp(self) -> None:
        super().setUp()
        flat = self.make_dir()
        # alpha: a binary wheel for the target and one for this Python;
        # beta: pure; gamma: an sdist only.
        localindex.make_wheel(flat, "alpha", "1.0",
                              tag=f"{OTHER_ABI}-{OTHER_ABI}-"
                              "manylinux_2_17_x86_64",
                              requires=["beta"])
        localindex.make_wheel(flat, "alpha", "1.0",
                              tag=f"{OWN_ABI}-{OWN_ABI}-"
                              "manylinux_2_17_x86_64")
        localindex.make_wheel(flat, "beta", "2.0")
        localindex.make_sdist(flat, "gamma", "3.0")
        self.flat_index = self.useFixture(localindex.FlatIndex(flat, {})).url

    def test_target_gets_its_wheels_and_sdist_only_pins_are_missing(
            self) -> None:
        label = f"--target {TARGET} ({OTHER})"
        uc = self.constraints("alpha===1.0\nbeta===2.0\ngamma===3.0\n")
        code, out, err = self.run_main(build_mirror.main, [
            "-o", self.out, "--index-url", self.flat_index, "-c", uc,
            "--target", TARGET])
        self.assertEqual(1, code, out + err)
        self.assertIn(f"downloaded alpha===1.0 for {label}: alpha-1.0-"
                      f"{OTHER_ABI}-{OTHER_ABI}-manylinux_2_17_x86_64.whl\n",
                      out)
        self.assertIn(
            f"{uc}:3: gamma===3.0 has no file on the index for {label}: "
            f"no wheel for {OTHER} manylinux_2_28_x86_64; sdists are not "
            "built for targets without an interpreter\n", out)
        self.assertIn(f"{label}: 3 pins: 0 present, 2 downloaded, 0 built, "
                      "1 missing, 0 failed\n", out)
        # Only the target's files: no wheel for this Python, no sdist.
        self.assertEqual(
            [f"alpha-1.0-{OTHER_ABI}-{OTHER_ABI}-manylinux_2_17_x86_64.whl",
             "beta-2.0-py3-none-any.whl"],
            distributions(os.path.join(self.out, "packages")))

        # check-mirror agrees, sdist-only counted missing for the target.
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--mirror", self.out, "--target", TARGET])
        self.assertEqual(1, code, out + err)
        self.assertEqual([
            f"{uc}:3: gamma===3.0 has no installable file on {self.out} for "
            f"{label}: no project 'gamma' on it",
            f"3 pins checked on {self.out} for 1 interpreter(s): 1 "
            "problem(s)"], out.splitlines())
        code, out, err = self.run_main(check_mirror.main, [
            "-c", uc, "--index-url", self.flat_index, "--target", TARGET,
            "--coverage", "--json"])
        self.assertEqual(0, code, out + err)
        [report] = json.loads(out)["targets"]
        self.assertEqual(
            (OTHER, "manylinux_2_28_x86_64", 2, 0, 1, ["gamma===3.0"]),
            (report["python"], report["platform"], report["wheel"],
             report["sdist"], report["missing"], report["not-served"]))

        # Without gamma the installability proof passes: the metadata
        # walk and uv's resolve for that version and platform.
        served_uc = self.constraints("alpha===1.0\nbeta===2.0\n", "ok.txt")
        code, out, err = self.run_main(check_mirror.main, [
            "-c", served_uc, "--mirror", self.out, "--target", TARGET])
        self.assertEqual((0, ""), (code, err), out)
        # This machine's own interpreter is not served by that mirror.
        code, out, err = self.run_main(check_mirror.main, [
            "-c", served_uc, "--mirror", self.out, "-p", sys.executable])
        self.assertEqual(1, code, out + err)
        self.assertIn("alpha===1.0 has no installable file", out)
        self.install_with_pyenv(served_uc)

    def install_with_pyenv(self, uc: str) -> None:
        """Install from the mirror with a real interpreter of OTHER."""
        import platform
        import subprocess

        if platform.machine() != "x86_64":
            self.skipTest("the target's wheels are for x86_64")
        try:
            prefix = subprocess.run(
                ["pyenv", "prefix", OTHER], capture_output=True, text=True,
                timeout=60)
        except OSError:
            self.skipTest(f"no pyenv to find a Python {OTHER}")
        python = os.path.join(prefix.stdout.strip(), "bin", "python3")
        if prefix.returncode != 0 or not os.path.exists(python):
            self.skipTest(f"no pyenv Python {OTHER}: {prefix.stderr}")
        served = self.useFixture(localindex.DirectoryServer(self.out)).url
        site = os.path.join(self.tmp, "site")
        result = subprocess.run(
            [python, "-m", "pip", "install", "--no-cache-dir",
             "--only-binary", ":all:", "--target", site, "-c", uc,
             "--index-url", served + "/simple", "alpha"],
            capture_output=True, text=True, env=localindex.pip_env(),
            timeout=300)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertIn("Successfully installed alpha-1.0 beta-2.0",
                      result.stdout)


class TestTargetSpec(base.TestCase):
    def test_bad_target_is_input_error(self) -> None:
        tmp = self.make_dir()
        uc = self.write(tmp, "uc.txt", "alpha===1.0\n")
        for spec, message in (
                ("3.x", "--target '3.x': give a Python version as 3.Y"),
                ("3.13:solaris_sparc", "unknown platform tag "
                 "'solaris_sparc'")):
            code, out, err = self.run_main(build_mirror.main, [
                "-o", os.path.join(tmp, "m"), "-c", uc, "--target", spec])
            self.assertEqual(2, code, out + err)
            self.assertIn(message, err)
            self.assertFalse(os.path.exists(os.path.join(tmp, "m")))
