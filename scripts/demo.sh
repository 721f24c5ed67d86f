#!/usr/bin/env bash
# The main job: make a busybox bundle from Debian's busybox-static and run a container in it.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: not yet implemented"
