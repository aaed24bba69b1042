#!/usr/bin/env bash
# Build a development wheelhouse: a wheel for every global requirement and
# its dependencies at the upper-constraints pins, as many as possible,
# then the list of what could not be built or fetched.  Thin wrapper
# around build-wheel-mirror --best-effort.
# Usage: tools/build-wheels.sh WHEELHOUSE_DIR [build-wheel-mirror options]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: tools/build-wheels.sh WHEELHOUSE_DIR [options]}
shift
exec build-wheel-mirror --best-effort -o "$out" \
    -c "$here/upper-constraints.txt" -r "$here/global-requirements.txt" \
    "$@"
