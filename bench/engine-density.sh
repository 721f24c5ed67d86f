#!/usr/bin/env bash
# Container density (issue 5): `berth run -d --network none busybox sleep 1000000` N times in a
# loop (daemonless: one berth-monitor per container, no engine process), then the total time and
# the memory overhead: each monitor's RSS and PSS (/proc/<pid>/smaps_rollup; targets ≤ 1.5 MB RSS,
# ≤ 300 kB PSS), the sum over all monitors, and the drop of MemAvailable (kernel objects too:
# namespaces, cgroups, page tables). The same loop with Docker (private dockerd, bench/lib/peers.sh)
# for DOCKER_N containers: dockerd + containerd + one containerd-shim per container.
# Everything is removed at the end (rm -f, then a check for leftover mounts, cgroups, processes).
# Per-step start times (STEP containers each, default N/10) show whether a start gets slower with
# more running; the host's mount count is printed with them (running containers' overlays are
# not host mounts: it must stay flat). rm -f: its time, then the time until the background
# deleter has emptied <root>/trash.
#
# Usage: sudo bench/engine-density.sh [N] [DOCKER_N]     (defaults 1000 and 200; DOCKER_N=0 skips)
#   OUT_DIR=dir keeps the per-process figures.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
DOCKER_N="${2:-200}"
BIN="${BIN:-$PWD/build/bin}"  # BIN=a copy of build/bin: a rebuild during the run must not swap binaries
WORK="$(mktemp -d /tmp/berth-bench-density-XXXXXX)"
OUT_DIR="${OUT_DIR:-$WORK}"
mkdir -p "$OUT_DIR"
source bench/lib/peers.sh
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
export BERTH_ROOT="$WORK/berth-root"
B="$BIN/berth"

memavail_kb() { awk '/^MemAvailable:/{print $2}' /proc/meminfo; }

# RSS/PSS (kB) of the pids on stdin: "count rss_sum pss_sum rss_max pss_max"
mem_of_pids() {
  local r p n=0 rs=0 ps=0 rm=0 pm=0
  while read -r pid; do
    [ -r "/proc/$pid/smaps_rollup" ] || continue
    read -r r p < <(awk '/^Rss:/{r=$2} /^Pss:/{p=$2} END{print r+0, p+0}' "/proc/$pid/smaps_rollup")
    n=$((n + 1)); rs=$((rs + r)); ps=$((ps + p))
    [ "$r" -gt "$rm" ] && rm=$r
    [ "$p" -gt "$pm" ] && pm=$p
  done
  echo "$n $rs $ps $rm $pm"
}

berth_monitor_pids() {
  local f
  for f in "$BERTH_ROOT"/containers/*/monitor/monitor.pid; do
    [ -f "$f" ] && cut -d' ' -f1 "$f"
  done
}

berth_cleanup() {
  [ -x "$B" ] || return 0
  local ids
  ids=$("$B" ps -aq --no-trunc 2>/dev/null || true)
  [ -n "$ids" ] && echo "$ids" | xargs -r -n 50 "$B" rm -f >/dev/null 2>&1 || true
}

cleanup() {
  set +e
  berth_cleanup
  stop_docker
  # Monitors the CLI could not remove (it failed meanwhile): their containers, then them, then
  # their cgroups. Only processes of this run (their command line names our private root).
  local m c id
  for m in $(pgrep -f "berth-monitor --id .*$WORK"); do
    id=$(tr '\0' '\n' < "/proc/$m/cmdline" | sed -n '/^--id$/{n;p}')
    for c in $(pgrep -P "$m"); do kill -9 "$c"; done
    sleep 0.2; kill -9 "$m" 2>/dev/null
    for c in /sys/fs/cgroup/*/berth/"$id"; do [ -d "$c" ] && rmdir "$c"; done
    echo "# LEAK: monitor $m of $id killed" >&2
  done
  # Anything left under the private root is a bug worth seeing: report, then force it away.
  local left
  left=$(grep -c " $WORK" /proc/self/mounts)
  [ "$left" -gt 0 ] && echo "# LEAK: $left mounts under $WORK" >&2
  grep -o " $WORK[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "# $(date -u '+%F %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r), load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$B" image busybox >/dev/null

# --- berth ---
"$B" run --rm --network none busybox true  # warm the page cache
mem0=$(memavail_kb)
start=$(date +%s.%N)
lap=$start
step=${STEP:-$((N >= 10 ? N / 10 : 1))}
# CPU of the first and the last K starts (perf stat task-clock of the CLI and what it spawns:
# monitor until it detaches, runtime create/start), less load-sensitive than wall time.
K=${CPU_K:-10}
command -v perf >/dev/null || K=0
cpu_first=0 cpu_last=0
for i in $(seq 1 "$N"); do
  if [ "$K" -gt 0 ] && { [ "$i" -le "$K" ] || [ "$i" -gt $((N - K)) ]; }; then
    perf stat -x, -e task-clock -o "$WORK/cpu.csv" -- "$B" run -d --network none busybox sleep 1000000 \
      >/dev/null || { echo "berth run $i failed" >&2; exit 1; }
    ms=$(awk -F, '/task-clock/{print $1}' "$WORK/cpu.csv")
    if [ "$i" -le "$K" ]; then cpu_first=$(echo "$cpu_first + $ms" | bc -l); else cpu_last=$(echo "$cpu_last + $ms" | bc -l); fi
  else
    "$B" run -d --network none busybox sleep 1000000 >/dev/null || { echo "berth run $i failed" >&2; exit 1; }
  fi
  if [ $((i % step)) -eq 0 ]; then  # does a start get slower with more running?
    now=$(date +%s.%N)
    printf 'berth: containers %d..%d: %.1f ms each (load %s, host mounts %d)\n' $((i - step + 1)) "$i" \
      "$(echo "($now - $lap) * 1000 / $step" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)" \
      "$(wc -l < /proc/self/mountinfo)"
    lap=$now
  fi
done
end=$(date +%s.%N)
sleep 2
mem1=$(memavail_kb)
running=$("$B" ps -q | wc -l)
read -r n rss pss rssmax pssmax < <(berth_monitor_pids | mem_of_pids)
berth_monitor_pids > "$OUT_DIR/berth-monitor.pids"
"$B" ps -aq --no-trunc > "$OUT_DIR/berth.ids"
total=$(echo "$end - $start" | bc)
printf 'berth: %d containers started in %.2f s (%.1f ms each), %d running, load %s\n' "$N" "$total" \
  "$(echo "$total * 1000 / $N" | bc -l)" "$running" "$(cut -d' ' -f1-3 /proc/loadavg)"
[ "$K" -gt 0 ] && printf 'berth: CPU per start (task-clock): first %d %.1f ms, last %d %.1f ms\n' \
  "$K" "$(echo "$cpu_first / $K" | bc -l)" "$K" "$(echo "$cpu_last / $K" | bc -l)"
printf 'berth: engine processes: none (daemonless); monitors: %d\n' "$n"
printf 'berth-monitor per process: RSS avg %d kB (max %d), PSS avg %d kB (max %d)\n' \
  $((rss / n)) "$rssmax" $((pss / n)) "$pssmax"
printf 'berth: all monitors RSS %d kB, PSS %d kB; MemAvailable dropped by %d MB (%d kB per container; noisy when others build)\n' \
  "$rss" "$pss" $(((mem0 - mem1) / 1024)) $(((mem0 - mem1) / N))

rm_start=$(date +%s.%N)
berth_cleanup
rm_end=$(date +%s.%N)
printf 'berth: rm -f of all %d took %.2f s (load %s)\n' "$N" "$(echo "$rm_end - $rm_start" | bc)" \
  "$(cut -d' ' -f1 /proc/loadavg)"
# The removed containers' files are deleted in the background (engine/lifecycle/trash.hpp).
for _ in $(seq 1200); do
  [ -z "$(ls -A "$BERTH_ROOT/trash" 2>/dev/null)" ] && break
  sleep 0.1
done
trash_end=$(date +%s.%N)
printf 'berth: trash emptied %.2f s after rm -f returned (%d entries left)\n' \
  "$(echo "$trash_end - $rm_end" | bc)" "$(ls -A "$BERTH_ROOT/trash" 2>/dev/null | wc -l)"
left_mounts=$(grep -c " $BERTH_ROOT" /proc/self/mounts || true)
left_cgroups=0
while read -r id; do
  for d in /sys/fs/cgroup/*/berth/"$id" /sys/fs/cgroup/berth/"$id"; do [ -d "$d" ] && left_cgroups=$((left_cgroups + 1)); done
done < "$OUT_DIR/berth.ids"
left_procs=0
# (not zombies: this VM's pid 1 reaps orphans late)
while read -r pid; do
  grep -qs '^State:' "/proc/$pid/status" && ! grep -qs '^State:.*Z (' "/proc/$pid/status" && left_procs=$((left_procs + 1))
done < "$OUT_DIR/berth-monitor.pids"
printf 'berth: after rm -f: %d containers, %d mounts, %d cgroups, %d monitors left\n' \
  "$("$B" ps -aq | wc -l)" "$left_mounts" "$left_cgroups" "$left_procs"

# --- docker ---
if [ "$DOCKER_N" -gt 0 ] && command -v dockerd >/dev/null && start_docker "$WORK/docker"; then
  "$B" save -o "$WORK/busybox.tar" busybox
  $DOCKER load -i "$WORK/busybox.tar" >/dev/null
  $DOCKER run --rm --network none busybox true
  mem0=$(memavail_kb)
  d_before=$(echo "$PEER_DOCKERD_PID $PEER_CONTAINERD_PID" | tr ' ' '\n' | mem_of_pids)
  start=$(date +%s.%N)
  for i in $(seq 1 "$DOCKER_N"); do
    $DOCKER run -d --network none busybox sleep 1000000 >/dev/null || { echo "docker run $i failed" >&2; exit 1; }
  done
  end=$(date +%s.%N)
  sleep 2
  mem1=$(memavail_kb)
  total=$(echo "$end - $start" | bc)
  # The shims of this dockerd: containerd-shim processes whose -address is our containerd socket.
  shims=$(for p in $(pgrep -f containerd-shim); do
            tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q "$WORK/docker/containerd.sock" && echo "$p"; done)
  read -r sn srss spss srssmax spssmax < <(echo "$shims" | grep . | mem_of_pids)
  read -r en erss epss _ _ < <(echo "$PEER_DOCKERD_PID $PEER_CONTAINERD_PID" | tr ' ' '\n' | mem_of_pids)
  read -r _ brss bpss _ _ <<< "$d_before"
  printf 'docker: %d containers started in %.2f s (%.1f ms each), load %s\n' "$DOCKER_N" "$total" \
    "$(echo "$total * 1000 / $DOCKER_N" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'docker: dockerd + containerd RSS %d kB (was %d), PSS %d kB (was %d)\n' "$erss" "$brss" "$epss" "$bpss"
  printf 'containerd-shim per process (%d): RSS avg %d kB (max %d), PSS avg %d kB (max %d)\n' \
    "$sn" $((srss / sn)) "$srssmax" $((spss / sn)) "$spssmax"
  printf 'docker: all shims RSS %d kB, PSS %d kB; MemAvailable dropped by %d MB (%d kB per container)\n' \
    "$srss" "$spss" $(((mem0 - mem1) / 1024)) $(((mem0 - mem1) / DOCKER_N))
  rm_start=$(date +%s.%N)
  $DOCKER ps -aq | xargs -r -n 50 $DOCKER rm -f >/dev/null
  rm_end=$(date +%s.%N)
  printf 'docker: rm -f of all %d took %.2f s\n' "$DOCKER_N" "$(echo "$rm_end - $rm_start" | bc)"
else
  echo "# docker: skipped (DOCKER_N=0, not installed or did not start)"
fi
