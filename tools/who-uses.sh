#!/usr/bin/env bash
# Which projects of projects.txt list a dependency, in which file or
# section, with which specifier.  Thin wrapper around who-uses.
# Usage: tools/who-uses.sh PROJECTS_ROOT NAME... [who-uses options]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:?usage: tools/who-uses.sh PROJECTS_ROOT NAME... [options]}
shift
exec who-uses --source "$here" --root "$root" "$@"
