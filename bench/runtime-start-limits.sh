#!/usr/bin/env bash
# Start benchmark with limits (issue 3): `run` of a busybox bundle whose process is /bin/true,
# with memory + pids + cpu limits and a Docker-semantics default seccomp profile in config.json,
# berth-runtime vs runc vs crun in one hyperfine run on the same bundle.
#
# The seccomp profile: containers-common's /usr/share/containers/seccomp.json (Docker's default
# profile semantics) converted to OCI linux.seccomp for x86_64 and the bundle's capabilities,
# so all three runtimes load the same filter.
#
# Usage: sudo bench/runtime-start-limits.sh [runs]   (prints hyperfine's table; --export-json in
# $OUT_DIR). crun 1.8 may refuse this v1-hybrid host: that is recorded, not fatal.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-50}"
BERTH="${BERTH_RUNTIME:-$PWD/build/bin/berth-runtime}"
WORK="$(mktemp -d /tmp/berth-bench-limits-XXXXXX)"
OUT_DIR="${OUT_DIR:-$WORK}"
trap 'rm -rf "$WORK"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
[ -x "$BERTH" ] || { echo "no $BERTH: build first" >&2; exit 1; }

# Bundle: busybox rootfs, /bin/true.
mkdir -p "$WORK/bundle/rootfs/bin"
cp /bin/busybox "$WORK/bundle/rootfs/bin/busybox"
ln -s busybox "$WORK/bundle/rootfs/bin/true"
ln -s busybox "$WORK/bundle/rootfs/bin/sh"
(cd "$WORK/bundle" && runc spec)
SECCOMP="$WORK/seccomp.json"
jq --argjson caps "$(jq '.process.capabilities.bounding' "$WORK/bundle/config.json")" '
  def arch_ok: (.includes.arches // []) as $a | ($a | length == 0) or ($a | index("amd64") != null) or ($a | index("x86_64") != null);
  def caps_ok: ((.includes.caps // []) - $caps | length == 0) and (((.excludes.caps // []) - ((.excludes.caps // []) - $caps)) | length == 0);
  {defaultAction, defaultErrnoRet,
   architectures: ([.archMap[] | select(.architecture == "SCMP_ARCH_X86_64") | .architecture, .subArchitectures[]]),
   syscalls: [.syscalls[] | select(arch_ok and caps_ok) | del(.includes, .excludes, .comment)]}
' /usr/share/containers/seccomp.json >"$SECCOMP"
jq --slurpfile sc "$SECCOMP" '
  .process.args = ["/bin/true"] | .process.terminal = false |
  .linux.resources = {
    memory: {limit: 67108864, swap: 67108864},
    pids: {limit: 100},
    cpu: {shares: 512, quota: 50000, period: 100000},
    devices: [{allow: false, access: "rwm"}]
  } |
  .linux.seccomp = $sc[0]
' "$WORK/bundle/config.json" >"$WORK/config.tmp" && mv "$WORK/config.tmp" "$WORK/bundle/config.json"

declare -A CMD
CMD[berth]="$BERTH --root $WORK/root-berth run -b $WORK/bundle bench-berth"
CMD[runc]="runc --root $WORK/root-runc run -b $WORK/bundle bench-runc"
CMD[crun]="crun --root $WORK/root-crun run -b $WORK/bundle bench-crun"

names=() cmds=()
for r in berth runc crun; do
  if out=$(${CMD[$r]} 2>&1 </dev/null); then
    names+=("$r"); cmds+=("${CMD[$r]}")
  else
    echo "# $r refuses this bundle on this host: $(echo "$out" | tail -1)"
  fi
done
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$OUT_DIR/runtime-start-limits.json" \
  --export-markdown "$OUT_DIR/runtime-start-limits.md" "${args[@]}"
cat "$OUT_DIR/runtime-start-limits.md"
# Nothing left behind: the cgroups of the bench containers are gone.
for ctl in memory pids cpu; do
  ls -d /sys/fs/cgroup/$ctl/bench-* /sys/fs/cgroup/$ctl/berth/bench-* 2>/dev/null && echo "LEFT: $ctl" || true
done
