#!/usr/bin/env bash
# The main job: make a busybox bundle from Debian's busybox-static and run a container in it
# with `berth-runtime run` (new pid, net, ipc, uts and mount namespaces; needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
RT="$PWD/build/bin/berth-runtime"
[ -x "$RT" ] || { echo "demo: $RT is not built (run scripts/setup.sh)"; exit 1; }
[ -x /bin/busybox ] || { echo "demo: busybox-static is not installed"; exit 1; }
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

work=$(mktemp -d /tmp/berth-demo-XXXXXX)
state="$work/state"
trap '$SUDO "$RT" --root "$state" delete --force demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "== making a busybox bundle in $work/bundle"
root="$work/bundle/rootfs"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root}
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list-full); do
  [ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$root/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

echo "== berth-runtime spec"
(cd "$work/bundle" && "$RT" spec)
# A non-interactive process instead of the default interactive `sh`: a script in the rootfs.
cat > "$root/demo.sh" <<'SCRIPT'
echo "hello from $(hostname), pid $$ in its own pid namespace"
echo "uid $(id -u), capabilities:"
grep Cap /proc/self/status
echo "root filesystem:"; ls /
exit 3
SCRIPT
sed -i -e 's/"terminal": true/"terminal": false/' -e 's|^\(\s*\)"sh"$|\1"sh", "/demo.sh"|' \
  "$work/bundle/config.json"

echo "== berth-runtime run demo"
set +e
$SUDO "$RT" --root "$state" run --bundle "$work/bundle" demo
code=$?
set -e
echo "== the container exited with $code (the script's exit 3)"
[ "$code" = 3 ]
