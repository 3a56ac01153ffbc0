#!/usr/bin/env bash
# cmascope developer entry point. The README's quick start is exactly:
#   scripts/dev.sh run    install what is missing, build, open the app on the built-in demo
#   scripts/dev.sh test   install what is missing, build with warnings as errors, run every test
#                         (normal build, then AddressSanitizer + UBSan build), headless
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

# Debian 12 / Ubuntu package names. Why each is here: see README "Dependencies".
DEPS=(
    cmake ninja-build g++ pkg-config git
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-qpa-plugins libgl-dev
    nlohmann-json3-dev zlib1g-dev libzstd-dev
    libfdt-dev device-tree-compiler libtracecmd-dev libtraceevent-dev libtracefs-dev
    libprotozero-dev
    xvfb xauth fonts-dejavu-core clang-format python3 python3-jsonschema groff-base zsh
    desktop-file-utils appstream libxml2-utils shared-mime-info dpkg-dev file qt6-l10n-tools
)

log() { printf '\n== %s\n' "$*"; }

install_deps() {
    local missing=() p
    for p in "${DEPS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        log "build dependencies present"
        return
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 2; }
        sudo=(sudo)
    fi
    log "installing: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

check_format() {
    log "clang-format check"
    local files
    mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find app core views tests -name '*.cpp' -o -name '*.h')
    clang-format --dry-run -Werror "${files[@]}"
}

build_and_test() {
    local preset=$1
    log "configure + build ($preset)"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    log "tests ($preset)"
    ctest --preset "$preset" --timeout 900
}

case "${1:-}" in
run)
    install_deps
    log "configure + build (dev)"
    cmake --preset dev >/dev/null
    cmake --build --preset dev --target cmascope cmascope-cli
    log "starting cmascope on the built-in demo"
    if (($# > 1)); then
        exec "$here/build/dev/app/cmascope" "${@:2}"
    fi
    exec "$here/build/dev/app/cmascope" --demo
    ;;
test)
    install_deps
    check_format
    build_and_test ci
    if [ "${CMASCOPE_SKIP_ASAN:-0}" != 1 ]; then
        build_and_test asan
    fi
    ;;
*)
    echo "usage: scripts/dev.sh run|test" >&2
    exit 2
    ;;
esac
