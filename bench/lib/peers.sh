# Start/stop Docker (docker.io from Debian) privately for benchmarks and interop tests:
# its own containerd, data root, exec root and socket under a directory, no bridge, no iptables,
# so it never touches a system Docker or another engineer's instance.
#   source bench/lib/peers.sh; start_docker /tmp/mydocker; $DOCKER run ...; stop_docker
# $DOCKER is the Debian client (/usr/bin/docker) pointed at the private socket.

start_docker() {
  local dir=${1:?usage: start_docker DIR}
  PEER_DOCKER_DIR=$dir
  mkdir -p "$dir"
  containerd --root "$dir/containerd" --state "$dir/containerd-state" \
    --address "$dir/containerd.sock" >"$dir/containerd.log" 2>&1 &
  PEER_CONTAINERD_PID=$!
  for _ in $(seq 50); do [ -S "$dir/containerd.sock" ] && break; sleep 0.1; done
  dockerd --containerd "$dir/containerd.sock" --data-root "$dir/data" --exec-root "$dir/exec" \
    -H "unix://$dir/docker.sock" --pidfile "$dir/docker.pid" --bridge=none --iptables=false \
    --ip-masq=false "${@:2}" >"$dir/dockerd.log" 2>&1 &
  PEER_DOCKERD_PID=$!
  DOCKER="/usr/bin/docker -H unix://$dir/docker.sock"
  for _ in $(seq 100); do $DOCKER info >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "dockerd did not start; see $dir/dockerd.log" >&2
  return 1
}

stop_docker() {
  [ -n "${PEER_DOCKERD_PID:-}" ] && kill "$PEER_DOCKERD_PID" 2>/dev/null && wait "$PEER_DOCKERD_PID" 2>/dev/null
  [ -n "${PEER_CONTAINERD_PID:-}" ] && kill "$PEER_CONTAINERD_PID" 2>/dev/null && wait "$PEER_CONTAINERD_PID" 2>/dev/null
  if [ -n "${PEER_DOCKER_DIR:-}" ]; then
    grep -o " $PEER_DOCKER_DIR[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
    rm -rf "$PEER_DOCKER_DIR"
  fi
  PEER_DOCKERD_PID= PEER_CONTAINERD_PID= PEER_DOCKER_DIR=
}
