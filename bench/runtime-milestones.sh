#!/usr/bin/env bash
# Milestones of berth-runtime's share of `berth run --rm --network none busybox true`: a light
# perf timeline (sched fork/exec/exit/switch + the mount, pivot_root, sendto and recvfrom
# tracepoints, not every system call) of N runs, then the median and 25th percentile of each
# milestone in ms from the runtime's exec (berth-monitor execs it through /proc/self/fd):
#   clone (the init), mount (its first), pivot (pivot_root), ready (its first sendto: Ready),
#   rtwait (the runtime done with the cgroup join, waiting for Ready), execve (the container
#   process), exit (the runtime); plus CPU ms of the runtime until that execve, of the init,
#   and of the runtime overall (from sched_switch).
#   sudo bench/runtime-milestones.sh [runs] [BIN_DIR ...]   (several dirs: runs interleaved)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-20}"; shift || true
DIRS=("$@"); [ ${#DIRS[@]} -gt 0 ] || DIRS=("$PWD/build/bin")
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
WORK="$(mktemp -d /tmp/berth-bench-milestones-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export BERTH_ROOT="$WORK/root"
"${DIRS[0]}/berth" image busybox >/dev/null
for d in "${DIRS[@]}"; do "$d/berth" run --rm --network none busybox true; done  # warm up
cat >"$WORK/loop.sh" <<LOOP
#!/usr/bin/env bash
for i in \$(seq 1 $RUNS); do
$(for d in "${DIRS[@]}"; do echo "  $d/berth run --rm --network none busybox true"; done)
done
LOOP
chmod +x "$WORK/loop.sh"
perf record -q -o "$WORK/perf.data" -a -e sched:sched_process_fork,sched:sched_process_exec,sched:sched_process_exit,sched:sched_switch,syscalls:sys_enter_mount,syscalls:sys_enter_pivot_root,syscalls:sys_enter_open_tree,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto -- "$WORK/loop.sh" >/dev/null 2>&1
perf script -i "$WORK/perf.data" -F comm,pid,cpu,time,event,trace 2>/dev/null |
  grep -v -E '^ *(perf|swapper)' >"$WORK/timeline.txt"
python3 bench/tools/runtime_milestones.py "$WORK/timeline.txt"
