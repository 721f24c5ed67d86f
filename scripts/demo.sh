#!/usr/bin/env bash
# The main job: make a small busybox image from Debian's busybox-static (berth image busybox),
# list it, and run containers in it with berth (daemonless: berth-monitor + berth-runtime).
# Then the same busybox as a plain OCI bundle run by the runtime alone (berth-runtime run).
# State goes to $BERTH_ROOT (default /var/lib/berth), like `docker`; needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/build/bin"
[ -x "$BIN/berth" ] && [ -x "$BIN/berth-runtime" ] || { echo "demo: build first (scripts/setup.sh)"; exit 1; }
[ -x /bin/busybox ] || { echo "demo: busybox-static is not installed"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (containers need it)"; exit 1; }
export BERTH_ROOT="${BERTH_ROOT:-/var/lib/berth}"
berth() { echo "\$ berth $*"; "$BIN/berth" "$@"; }

echo "== an image from what the machine has"
berth image busybox
berth images busybox

echo "== a container in it"
berth run --rm --hostname demo busybox sh -c \
  'echo "hello from $(hostname), pid $$ in its own pid namespace"; grep CapEff /proc/self/status; ls /'
set +e
berth run --rm busybox sh -c 'exit 3'
code=$?
set -e
echo "(the container exited with $code: exit codes propagate)"
[ "$code" = 3 ]

echo "== a detached one, listed, stopped and removed"
berth run -d --name demo-sleeper busybox sleep 60 >/dev/null
berth ps
berth stop -t 1 demo-sleeper >/dev/null
berth rm demo-sleeper >/dev/null

echo "== the runtime alone: an OCI bundle run by berth-runtime (what runc does)"
work=$(mktemp -d /tmp/berth-demo-XXXXXX)
trap '"$BIN/berth-runtime" --root "$work/state" delete --force demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$work/bundle/rootfs/bin/$applet"
done
(cd "$work/bundle" && "$BIN/berth-runtime" spec)
sed -i -e 's/"terminal": true/"terminal": false/' -e 's|^\(\s*\)"sh"$|\1"sh", "-c", "echo runtime says hi from $(hostname)"|' \
  "$work/bundle/config.json"
echo "\$ berth-runtime run --bundle $work/bundle demo"
"$BIN/berth-runtime" --root "$work/state" run --bundle "$work/bundle" demo
echo "== done: try 'BERTH_ROOT=$BERTH_ROOT $BIN/berth run -it busybox sh'"
