#!/usr/bin/env bash
# Cap a project's requirements at the versions upper-constraints.txt pins
# (or a 'pip freeze' given with -c), for a stable branch.  Thin wrapper
# around cap-requirements; tools/uncap.sh takes the caps off.
# Usage: tools/cap.sh PROJECT_DIR [cap-requirements options]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
project=${1:?usage: tools/cap.sh PROJECT_DIR [options]}
shift
exec cap-requirements -c "$here/upper-constraints.txt" "$project" "$@"
