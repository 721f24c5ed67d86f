#!/usr/bin/env bash
# The whole test suite: unit tests (any user), then integration tests (root only; they use a
# private state root and clean up after themselves). Builds first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBERTH_WERROR="${BERTH_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
cd build
echo "== unit tests"
ctest -L unit --output-on-failure -j"$(nproc)"
if [ "$(id -u)" -eq 0 ]; then
  echo "== integration tests (root)"
  ctest -L integration --output-on-failure --timeout 300
else
  echo "== integration tests skipped: they need root"
fi
