#!/usr/bin/env bash
# Engine start benchmark (issue 5): `berth run --rm --network none busybox true` vs
# `docker run --rm --network none` (private dockerd, bench/lib/peers.sh) and `podman run` on the
# same image (berth's busybox image, saved and loaded into each peer), one hyperfine run.
#   sudo bench/engine-run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-30}"
BIN="$PWD/build/bin"
WORK="$(mktemp -d /tmp/berth-bench-engine-XXXXXX)"
OUT_DIR="${OUT_DIR:-$WORK}"
source bench/lib/peers.sh
cleanup() { stop_docker || true; rm -rf "$WORK"; }
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
export BERTH_ROOT="$WORK/berth-root"
"$BIN/berth" image busybox >/dev/null
"$BIN/berth" save -o "$WORK/busybox.tar" busybox

names=(berth) cmds=("$BIN/berth run --rm --network none busybox true")
if command -v dockerd >/dev/null && start_docker "$WORK/docker"; then
  $DOCKER load -i "$WORK/busybox.tar" >/dev/null
  names+=(docker); cmds+=("$DOCKER run --rm --network none busybox true")
else
  echo "# docker: not installed or did not start"
fi
if command -v podman >/dev/null; then
  P="podman --root $WORK/podman --runroot $WORK/podman-run --storage-driver vfs"
  if $P load -i "$WORK/busybox.tar" >/dev/null 2>&1 && out=$($P run --rm --network none busybox true 2>&1); then
    names+=(podman); cmds+=("$P run --rm --network none busybox true")
  else
    echo "# podman refuses on this host: $(echo "${out:-load failed}" | tail -1)"
  fi
fi
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$OUT_DIR/engine-run.json" \
  --export-markdown "$OUT_DIR/engine-run.md" "${args[@]}"
jq -r '.results[] | "\(.command): median \(.median*1000*10|round/10) ms"' "$OUT_DIR/engine-run.json"
