#!/usr/bin/env bash
# Start benchmark (issue 2): `run` of a busybox bundle whose process is /bin/true, berth-runtime
# vs runc vs crun on the same bundle in one hyperfine run; then each runtime's stripped binary
# size and the peak RSS of one `run` (GNU time's maximum resident set size of the CLI process).
#
# Usage: sudo [STATE_TMPFS=1] bench/runtime-start.sh [runs]   (prints the tables; JSON/markdown
# in $OUT_DIR)
# crun 1.8 may refuse this v1-hybrid host: that is recorded, not fatal.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-100}"
BERTH="${BERTH_RUNTIME:-$PWD/build/bin/berth-runtime}"
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
[ -x "$BERTH" ] || { echo "no $BERTH: build first" >&2; exit 1; }
WORK="$(mktemp -d /tmp/berth-bench-start-XXXXXX)"
OUT_DIR="${OUT_DIR:-$WORK}"
# State roots (--root of every runtime) under $WORK. STATE_TMPFS=1 puts them on a private tmpfs
# instead, as /run is on a standard host (all three runtimes default to /run/<name>): on ext4,
# creating inodes in a directory churned by thousands of create/delete cycles costs a quarter
# of a berth start here (ext4's recently_deleted() scan), which measures the filesystem.
ROOTS="$WORK/roots"
mkdir -p "$ROOTS"
trap 'mountpoint -q "$ROOTS" && umount "$ROOTS"; rm -rf "$WORK"' EXIT
[ "${STATE_TMPFS:-0}" = 1 ] && mount -t tmpfs -o mode=0700 berth-bench-roots "$ROOTS"

mkdir -p "$WORK/bundle/rootfs/bin"
cp /bin/busybox "$WORK/bundle/rootfs/bin/busybox"
ln -s busybox "$WORK/bundle/rootfs/bin/true"
ln -s busybox "$WORK/bundle/rootfs/bin/sh"
(cd "$WORK/bundle" && "$BERTH" spec)
jq '.process.args = ["/bin/true"] | .process.terminal = false' "$WORK/bundle/config.json" \
  >"$WORK/config.tmp" && mv "$WORK/config.tmp" "$WORK/bundle/config.json"

declare -A CMD BIN
BIN[berth]="$BERTH"; BIN[runc]="$(command -v runc || true)"; BIN[crun]="$(command -v crun || true)"
CMD[berth]="$BERTH --root $ROOTS/berth run -b $WORK/bundle bench-berth"
CMD[runc]="runc --root $ROOTS/runc run -b $WORK/bundle bench-runc"
CMD[crun]="crun --root $ROOTS/crun run -b $WORK/bundle bench-crun"

names=() cmds=()
for r in berth runc crun; do
  [ -n "${BIN[$r]}" ] || { echo "# $r not installed"; continue; }
  if out=$(${CMD[$r]} 2>&1 </dev/null); then
    names+=("$r"); cmds+=("${CMD[$r]}")
  else
    echo "# $r refuses this bundle on this host: $(echo "$out" | tail -1)"
  fi
done
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N --warmup 10 --runs "$RUNS" --export-json "$OUT_DIR/runtime-start.json" \
  --export-markdown "$OUT_DIR/runtime-start.md" "${args[@]}"
cat "$OUT_DIR/runtime-start.md"

echo
echo "| runtime | stripped size | peak RSS of one run |"
echo "|---|---|---|"
for r in "${names[@]}"; do
  cp "${BIN[$r]}" "$WORK/$r.stripped" && strip "$WORK/$r.stripped" 2>/dev/null || true
  size=$(stat -c %s "$WORK/$r.stripped")
  rss=$(/usr/bin/time -f %M ${CMD[$r]} 2>&1 >/dev/null </dev/null | tail -1)
  echo "| $r | $((size / 1024)) KiB | $rss KiB |"
done
