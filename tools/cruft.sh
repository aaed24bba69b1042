#!/usr/bin/env bash
# Global requirements no project lists (and, given an interpreter whose
# environment has the projects installed, that nothing they list needs):
# candidates for removal, with the evidence.  Thin wrapper around
# list-cruft.
# Usage: tools/cruft.sh PROJECTS_ROOT [--python PYTHON] [list-cruft options]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:?usage: tools/cruft.sh PROJECTS_ROOT [options]}
shift
exec list-cruft --source "$here" --root "$root" "$@"
