#!/usr/bin/env bash
# Monitor density (issue 5): start N `sleep` containers, each under its own berth-monitor
# (detached, json-file log), then report the wall time and each monitor's memory from
# /proc/<pid>/smaps_rollup: RSS, PSS, anonymous (targets: ≤ 1.5 MB RSS, ≤ 300 kB PSS each).
# Everything is stopped and removed at the end.
#
# Usage: sudo bench/monitor-density.sh [N] [runtime]   (default 100, build/bin/berth-runtime or
# runc when absent). Monitors are started one after the other, as `berth run -d` in a loop would.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100}"
RUNTIME="${2:-$PWD/build/bin/berth-runtime}"
[ -x "$RUNTIME" ] || RUNTIME="$(command -v runc)"
MONITOR="$PWD/build/bin/berth-monitor"
WORK="$(mktemp -d /tmp/berth-bench-density-XXXXXX)"
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
[ -x "$MONITOR" ] || { echo "no $MONITOR: build first" >&2; exit 1; }

cleanup() {
    for i in $(seq 1 "$N"); do
        "$RUNTIME" --root "$WORK/rt" kill "dens-$i" KILL >/dev/null 2>&1 || true
    done
    sleep 1  # the monitors record the exits, delete the containers and leave
    for i in $(seq 1 "$N"); do
        "$RUNTIME" --root "$WORK/rt" delete --force "dens-$i" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/bundle/rootfs/bin" "$WORK/bundle/rootfs/proc" "$WORK/bundle/rootfs/dev" \
         "$WORK/bundle/rootfs/sys"
cp /bin/busybox "$WORK/bundle/rootfs/bin/busybox"
ln -s busybox "$WORK/bundle/rootfs/bin/sleep"
ln -s busybox "$WORK/bundle/rootfs/bin/sh"
(cd "$WORK/bundle" && "$RUNTIME" spec)
jq '.process.args = ["sleep", "1000"] | .process.terminal = false' "$WORK/bundle/config.json" \
    > "$WORK/config.json" && mv "$WORK/config.json" "$WORK/bundle/config.json"

start=$(date +%s.%N)
for i in $(seq 1 "$N"); do
    "$MONITOR" --id "dens-$i" --bundle "$WORK/bundle" --runtime "$RUNTIME" --runtime-root "$WORK/rt" \
        --state-dir "$WORK/state/$i" --log-path "$WORK/state/$i/ctr.log" --sync-fd 3 3>"$WORK/sync-$i"
    # The monitor closes the sync fd (its copy of the file) once the container runs: wait for it.
    for _ in $(seq 1 500); do [ -s "$WORK/sync-$i" ] && break; sleep 0.01; done
    grep -q '"ok":true' "$WORK/sync-$i" || { echo "container $i: $(cat "$WORK/sync-$i")" >&2; exit 1; }
done
end=$(date +%s.%N)
sleep 1
rss=0; pss=0; anon=0; rss_max=0
for i in $(seq 1 "$N"); do
    pid=$(cut -d' ' -f1 "$WORK/state/$i/monitor.pid")
    read -r r p a < <(awk '/^Rss:/{r=$2} /^Pss:/{p=$2} /^Anonymous:/{a=$2} END{print r, p, a}' \
                          "/proc/$pid/smaps_rollup")
    rss=$((rss + r)); pss=$((pss + p)); anon=$((anon + a))
    [ "$r" -gt "$rss_max" ] && rss_max=$r
done
printf 'runtime: %s\n%d containers started in %.2f s (%.1f ms each)\n' "$RUNTIME" "$N" \
    "$(echo "$end - $start" | bc)" "$(echo "($end - $start) * 1000 / $N" | bc -l)"
printf 'berth-monitor per process: RSS avg %d kB (max %d kB), PSS avg %d kB, anonymous avg %d kB\n' \
    $((rss / N)) "$rss_max" $((pss / N)) $((anon / N))
printf 'all monitors: RSS %d kB, PSS %d kB\n' "$rss" "$pss"
