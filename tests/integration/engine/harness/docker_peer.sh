#!/usr/bin/env bash
# The Docker peer the engine integration tests compare berth with: one private dockerd (its own
# containerd, data root, socket; no bridge, no iptables) per build tree, started by ctest's
# fixture before the engine tests and stopped after them, with the busybox fixture image loaded
# and tagged busybox:latest (the same image, same ID, as the tests load into berth).
#   docker_peer.sh start DIR IMAGE_TAR    (exit 0 and no socket when docker.io or root is missing)
#   docker_peer.sh stop DIR
set -u
cmd=${1:?start|stop}
dir=${2:?DIR}
source "$(dirname "$0")/../../../../bench/lib/peers.sh"

case $cmd in
start)
  tar=${3:?IMAGE_TAR}
  if [ "$(id -u)" != 0 ]; then echo "docker peer: not root, engine tests compare with nothing"; exit 0; fi
  for tool in /usr/bin/docker /usr/sbin/dockerd /usr/bin/containerd; do
    [ -x $tool ] || { echo "docker peer: $tool not installed (docker.io); comparisons skip"; exit 0; }
  done
  "$0" stop "$dir" >/dev/null 2>&1
  mkdir -p "$dir"
  # Started in the background of this shell: they outlive it (ctest's fixture cleanup stops them).
  if ! start_docker "$dir/d" --exec-opt native.cgroupdriver=cgroupfs; then
    echo "docker peer: dockerd did not start:"; tail -20 "$dir/d/dockerd.log"; exit 1
  fi
  echo "$PEER_CONTAINERD_PID" >"$dir/containerd.pid"
  $DOCKER load -q -i "$tar" >/dev/null && $DOCKER tag fixture/busybox:1 busybox:latest || exit 1
  echo "unix://$dir/d/docker.sock" >"$dir/host"
  echo "docker peer: $(cat "$dir/host")"
  ;;
stop)
  [ -d "$dir" ] || exit 0
  if [ -f "$dir/d/docker.sock" ] || [ -S "$dir/d/docker.sock" ]; then
    /usr/bin/docker -H "unix://$dir/d/docker.sock" ps -aq 2>/dev/null |
      xargs -r /usr/bin/docker -H "unix://$dir/d/docker.sock" rm -f >/dev/null 2>&1
  fi
  [ -f "$dir/d/docker.pid" ] && PEER_DOCKERD_PID=$(cat "$dir/d/docker.pid")
  [ -f "$dir/containerd.pid" ] && PEER_CONTAINERD_PID=$(cat "$dir/containerd.pid")
  for pid in ${PEER_DOCKERD_PID:-} ${PEER_CONTAINERD_PID:-}; do
    kill "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  PEER_DOCKERD_PID= PEER_CONTAINERD_PID= PEER_DOCKER_DIR="$dir/d" stop_docker
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start DIR IMAGE_TAR | stop DIR" >&2; exit 2 ;;
esac
