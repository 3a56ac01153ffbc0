#!/bin/sh
# Regenerates the README's pictures of the memory map from the demos and the real captures (docs/screenshots/).
# Needs a build (cmake --preset ci && cmake --build --preset ci) and xvfb-run. Usage: scripts/screenshots.sh [BUILD]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build/ci}
app="$build/app/cmascope"
cli="$build/app/cmascope-cli"
out=docs/screenshots
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shot() { # NAME ARGS...: the main window at 1920x1080
    name=$1
    shift
    xvfb-run -a -s "-screen 0 1920x1080x24" "$app" "$@" --screenshot "$tmp/$name.png" --size 1920x1080 >/dev/null 2>&1
    cp "$tmp/$name.png" "$out/$name.png"
}
numa=traces/kernel/k612-dt-numa
shot failure-light resources/demos/gfx-fragmentation.json --step 94
shot modern-board-dark resources/demos/rzg2l-smarc-dt.json --dark
shot map-per-area "$numa/trace.txt" --step 13
"$cli" render resources/demos/camera-video-2010.json --axis compact --width 1600 --height 420 -o "$out/map-compact.png"
"$cli" render resources/demos/camera-video-2010.json --layout grid --width 1600 --height 600 -o "$out/grid-layout.png"
"$cli" render traces/kernel/k61-nvme/trace.txt --dmesg traces/kernel/k61-nvme/dmesg-cma.txt --width 1600 \
    --height 300 -o "$out/kernel-trace.png"
