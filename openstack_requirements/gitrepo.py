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

"""A git work tree a proposal is committed in. Processes (git).

Find the work tree of a file (:func:`toplevel`), refuse a dirty one
(:func:`require_clean`), and commit files on a new branch
(:func:`commit_on_branch`).  Nothing here pushes.
"""

from __future__ import annotations

from collections.abc import Sequence
import os
import subprocess

from openstack_requirements import errors


def _git(root: str, *args: str, text_in: str | None = None) -> str:
    try:
        result = subprocess.run(
            ["git", "-C", root, *args], capture_output=True, text=True,
            input=text_in, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise errors.ToolError(f"cannot run git: {exc}") from exc
    if result.returncode != 0:
        raise errors.ToolError(
            "git failed", ("git", "-C", root, *args),
            result.stderr or result.stdout)
    return result.stdout


def toplevel(path: str) -> str:
    """The top of the git work tree holding *path* (a file or not yet).

    :raises InputError: *path* is not inside a git work tree.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        return _git(directory, "rev-parse", "--show-toplevel").strip()
    except errors.ToolError:
        raise errors.InputError(
            "--propose needs -o inside a git checkout of the requirements "
            "repository", source=path) from None


def require_clean(root: str) -> None:
    """:raises InputError: *root* has changes or untracked files."""
    status = _git(root, "status", "--porcelain", "--untracked-files=all")
    if status.strip():
        first = status.splitlines()[0]
        raise errors.InputError(
            f"the work tree has uncommitted changes ({first.strip()}, "
            "...); commit or remove them first: a proposal commits "
            "only what it writes", source=root)


def branch_exists(root: str, branch: str) -> bool:
    try:
        _git(root, "rev-parse", "--verify", "--quiet",
             f"refs/heads/{branch}")
    except errors.ToolError:
        return False
    return True


def commit_on_branch(
    root: str, branch: str, paths: Sequence[str], message: str
) -> str:
    """Create *branch* at HEAD, commit *paths* on it; its commit id.

    :raises InputError: the branch exists already.
    :raises ToolError: git failed (no identity configured, ...).
    """
    if branch_exists(root, branch):
        raise errors.InputError(
            f"branch {branch} exists already: this proposal was made "
            "before; delete the branch to make it again", source=root)
    _git(root, "checkout", "--quiet", "-b", branch)
    _git(root, "add", "--", *paths)
    _git(root, "commit", "--quiet", "--no-verify", "--cleanup=verbatim",
         "-F", "-",
         text_in=message)
    return _git(root, "rev-parse", "HEAD").strip()
