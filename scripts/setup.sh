#!/usr/bin/env bash
# One command: installs every Debian package berth needs, builds it in Release into build/bin/,
# and runs the main job (scripts/demo.sh). Run as root on Debian 12.
#   scripts/setup.sh            install + build + demo
#   scripts/setup.sh --no-demo  install + build (what CI uses before the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

demo=1
[ "${1:-}" = "--no-demo" ] && demo=0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^\s*$/d' scripts/packages.txt)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

echo "== building (Release) into build/bin/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBERTH_WERROR="${BERTH_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"

if [ "$demo" = 1 ]; then
  echo "== main job"
  scripts/demo.sh
fi
