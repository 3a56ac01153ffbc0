#!/bin/bash
# Installs cmascope as a user would, twice, and checks what lands (issue 18; README "Installing"):
#  1. `cmake --install` into a scratch prefix: every file in its place, the programs run from there;
#  2. the Debian package CPack builds: its dependencies (dpkg-shlibdeps), unpacked into a scratch root, and from
#     the installed files: cmascope-cli --version, a headless replay and render, an example of --help, the app's
#     --help; desktop-file-validate, appstreamcli validate --no-net, xmllint and update-mime-database on the
#     desktop entry, metainfo and MIME types; the man pages rendered by groff without a warning; the completions.
# Usage: install-test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export QT_QPA_PLATFORM=offscreen
fail() { echo "install-test: $*" >&2; exit 1; }
step() { printf '== %s\n' "$*"; }

check_tree() { # ROOT PREFIX: the installed files
    local root=$1 p=$2
    for f in bin/cmascope bin/cmascope-cli \
        share/applications/io.github.cmascope.desktop share/metainfo/io.github.cmascope.metainfo.xml \
        share/mime/packages/io.github.cmascope.xml share/icons/hicolor/scalable/apps/io.github.cmascope.svg \
        share/man/man1/cmascope.1.gz share/man/man1/cmascope-cli.1.gz \
        share/bash-completion/completions/cmascope-cli share/zsh/vendor-completions/_cmascope-cli \
        share/cmascope/demos/camera-video-2010.json share/cmascope/workloads \
        share/doc/cmascope/manual.md share/doc/cmascope/troubleshooting.md share/doc/cmascope/copyright \
        share/doc/cmascope/screenshots/manual/start-page.png; do
        [ -e "$root$p/$f" ] || fail "not installed: $p/$f"
    done
    [ "$(find "$root$p/share/cmascope/demos" -name '*.json' | wc -l)" -ge 10 ] || fail "demos missing"
}

run_installed() { # ROOT PREFIX: the installed programs, from their installed files only
    local root=$1 p=$2 cli=$1$2/bin/cmascope-cli
    "$cli" --version | grep -q "^cmascope-cli [0-9]" || fail "cmascope-cli --version"
    local k=$src/traces/kernel/k72-busy-areas
    "$cli" replay --quiet "$k/trace.txt" --dmesg "$k/dmesg-cma.txt" > "$scratch/replay.txt"
    grep -q "^fidelity: " "$scratch/replay.txt" || fail "replay from the installed program"
    "$cli" render "$root$p/share/cmascope/demos/gfx-fragmentation.json" --step 60 -o "$scratch/map.png" --quiet
    [ "$(head -c 4 "$scratch/map.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] || fail "render did not write a PNG"
    # the first example of `info --help` names the installed demos, and runs as printed
    local example
    example=$("$cli" info --help | sed -n '/^Examples:/{n;p;q}' | sed 's/^ *//')
    case $example in "cmascope-cli info $root$p/share/cmascope/demos/"*) ;; *) fail "info example: $example" ;; esac
    PATH="$root$p/bin:$PATH" sh -c "$example" > /dev/null || fail "the info example does not run: $example"
    "$root$p/bin/cmascope" --help | grep -q -- "--follow" || fail "cmascope --help"
}

check_metadata() { # SHARE: the desktop integration files
    local share=$1
    desktop-file-validate "$share/applications/io.github.cmascope.desktop"
    appstreamcli validate --no-net --pedantic "$share/metainfo/io.github.cmascope.metainfo.xml"
    xmllint --noout "$share/mime/packages/io.github.cmascope.xml"
    update-mime-database "$share/mime"
    for t in application/x-cmascope-project application/x-trace-cmd-dat application/x-perfetto-trace \
        application/x-device-tree-blob text/x-device-tree-source text/x-ftrace-log; do
        [ -f "$share/mime/$t.xml" ] || fail "update-mime-database did not register $t"
        grep -q "${t}" "$share/applications/io.github.cmascope.desktop" || fail "the desktop entry does not open $t"
    done
    for m in cmascope cmascope-cli; do
        local warnings
        warnings=$(zcat "$share/man/man1/$m.1.gz" | groff -man -ww -z 2>&1)
        [ -z "$warnings" ] || fail "man page $m: $warnings"
    done
    bash -n "$share/bash-completion/completions/cmascope-cli"
    if command -v zsh > /dev/null; then zsh -n "$share/zsh/vendor-completions/_cmascope-cli"; fi
}

step "cmake --install into a scratch prefix"
cmake --install "$build" --prefix "$scratch/prefix" > "$scratch/install.log"
check_tree "$scratch/prefix" ""
run_installed "$scratch/prefix" ""

step "cpack: the Debian package"
(cd "$scratch" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/pkg" > "$scratch/cpack.log") ||
    { cat "$scratch/cpack.log"; fail "cpack"; }
deb=$(ls "$scratch"/pkg/cmascope_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for d in libqt6widgets6 libqt6core6 libqt6charts6 libqt6svg6 libfdt1 libtracecmd1 libzstd1 zlib1g libc6 \
    device-tree-compiler qt6-qpa-plugins; do
    [[ $depends == *"$d"* ]] || fail "the package does not depend on $d"
done
echo "Installed-Size: $(dpkg-deb -f "$deb" Installed-Size) KiB, $(du -k "$deb" | cut -f1) KiB packed"
dpkg-deb -x "$deb" "$scratch/root"
check_tree "$scratch/root" /usr
run_installed "$scratch/root" /usr
check_metadata "$scratch/root/usr/share"
echo "install-test: ok ($(basename "$deb"))"
