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

"""Install, freeze and resolve: index options, watchers, shared pages."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from openstack_requirements import interpreters
from openstack_requirements import procs
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex
import openstack_requirements.venv as venv  # ruff/hacking order


class TestIndexOptions(base.TestCase):
    def test_pip_and_uv_arguments(self) -> None:
        index = venv.IndexOptions(
            index_url="https://mirror/simple",
            extra_index_urls=("https://extra/simple",),
            find_links=("/wheels",), exclude_newer="2025-01-01T00:00:00Z")
        self.assertEqual([
            "--index-url", "https://mirror/simple",
            "--extra-index-url", "https://extra/simple",
            "--find-links", "/wheels",
        ], index.pip_args())
        self.assertEqual(index.pip_args() + [
            "--index-strategy", "unsafe-best-match",
            "--exclude-newer", "2025-01-01T00:00:00Z",
        ], index.uv_args())
        self.assertEqual(
            "https://mirror/simple, extra https://extra/simple, "
            "find-links /wheels", index.describe())

    def test_no_index(self) -> None:
        index = venv.IndexOptions(no_index=True, find_links=("/w",))
        self.assertEqual(["--no-index", "--find-links", "/w"],
                         index.pip_args())


class TestUvConfig(base.TestCase):
    """PyPI's files are immutable: uv is told so in a uv.toml of ours."""

    def test_pypi_gets_a_config_and_loses_its_index_url(self) -> None:
        directory = self.make_dir()
        for url in ("", "https://pypi.org/simple", "https://pypi.org/simple/"):
            index = venv.write_uv_config(
                venv.IndexOptions(index_url=url,
                                  extra_index_urls=("https://x/s",)),
                directory)
            path = os.path.join(directory, "uv.toml")
            self.assertEqual(path, index.uv_config)
            self.assertEqual([
                "--config-file", path, "--extra-index-url", "https://x/s",
                "--index-strategy", "unsafe-best-match"], index.uv_args())
            # pip never sees it.
            self.assertNotIn("--config-file", index.pip_args())
        text = base.read(path)
        self.assertIn('url = "https://pypi.org/simple"\ndefault = true\n',
                      text)
        self.assertIn('[index.cache-control]\napi = "max-age=600"\n'
                      'files = "max-age=365000000, immutable"\n', text)

    def test_other_indexes_keep_their_servers_rules(self) -> None:
        directory = self.make_dir()
        for index in (venv.IndexOptions(index_url="https://mirror/simple"),
                      venv.IndexOptions(no_index=True, find_links=("/w",))):
            self.assertIs(index, venv.write_uv_config(index, directory))
        self.assertEqual([], os.listdir(directory))

    def test_uv_reads_the_config(self) -> None:
        # This uv accepts the file: a lookup offline on an empty cache
        # fails for want of the package, not for the configuration.
        directory = self.make_dir()
        index = venv.write_uv_config(venv.IndexOptions(offline=True),
                                     directory)
        reqs = self.write(directory, "r.txt", "six\n")
        env = interpreters.clean_env(os.environ)
        env["UV_CACHE_DIR"] = os.path.join(directory, "cache")
        uv = interpreters.find_uv(env).path
        result = subprocess.run(
            [uv, "pip", "compile", "--no-config",
             "--python-version", "3.12", *index.uv_args(), reqs],
            env=env, capture_output=True, text=True, check=False)
        self.assertEqual(1, result.returncode, result.stderr)
        self.assertIn("six was not found in the cache", result.stderr)
        broken = self.write(directory, "uv.toml", "[[index]]\nurl = 3\n")
        result = subprocess.run(
            [uv, "pip", "compile", "--no-config",
             "--config-file", broken, "--offline", reqs],
            env=env, capture_output=True, text=True, check=False)
        self.assertEqual(2, result.returncode, result.stderr)


class TestNames(base.TestCase):
    def test_names_as_the_metadata_spells_them(self) -> None:
        # A real venv with real wheels installed by uv, offline.
        work = self.make_dir()
        index = os.path.join(work, "index")
        os.mkdir(index)
        localindex.make_wheel(index, "Tiny.Lib", "1.0")
        localindex.make_wheel(index, "other_Pkg", "1.1")
        env = interpreters.clean_env(os.environ)
        uv = interpreters.find_uv(env).path
        target = os.path.join(work, "venv")
        for cmd in ([uv, "venv", "--no-config", "-q", "--python",
                     sys.executable, target],
                    [uv, "pip", "install", "--no-config", "-q", "--python",
                     os.path.join(target, "bin", "python"), "--no-index",
                     "--find-links", index, "Tiny.Lib", "other_Pkg"]):
            subprocess.run(cmd, env=env, check=True, capture_output=True)
        self.assertEqual({"tiny-lib": "Tiny.Lib", "other-pkg": "other_Pkg"},
                         venv._names(target))


class TestProgressWatchers(base.TestCase):
    """Installer output -> the phase text shown per interpreter."""

    def feed(self, watch: venv._Watch, text: str) -> list[str]:
        return [status for line in text.splitlines(keepends=True)
                if (status := watch(line)) is not None]

    def test_pip_counts_listed_lines_and_all_distributions(self) -> None:
        out = self.feed(venv._watch_pip(3), (
            "Ignoring foo: markers 'python_version < \"3\"' don't match "
            "your environment\n"
            "Collecting oslo.config (from -r /g.txt (line 1))\n"
            "  Downloading oslo_config-10.7.0-py3-none-any.whl (143 kB)\n"
            "Collecting netaddr>=0.7.18 (from oslo.config->-r /g.txt "
            "(line 1))\n"
            "Collecting charset_normalizer<4,>=2 (from requests->-r /g.txt "
            "(line 2))\n"
            # Backtracking collects a line again: it still counts once.
            "Collecting oslo.config (from -r /g.txt (line 1))\n"
            "Collecting requests (from -r /g.txt (line 2))\n"
            "  Building wheel for krb5 (pyproject.toml): started\n"
            "Installing collected packages: netaddr, requests, oslo.config,"
            " charset-normalizer\n"))
        self.assertEqual([
            "install: collected 1/3 listed, 0 in all",
            "install: collected 2/3 listed, 1 in all",
            "install: collected 2/3 listed, 2 in all",
            "install: collected 2/3 listed, 3 in all",
            "install: collected 2/3 listed, 3 in all",
            "install: collected 3/3 listed, 4 in all",
            "install: 4 collected, building krb5",
            "install: installing 4 packages",
        ], out)

    def test_uv_names_the_total_then_builds_and_downloads(self) -> None:
        out = self.feed(venv._watch_uv("install"), (
            "Using Python 3.11.7 environment at: pv\n"
            "Resolved 14 packages in 382ms\n"
            "Downloading netaddr (2.2MiB)\n"
            " Downloaded netaddr\n"
            "   Building krb5==0.10.0\n"
            "      Built krb5==0.10.0\n"
            "   Building gssapi==1.9.0\n"
            "Prepared 14 packages in 1m 20s\n"
            "Installed 14 packages in 31ms\n"
            " + krb5==0.10.0\n"))
        self.assertEqual([
            "install: resolved 14 packages",
            "install: 14 resolved, downloading netaddr",
            "install: 14 resolved, building krb5",
            "install: 14 resolved, building gssapi (1 built)",
            "install: prepared 14",
            "install: installed 14",
        ], out)

    def test_requirement_count_of_an_unreadable_file_is_zero(self) -> None:
        self.assertEqual(0, venv._count_requirements(
            os.path.join(self.make_dir(), "missing.txt")))
        path = self.write(self.make_dir(), "g.txt",
                          "# c\n\nsix  # MIT\n-c x.txt\nbar;python_version<'3'"
                          "  # MIT\n")
        self.assertEqual(2, venv._count_requirements(path))
        self.assertEqual("install: collected 1 listed, 1 in all",
                         venv._watch_pip(0)("Collecting six (from -r g.txt "
                                            "(line 3))\n"))


class TestPages(base.TestCase):
    """The leading uv install reads the index; the others wait for it."""

    def follower(self, pages: venv.Pages, cancel: procs.Cancel,
                 seen: list[str]) -> threading.Thread:
        def run() -> None:
            try:
                pages.wait(cancel, seen.append)
                seen.append("released")
            except KeyboardInterrupt:
                seen.append("interrupted")
        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def test_followers_start_when_the_leader_has_resolved(self) -> None:
        pages, cancel, seen = venv.Pages(), procs.Cancel(), []
        pages.wait(cancel, seen.append)  # this thread leads
        watch = pages.watch(lambda line: line.upper())
        thread = self.follower(pages, cancel, seen)
        self.assertEqual("PREPARING", watch("preparing"))
        thread.join(0.5)
        self.assertTrue(thread.is_alive())
        self.assertEqual(["install: waiting for the index pages"], seen)
        self.assertEqual(" RESOLVED 3 PACKAGES\n",
                         watch(" Resolved 3 packages\n"))
        thread.join(5)
        self.assertFalse(thread.is_alive())
        self.assertEqual("released", seen[-1])
        # Later installs do not wait at all.
        later: list[str] = []
        self.follower(pages, cancel, later).join(5)
        self.assertEqual(["released"], later)

    def test_a_failed_leader_releases_them(self) -> None:
        pages, cancel, seen = venv.Pages(), procs.Cancel(), []
        pages.wait(cancel, seen.append)
        thread = self.follower(pages, cancel, seen)
        pages.done()  # the leader's install ended without "Resolved"
        thread.join(5)
        self.assertEqual("released", seen[-1])

    def test_ctrl_c_stops_a_waiting_follower(self) -> None:
        pages, cancel, seen = venv.Pages(), procs.Cancel(), []
        pages.wait(cancel, seen.append)
        thread = self.follower(pages, cancel, seen)
        cancel.cancel()
        thread.join(5)
        self.assertEqual("interrupted", seen[-1])
