#!/usr/bin/env bash
# Remove the caps tools/cap.sh added (the '<=PIN' clauses at the same
# pins): cap then uncap gives back the original files byte for byte.
# Usage: tools/uncap.sh PROJECT_DIR [cap-requirements options]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
project=${1:?usage: tools/uncap.sh PROJECT_DIR [options]}
shift
exec cap-requirements --uncap -c "$here/upper-constraints.txt" \
    "$project" "$@"
