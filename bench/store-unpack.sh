#!/usr/bin/env bash
# Layer unpack benchmark (issue 4): a 4-layer gzip image built from files on this machine,
# loaded/unpacked by berth, `docker load` (private dockerd), and `umoci unpack` (OCI layout),
# with single-threaded `gzip -dc` of the layers as the floor and berth's in-process parallel
# inflate (isa-l) as the ceiling. Appends a section to bench/RESULTS.md.
#   bench/store-unpack.sh [BUILD_DIR]       (root; needs ~4 GB free under /tmp)
# Tar and gzip are used here to make the test image only; berth itself never shells out.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
build=${1:-$repo/build}
W=${BENCH_DIR:-/tmp/berth-bench-unpack-$$}
LAYER_DIRS=(${BENCH_LAYERS:-"/usr/lib/gcc" "/usr/share/fpcsrc" "/usr/share/locale /usr/share/doc" "/usr/lib/cni /usr/lib/git-core /usr/share/vim /usr/share/perl"})
source "$here/lib/peers.sh"
cleanup() {
  stop_docker || true
  rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/img"
TIMEFORMAT=%R

echo "== building the image in $W"
diffids=()
layers=()
for i in "${!LAYER_DIRS[@]}"; do
  # shellcheck disable=SC2086
  tar -C / -cf "$W/layer$i.tar" $(for d in ${LAYER_DIRS[$i]}; do echo "${d#/}"; done)
  diffids+=("sha256:$(sha256sum "$W/layer$i.tar" | cut -d' ' -f1)")
  gzip -6 -c "$W/layer$i.tar" >"$W/layer$i.tar.gz"
  layers+=("$W/layer$i.tar.gz")
  rm "$W/layer$i.tar"
done
python3 - "$W" "${#layers[@]}" "${diffids[@]}" <<'PY'
import hashlib, json, os, shutil, sys
w, n, diffids = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def sha(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for b in iter(lambda: f.read(1 << 20), b''): h.update(b)
    return h.hexdigest()
config = {"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
          "rootfs": {"type": "layers", "diff_ids": diffids},
          "history": [{"created_by": "bench layer %d" % i} for i in range(n)]}
cj = json.dumps(config).encode()
cdig = hashlib.sha256(cj).hexdigest()
# docker-archive (docker save layout, gzip layer blobs)
d = os.path.join(w, "docker")
os.makedirs(d)
open(os.path.join(d, cdig + ".json"), "wb").write(cj)
names = []
for i in range(n):
    os.makedirs(os.path.join(d, "l%d" % i))
    os.link(os.path.join(w, "layer%d.tar.gz" % i), os.path.join(d, "l%d" % i, "layer.tar"))
    names.append("l%d/layer.tar" % i)
json.dump([{"Config": cdig + ".json", "RepoTags": ["bench/unpack:1"], "Layers": names}],
          open(os.path.join(d, "manifest.json"), "w"))
# OCI layout for umoci
o = os.path.join(w, "oci")
os.makedirs(os.path.join(o, "blobs", "sha256"))
open(os.path.join(o, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
open(os.path.join(o, "blobs", "sha256", cdig), "wb").write(cj)
lay = []
for i in range(n):
    p = os.path.join(w, "layer%d.tar.gz" % i)
    dg = sha(p)
    os.link(p, os.path.join(o, "blobs", "sha256", dg))
    lay.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": "sha256:" + dg, "size": os.path.getsize(p)})
m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": "sha256:" + cdig, "size": len(cj)}, "layers": lay}).encode()
mdig = hashlib.sha256(m).hexdigest()
open(os.path.join(o, "blobs", "sha256", mdig), "wb").write(m)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": "sha256:" + mdig, "size": len(m),
           "annotations": {"org.opencontainers.image.ref.name": "bench"}}]},
          open(os.path.join(o, "index.json"), "w"))
PY
tar -C "$W/docker" -cf "$W/image.docker.tar" .
gz_bytes=$(cat "${layers[@]}" | wc -c)
raw_bytes=$(for l in "${layers[@]}"; do gzip -dc "$l"; done | wc -c)
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
rate() { awk -v b="$raw_bytes" -v s="$1" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
echo "image: ${#layers[@]} layers, $(mb "$raw_bytes") MB uncompressed, $(mb "$gz_bytes") MB gzip"
sync

echo "== floor: gzip -dc of the layers, one after another"
t_gzip=$( { time (for l in "${layers[@]}"; do gzip -dc "$l" >/dev/null; done) ; } 2>&1 )
echo "   $t_gzip s"
echo "== ceiling: berth's isa-l inflate of the layers in parallel"
t_inflate=$("$build/bin/berth-unpack-bench" --mode inflate "${layers[@]}" | cut -d' ' -f1)
echo "   $t_inflate s"
echo "== berth unpack of the layers in parallel (unpackLayer: inflate + tar + writes + diff_id)"
mkdir -p "$W/berth-layers"
t_unpack=$("$build/bin/berth-unpack-bench" --mode unpack "$W/berth-layers" "${layers[@]}" | cut -d' ' -f1)
echo "   $t_unpack s"
rm -rf "$W/berth-layers"
echo "== berth ImageStore::load of the docker-archive (berth-unpack-bench --mode load)"
t_store=$("$build/bin/berth-unpack-bench" --mode load "$W/berth-store" "$W/image.docker.tar" | cut -d' ' -f1)
echo "   $t_store s"
rm -rf "$W/berth-store"
t_load=""
if [ -x "$build/bin/berth" ] && "$build/bin/berth" load --help >/dev/null 2>&1; then
  echo "== berth load -i (docker-archive)"
  t_load=$( { time (BERTH_ROOT="$W/berth-root" "$build/bin/berth" load -i "$W/image.docker.tar" >/dev/null) ; } 2>&1 )
  echo "   $t_load s"
  BERTH_ROOT="$W/berth-root" "$build/bin/berth" images || true
  rm -rf "$W/berth-root"
fi
echo "== umoci unpack (OCI layout)"
t_umoci=$( { time (umoci unpack --image "$W/oci:bench" "$W/umoci-bundle" >/dev/null) ; } 2>&1 )
echo "   $t_umoci s"
rm -rf "$W/umoci-bundle"
echo "== docker load (private containerd + dockerd, overlay2)"
start_docker "$W/docker-peer"
docker_ver=$($DOCKER version -f '{{.Server.Version}}' 2>/dev/null || echo "?")
t_docker=$( { time ($DOCKER load -i "$W/image.docker.tar" >/dev/null) ; } 2>&1 )
echo "   $t_docker s"
stop_docker || true  # its last `wait` returns the killed dockerd's status

berth_t=${t_load:-$t_store}
{
  echo
  echo "## Layer unpack ($(date -u +%Y-%m-%d), bench/store-unpack.sh)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores (shared), kernel $(uname -r)."
  echo "Image: ${#layers[@]} gzip layers from ${LAYER_DIRS[*]}: $(mb "$raw_bytes") MB uncompressed, $(mb "$gz_bytes") MB gzip. Warm page cache; MB/s = uncompressed MB / wall time."
  echo
  echo "| what | seconds | MB/s |"
  echo "|---|---|---|"
  echo "| gzip -dc, layers one after another (floor) | $t_gzip | $(rate "$t_gzip") |"
  echo "| isa-l inflate, layers in parallel (berth-unpack-bench --mode inflate) | $t_inflate | $(rate "$t_inflate") |"
  echo "| berth unpackLayer, layers in parallel (berth-unpack-bench --mode unpack) | $t_unpack | $(rate "$t_unpack") |"
  echo "| berth ImageStore::load, docker-archive (berth-unpack-bench --mode load) | $t_store | $(rate "$t_store") |"
  if [ -n "$t_load" ]; then echo "| berth load -i (docker-archive) | $t_load | $(rate "$t_load") |"; fi
  echo "| umoci unpack (OCI layout) | $t_umoci | $(rate "$t_umoci") |"
  echo "| docker load ($docker_ver, overlay2) | $t_docker | $(rate "$t_docker") |"
  echo
  echo "berth ($( [ -n "$t_load" ] && echo "berth load -i" || echo "ImageStore::load")) vs docker load: $(awk -v a="$t_docker" -v b="$berth_t" 'BEGIN{printf "%.1f", a/b}')x faster (target >= 5x); vs parallel inflate: $(awk -v a="$berth_t" -v b="$t_inflate" 'BEGIN{printf "%.2f", a/b}')x its time (target <= 2x)."
} | tee -a "$here/RESULTS.md"
