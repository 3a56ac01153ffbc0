#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture a real kernel CMA trace: boot an unmodified Debian arm64 kernel under
# qemu-system-aarch64 (TCG, -M virt -cpu cortex-a72), run one guest workload from
# traces/capture/workloads/, and write a capture directory in the layout of
# traces/kernel/*/ (see traces/capture/README.md).
#
#   traces/capture/capture.sh WORKLOAD OUTDIR
#
# Runs as root (or through sudo) on Debian 12 with the arm64 architecture added
# (dpkg --add-architecture arm64; not needed for a "# capture-kernel: sid" workload, which reads
# Debian unstable with its own apt state: see sid.sh). Downloads are cached under
# $CMASCOPE_CAPTURE_WORK (default /tmp/cmascope-capture).
#   CMASCOPE_KERNEL=6.12.117+deb12   kernel ABI to use (default: what linux-image-6.12-arm64 depends on;
#                                    for a "# capture-kernel: sid" workload e.g. 7.2.13+deb14, default
#                                    what unstable's linux-image-arm64 depends on: see sid.sh)
#   CMASCOPE_CLI=/path/cmascope-cli  used to fill the replay check column of checkpoints.tsv
#   CMASCOPE_TIMEOUT=1800            seconds before qemu is killed
#   CMASCOPE_APPEND="k=v ..."        more kernel command line (unknown k=v reach the workload as variables)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${CMASCOPE_CAPTURE_WORK:-/tmp/cmascope-capture}

die() { echo "capture.sh: $*" >&2; exit 1; }
log() { echo "capture.sh: $*" >&2; }

[ $# -eq 2 ] || die "usage: capture.sh WORKLOAD OUTDIR (workloads: $(cd "$HERE/workloads" && ls *.sh | sed 's/\.sh$//' | tr '\n' ' '))"
WL=$1
OUT=$2
WLFILE=$HERE/workloads/$WL.sh
[ -f "$WLFILE" ] || die "no workload $WLFILE"
[ ! -e "$OUT" ] || [ -z "$(ls -A "$OUT")" ] || die "$OUT exists and is not empty"

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# ---- host packages ----
need=()
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
setting() { sed -n "s/^# capture-$1: *//p" "$WLFILE" | head -1; }
KSUITE=$(setting kernel); KSUITE=${KSUITE:-bookworm}   # sid: Debian unstable's kernel (sid.sh)
case $KSUITE in bookworm | sid) ;; *) die "capture-kernel: $KSUITE (bookworm or sid)" ;; esac
if [ "$KSUITE" = bookworm ]; then
    command -v aarch64-linux-gnu-gcc-12 >/dev/null || need+=(gcc-12-aarch64-linux-gnu gcc-aarch64-linux-gnu)
else
    command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
fi
command -v cpio >/dev/null || need+=(cpio)
command -v dtc >/dev/null || need+=(device-tree-compiler)
command -v make >/dev/null || need+=(make)
command -v xz >/dev/null || need+=(xz-utils)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
[ "$KSUITE" = sid ] || dpkg --print-foreign-architectures | grep -qx arm64 ||
    die "the arm64 architecture is not enabled: dpkg --add-architecture arm64 && apt-get update"

# ---- workload settings: "# capture-KEY: VALUE" lines of the workload (setting() above) ----
MEM=$(setting mem); MEM=${MEM:-1G}
APPEND=$(setting append)
NVME=$(setting nvme); NVME=${NVME:-0}
WANT_MODS="virtio_blk $(setting modules)"
LATE_MODS=$(setting late-modules)    # put in /modules-late.list: the workload loads them itself
DISK=$(setting disk); DISK=${DISK:-64M}   # the raw results disk (a tar of /out)
TRACE_CMD=$(setting trace-cmd)           # yes: Debian's trace-cmd (arm64) and its libraries in the initramfs
PERFETTO=$(setting perfetto)             # yes (sid only): Debian unstable's perfetto, traced, traced_probes
QEMU_EXTRA=$(setting qemu)               # more QEMU arguments (split at spaces), e.g. -numa
DT_FRAGMENT=$(setting dt)                # a .dts fragment in workloads/, appended to QEMU's own device tree
if [ -n "$DT_FRAGMENT" ]; then
    DT_FRAGMENT=$HERE/workloads/$DT_FRAGMENT
    [ -f "$DT_FRAGMENT" ] || die "no device tree fragment $DT_FRAGMENT"
fi

# ---- Debian packages of the guest (cached) ----
DEBS=$WORK/debs
BUSYBOX=bin/busybox
deb_of() { # package[:arch][=version] -> cached .deb path
    local name=${1%%[:=]*}
    ls "$DEBS/${name}_"*.deb 2>/dev/null | head -1
}
if [ "$KSUITE" = sid ]; then
    # Debian unstable's kernel: its own apt state, packages, chroot build (traces/capture/sid.sh)
    . "$HERE/sid.sh"
    sid_packages
else
    mkdir -p "$WORK/debs"
    if [ -z "${CMASCOPE_KERNEL:-}" ]; then
        CMASCOPE_KERNEL=$(apt-cache depends linux-image-6.12-arm64:arm64 2>/dev/null |
            sed -n 's/.*Depends: linux-image-\(6\.12\.[0-9]*+deb12\)-arm64.*/\1/p' | head -1)
        [ -n "$CMASCOPE_KERNEL" ] || die "cannot resolve linux-image-6.12-arm64:arm64 (apt-get update?)"
    fi
    KREL=$CMASCOPE_KERNEL-arm64
    IMG_PKG=linux-image-$KREL
    KPKGVER=$(apt-cache show "$IMG_PKG:arm64" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
    [ -n "$KPKGVER" ] || die "no package $IMG_PKG:arm64"
    MINOR=${CMASCOPE_KERNEL%.*}          # 6.12
    PKGS=("$IMG_PKG:arm64=$KPKGVER"
        "linux-headers-$KREL:arm64=$KPKGVER"
        "linux-headers-$CMASCOPE_KERNEL-common=$KPKGVER"
        "linux-kbuild-$CMASCOPE_KERNEL:$(dpkg --print-architecture)=$KPKGVER"
        "linux-source-$MINOR=$KPKGVER"
        "busybox-static:arm64")
    for p in "${PKGS[@]}"; do
        if [ -z "$(deb_of "$p")" ]; then
            log "downloading $p"
            (cd "$WORK/debs" && apt-get download "$p" >/dev/null 2>&1) || die "apt-get download $p failed"
        fi
    done
fi
TC_PKGS=()
if [ "$TRACE_CMD" = yes ]; then
    [ "$KSUITE" != sid ] || die "capture-trace-cmd is not supported with capture-kernel: sid yet"
    # trace-cmd and the arm64 libraries it needs (Depends of trace-cmd 3.1.6: libc6,
    # libtraceevent1, libtracefs1, libzstd1, libtraceevent1-plugin); unpacked into their own root,
    # only the program, the dynamic loader and the NEEDED closure go into the initramfs.
    TC_PKGS=(trace-cmd:arm64 libtraceevent1:arm64 libtracefs1:arm64 libzstd1:arm64 libc6:arm64
        libtraceevent1-plugin:arm64)
    # postprocess.py reads the markers of trace.dat with the host's trace-cmd report
    if ! command -v trace-cmd >/dev/null; then
        log "installing trace-cmd (host)"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends trace-cmd
    fi
    for p in "${TC_PKGS[@]}"; do
        if [ -z "$(deb_of "$p")" ]; then
            log "downloading $p"
            (cd "$WORK/debs" && apt-get download "$p" >/dev/null 2>&1) || die "apt-get download $p failed"
        fi
    done
    TCROOT=$WORK/root-trace-cmd
    if [ ! -e "$TCROOT/.done" ]; then
        rm -rf "$TCROOT"
        mkdir -p "$TCROOT"
        for p in "${TC_PKGS[@]}"; do dpkg -x "$(deb_of "$p")" "$TCROOT"; done
        touch "$TCROOT/.done"
    fi
fi

PF_PKGS=()
if [ "$PERFETTO" = yes ]; then
    [ "$KSUITE" = sid ] || die "capture-perfetto needs capture-kernel: sid"
    # perfetto 56 and what it Depends on (libc6, libstdc++6, zlib1g; libgcc-s1 for libstdc++6),
    # from unstable with sid.sh's own apt state; unpacked into their own root like trace-cmd's.
    PF_PKGS=(perfetto:arm64 libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64)
    for p in "${PF_PKGS[@]}"; do
        if [ -z "$(deb_of "$p")" ]; then
            log "downloading $p (unstable)"
            (cd "$DEBS" && apt-get "${SID_OPTS[@]}" download "$p" >/dev/null 2>&1) ||
                die "apt-get download $p (unstable) failed"
        fi
    done
    PFROOT=$WORK/root-perfetto
    if [ ! -e "$PFROOT/.done" ]; then
        rm -rf "$PFROOT"
        mkdir -p "$PFROOT"
        for p in "${PF_PKGS[@]}"; do dpkg -x "$(deb_of "$p")" "$PFROOT"; done
        touch "$PFROOT/.done"
    fi
fi

# Unpacks the downloaded packages (not the source) into $WORK/root-$KREL, and from the kernel source only
# mm/cma.h (the module reads struct cma) and the top Makefile; once per kernel.
extract_root() {
    ROOT=$WORK/root-$KREL
    if [ ! -e "$ROOT/.done" ]; then
        rm -rf "$ROOT"
        mkdir -p "$ROOT"
        for p in "${PKGS[@]}"; do
            case $p in linux-source-*) continue ;; esac
            dpkg -x "$(deb_of "$p")" "$ROOT"
        done
        dpkg-deb --fsys-tarfile "$(deb_of "linux-source-$MINOR")" |
            tar -xO "./usr/src/linux-source-$MINOR.tar.xz" |
            tar -xJ -C "$ROOT" "linux-source-$MINOR/mm/cma.h" "linux-source-$MINOR/Makefile"
        touch "$ROOT/.done"
    fi
}

if [ "$KSUITE" = sid ]; then
    sid_extract
    sid_build_module
else
    extract_root
    KIMAGE=$ROOT/boot/vmlinuz-$KREL
    MODDIR=$ROOT/lib/modules/$KREL
    [ -f "$KIMAGE" ] || die "no kernel image in $IMG_PKG"

    # ---- our module, cross-built against the headers ----
    KB=$WORK/kbuild-$KREL
    MODSRC=$HERE/module
    if [ ! -f "$KB/mod/cmascope_cma.ko" ] || [ "$MODSRC/cmascope_cma.c" -nt "$KB/mod/cmascope_cma.ko" ]; then
        log "building cmascope_cma.ko for $KREL"
        rm -rf "$KB"
        mkdir -p "$KB/mod"
        cp -a "$ROOT/usr/src/linux-headers-$KREL" "$KB/hdr"
        # The headers' Makefile includes /usr/src/linux-headers-*-common by absolute path.
        sed -i "s#^include /usr/src/#include $ROOT/usr/src/#" "$KB/hdr/Makefile"
        ln -sfn "$ROOT/usr/lib/linux-kbuild-$CMASCOPE_KERNEL/scripts" "$KB/hdr/scripts"
        ln -sfn "$ROOT/usr/lib/linux-kbuild-$CMASCOPE_KERNEL/tools" "$KB/hdr/tools"
        ln -sfn "$ROOT/usr/lib/linux-kbuild-$CMASCOPE_KERNEL/scripts" "$ROOT/usr/src/linux-headers-$CMASCOPE_KERNEL-common/scripts" 2>/dev/null || true
        cp "$MODSRC/cmascope_cma.c" "$MODSRC/Makefile" "$KB/mod/"
        cp "$ROOT/linux-source-$MINOR/mm/cma.h" "$KB/mod/cma.h"
        # BTF for modules needs pahole and vmlinux BTF: not needed here.
        make -s -C "$KB/hdr" M="$KB/mod" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
            CMASCOPE_KREL="$KREL" CMASCOPE_KVER="$KPKGVER" CONFIG_DEBUG_INFO_BTF_MODULES= modules >&2
    fi
fi

# ---- initramfs ----
STAGE=$WORK/stage-$WL
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,modules,workloads,proc,sys,dev,tmp,out}
cp "$ROOT/$BUSYBOX" "$STAGE/bin/busybox"
cp "$HERE/guest/init" "$STAGE/init"
cp "$HERE/guest/lib.sh" "$STAGE/lib.sh"
cp "$HERE/workloads/"*.sh "$STAGE/workloads/"
chmod +x "$STAGE/init"
# copy_closure ROOT PROGRAM...: the programs (paths inside ROOT), their program interpreter
# (/lib/ld-linux-aarch64.so.1) and the closure of their NEEDED libraries, at their paths in the
# packages (glibc's loader searches /lib/aarch64-linux-gnu and /usr/lib/aarch64-linux-gnu without
# ld.so.cache; a RUNPATH such as perfetto's /usr/lib/perfetto is searched too).
copy_closure() {
    local root=$1 f lib d found interp
    shift
    cl_copy() { mkdir -p "$STAGE/$(dirname "$1")"; cp -L "$root/$1" "$STAGE/$1"; }
    interp=$(readelf -l "$root/$1" | sed -n 's/.*program interpreter: \/\(.*\)\]/\1/p')
    [ -n "$interp" ] || die "no program interpreter in $1"
    mkdir -p "$STAGE/$(dirname "$interp")"
    if [ -e "$root/$interp" ]; then cp -L "$root/$interp" "$STAGE/$interp"
    else cp -L "$root/usr/$interp" "$STAGE/$interp"; fi   # merged /usr (unstable's libc6)
    declare -A cl_done=()
    local queue=("$@")
    for f in "$@"; do cl_copy "$f"; done
    while [ ${#queue[@]} -gt 0 ]; do
        f=${queue[0]}
        queue=("${queue[@]:1}")
        for lib in $(readelf -d "$root/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            [ -z "${cl_done[$lib]:-}" ] || continue
            cl_done[$lib]=1
            found=
            for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib/perfetto; do
                if [ -e "$root/$d/$lib" ]; then found=$d/$lib; break; fi
            done
            [ -n "$found" ] || die "$f needs $lib, which is not under $root"
            cl_copy "$found"
            queue+=("$found")
        done
    done
}
if [ "$TRACE_CMD" = yes ]; then
    # /usr/bin/trace-cmd and its libraries, and the libtraceevent plugins.
    copy_closure "$TCROOT" usr/bin/trace-cmd
    if [ -d "$TCROOT/usr/lib/aarch64-linux-gnu/traceevent/plugins" ]; then
        mkdir -p "$STAGE/usr/lib/aarch64-linux-gnu/traceevent"
        cp -a "$TCROOT/usr/lib/aarch64-linux-gnu/traceevent/plugins" "$STAGE/usr/lib/aarch64-linux-gnu/traceevent/"
    fi
fi
# perfetto (/usr/bin) and the daemons (/usr/sbin: on init's PATH through a link in /usr/bin)
if [ "$PERFETTO" = yes ]; then
    copy_closure "$PFROOT" usr/bin/perfetto usr/sbin/traced usr/sbin/traced_probes
    ln -s ../sbin/traced "$STAGE/usr/bin/traced"
    ln -s ../sbin/traced_probes "$STAGE/usr/bin/traced_probes"
fi
# modules in dependency order (depends= of each .ko's modinfo), decompressed
declare -A done_mod=()
modpath() { grep -E "(^|/)$1\.ko$" "$MODDIR/modules.order" | head -1; }
modpath_fix() { # a module name may be spelt with '_' where its file has '-', or the reverse
    local m=$1
    if [ -n "$(modpath "$m")" ]; then echo "$m"
    elif [ -n "$(modpath "${m//_/-}")" ]; then echo "${m//_/-}"
    else echo "${m//-/_}"; fi
}
add_mod() {
    local m=$1 list=${2:-$STAGE/modules.list} rel deps d
    [ -z "${done_mod[$m]:-}" ] || return 0
    done_mod[$m]=1
    if grep -qE "(^|/)$m\.ko$" "$MODDIR/modules.builtin"; then return 0; fi
    rel=$(modpath "$m")
    [ -n "$rel" ] || die "module $m not in $IMG_PKG"
    xz -dc "$MODDIR/$rel.xz" > "$STAGE/modules/$m.ko"
    deps=$(tr '\0' '\n' < "$STAGE/modules/$m.ko" | sed -n 's/^depends=//p' | head -1 | tr ',' ' ')
    for d in $deps; do add_mod "$(modpath_fix "$d")" "$list"; done
    echo "$m.ko" >> "$list"
}
: > "$STAGE/modules.list"
: > "$STAGE/modules-late.list"

for m in $WANT_MODS; do add_mod "$(modpath_fix "$m")"; done
for m in $LATE_MODS; do add_mod "$(modpath_fix "$m")" "$STAGE/modules-late.list"; done
cp "$KB/mod/cmascope_cma.ko" "$STAGE/modules/"
echo cmascope_cma.ko >> "$STAGE/modules.list"
(cd "$STAGE" && find . | cpio -o -H newc --quiet | gzip -9) > "$WORK/initrd-$WL.cpio.gz"

# ---- qemu ----
RAW=$WORK/raw-$WL
rm -rf "$RAW"
mkdir -p "$RAW"
truncate -s "$DISK" "$RAW/out.img"
CMDLINE="console=ttyAMA0 panic=-1 $APPEND${CMASCOPE_APPEND:+ $CMASCOPE_APPEND} wl=$WL"
QEMU=(qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m "$MEM" -nographic -no-reboot -nic none
    -kernel "$KIMAGE" -initrd "$WORK/initrd-$WL.cpio.gz" -append "$CMDLINE"
    -drive "file=$RAW/out.img,format=raw,if=none,id=out" -device virtio-blk-pci,drive=out,romfile=)
for i in $(seq 1 "$NVME"); do
    truncate -s 4M "$RAW/nvme$i.img"
    QEMU+=(-drive "file=$RAW/nvme$i.img,format=raw,if=none,id=nvm$i" -device "nvme,serial=cmascope$i,drive=nvm$i,romfile=")
done
# shellcheck disable=SC2206 # word splitting intended
[ -z "$QEMU_EXTRA" ] || QEMU+=($QEMU_EXTRA)
if [ -n "$DT_FRAGMENT" ]; then
    # QEMU's own device tree for exactly this machine (dumpdtb), with the fragment appended: a
    # second "/ { ... };" in the same source merges into the tree (e.g. a reserved-memory node).
    DUMP=("${QEMU[@]}")
    DUMP[2]=virt,dumpdtb=$RAW/qemu.dtb
    "${DUMP[@]}" < /dev/null > "$RAW/dumpdtb.log" 2>&1 || true
    [ -s "$RAW/qemu.dtb" ] || die "qemu dumpdtb failed; see $RAW/dumpdtb.log"
    { dtc -q -I dtb -O dts "$RAW/qemu.dtb"
      echo
      echo "/* appended by capture.sh: workloads/$(basename "$DT_FRAGMENT") */"
      cat "$DT_FRAGMENT"; } > "$RAW/guest.dts"
    dtc -q -I dts -O dtb -o "$RAW/guest.dtb" "$RAW/guest.dts" || die "dtc failed on $RAW/guest.dts"
    QEMU+=(-dtb "$RAW/guest.dtb")
fi
log "booting $KREL for workload $WL (log: $RAW/console.log)"
START=$(date +%s)
timeout "${CMASCOPE_TIMEOUT:-1800}" "${QEMU[@]}" < /dev/null > "$RAW/console.log" 2>&1 ||
    die "qemu failed or timed out; see $RAW/console.log"
END=$(date +%s)
grep -q "cmascope: results written" "$RAW/console.log" || die "the guest did not finish; see $RAW/console.log"
mkdir -p "$RAW/out"
tar -xf "$RAW/out.img" -C "$RAW/out"

# ---- capture directory ----
mkdir -p "$OUT"
GITREV=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
GITDIRTY=$(git -C "$REPO" status --porcelain -- traces/capture 2>/dev/null | head -1)
{
    echo "workload: $WL ($(basename "$WLFILE"))"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "capture script: traces/capture/capture.sh at git $GITREV${GITDIRTY:+ (traces/capture modified)}"
    echo "host: $(. /etc/os-release && echo "$PRETTY_NAME") $(uname -m)"
    echo "kernel release: $KREL"
    echo "kernel image sha256: $(sha256sum "$KIMAGE" | cut -d' ' -f1)  /${KIMAGE#"$ROOT"/}"
    echo "cmascope_cma.ko sha256: $(sha256sum "$KB/mod/cmascope_cma.ko" | cut -d' ' -f1)"
    echo "Debian packages:"
    for p in "${PKGS[@]}" ${TC_PKGS[@]+"${TC_PKGS[@]}"} ${PF_PKGS[@]+"${PF_PKGS[@]}"}; do
        f=$(deb_of "$p")
        echo "  $(dpkg-deb -f "$f" Package) $(dpkg-deb -f "$f" Version) $(dpkg-deb -f "$f" Architecture) sha256=$(sha256sum "$f" | cut -d' ' -f1)"
    done
    echo "  host tools: $(dpkg-query -W -f='${Package} ${Version}, ' qemu-system-arm gcc-12-aarch64-linux-gnu cpio 2>/dev/null)"
    [ "$KSUITE" != sid ] || sid_provenance
    echo "qemu: $(qemu-system-aarch64 --version | head -1)"
    printf 'qemu command:'
    printf ' %q' "${QEMU[@]}"
    echo
    echo "kernel cmdline: $CMDLINE"
    [ -z "$DT_FRAGMENT" ] || echo "device tree: QEMU's (dumpdtb) + workloads/$(basename "$DT_FRAGMENT"), as device-tree.dts, sha256 of the dtb $(sha256sum "$RAW/guest.dtb" | cut -d' ' -f1)"
    echo "guest modules: $(tr '\n' ' ' < "$STAGE/modules.list")"
    echo "boot to power-off: $((END - START)) s"
} > "$OUT/provenance.txt"
[ -z "$DT_FRAGMENT" ] || cp "$RAW/guest.dts" "$OUT/device-tree.dts"
python3 "$HERE/postprocess.py" "$RAW/out" "$OUT" ${CMASCOPE_CLI:+--cli "$CMASCOPE_CLI"}
log "done: $OUT ($((END - START)) s in qemu)"
