# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by capture.sh for a workload with "# capture-kernel: sid": Debian unstable's arm64
# kernel (7.x; CMASCOPE_KERNEL=7.2.13+deb14 to pin the ABI, default what linux-image-arm64
# depends on). The system's apt configuration is never changed: unstable is read with its own
# sources list, state and cache under $WORK/apt-sid, and the module is built in a minimal
# unstable chroot ($WORK/chroot-sid, mmdebstrap) because the 7.x kbuild tools (fixdep, modpost)
# need unstable's C library. Sets what capture.sh uses afterwards: KREL KPKGVER IMG_PKG PKGS
# DEBS ROOT KIMAGE MODDIR BUSYBOX KB (KB/mod/cmascope_cma.ko).

SID_MIRROR=${CMASCOPE_SID_MIRROR:-http://deb.debian.org/debian}
SID_APT=$WORK/apt-sid
SID_CHROOT=$WORK/chroot-sid

sid_apt_opts() {
    SID_OPTS=(-o "Dir::Etc::SourceList=$SID_APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State=$SID_APT/state" -o "Dir::State::status=$SID_APT/state/status"
        -o "Dir::Cache=$SID_APT/cache" -o APT::Architecture=arm64
        -o APT::Architectures::=arm64 -o "APT::Architectures::=$(dpkg --print-architecture)"
        -o Acquire::Check-Valid-Until=false)
}

sid_packages() {
    sid_apt_opts
    if [ ! -e "$SID_APT/state/lists/.done" ]; then
        log "reading Debian unstable's package lists into $SID_APT (the system's apt is not touched)"
        mkdir -p "$SID_APT/state/lists/partial" "$SID_APT/cache/archives/partial"
        touch "$SID_APT/state/status"
        echo "deb [arch=arm64,$(dpkg --print-architecture) signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $SID_MIRROR sid main" \
            > "$SID_APT/sources.list"
        apt-get "${SID_OPTS[@]}" update -qq || die "apt-get update (unstable, own state) failed"
        touch "$SID_APT/state/lists/.done"
    fi
    if [ -z "${CMASCOPE_KERNEL:-}" ]; then
        CMASCOPE_KERNEL=$(apt-cache "${SID_OPTS[@]}" depends linux-image-arm64:arm64 2>/dev/null |
            sed -n 's/.*Depends: linux-image-\([0-9.]*+deb[0-9]*\)-arm64.*/\1/p' | head -1)
        [ -n "$CMASCOPE_KERNEL" ] || die "cannot resolve unstable's linux-image-arm64:arm64"
    fi
    KREL=$CMASCOPE_KERNEL-arm64
    IMG_PKG=linux-image-$KREL
    KPKGVER=$(apt-cache "${SID_OPTS[@]}" show "$IMG_PKG:arm64" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
    [ -n "$KPKGVER" ] || die "no package $IMG_PKG:arm64 in unstable"
    MINOR=$(echo "$CMASCOPE_KERNEL" | cut -d. -f1-2)    # 7.2
    # 7.x: linux-image-<abi> is a meta package; the image is in linux-binary-<abi>, the
    # modules in linux-modules-<abi>, config and System.map stub in linux-base-<abi>.
    PKGS=("linux-binary-$KREL:arm64=$KPKGVER"
        "linux-modules-$KREL:arm64=$KPKGVER"
        "linux-base-$KREL:arm64=$KPKGVER"
        "linux-headers-$KREL:arm64=$KPKGVER"
        "linux-headers-$CMASCOPE_KERNEL-common=$KPKGVER"
        "linux-kbuild-$CMASCOPE_KERNEL:$(dpkg --print-architecture)=$KPKGVER"
        "linux-source-$MINOR=$KPKGVER"
        "busybox-static:arm64")
    DEBS=$WORK/debs-sid
    mkdir -p "$DEBS"
    for p in "${PKGS[@]}"; do
        if [ -z "$(deb_of "$p")" ]; then
            log "downloading $p (unstable)"
            (cd "$DEBS" && apt-get "${SID_OPTS[@]}" download "$p" >/dev/null 2>&1) ||
                die "apt-get download $p (unstable) failed"
        fi
    done
}

sid_extract() {
    extract_root # capture.sh
    KIMAGE=$ROOT/usr/lib/modules/$KREL/vmlinuz
    MODDIR=$ROOT/usr/lib/modules/$KREL
    BUSYBOX=usr/bin/busybox
    [ -f "$KIMAGE" ] || die "no kernel image in linux-binary-$KREL"
    [ -f "$ROOT/$BUSYBOX" ] || die "no busybox in busybox-static"
}

# The unstable build root: minbase + the cross compiler, make and the kbuild tools' libraries.
sid_chroot() {
    [ -e "$SID_CHROOT/.done" ] && return 0
    log "making the unstable build root $SID_CHROOT (mmdebstrap, about a minute)"
    rm -rf --one-file-system "$SID_CHROOT"
    mmdebstrap --mode=root --variant=minbase \
        --include=gcc-aarch64-linux-gnu,make,libc6-dev,libelf1t64,libssl3t64,zlib1g \
        --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Check-Date "false"' \
        sid "$SID_CHROOT" "$SID_MIRROR" >&2 || die "mmdebstrap of unstable failed"
    touch "$SID_CHROOT/.done"
}

# cmascope_cma.ko against the 7.x headers, inside the chroot: the headers, -common and kbuild
# packages are unpacked at their own paths there, so the headers' absolute include works as is.
sid_build_module() {
    local hdrs=$SID_CHROOT/usr/src/linux-headers-$KREL
    KB=$WORK/kbuild-$KREL
    MODSRC=$HERE/module
    if [ -f "$KB/mod/cmascope_cma.ko" ] && [ ! "$MODSRC/cmascope_cma.c" -nt "$KB/mod/cmascope_cma.ko" ]; then
        return 0
    fi
    sid_chroot
    if [ ! -e "$hdrs/.done" ]; then
        for p in "${PKGS[@]}"; do
            case $p in linux-headers-*|linux-kbuild-*) dpkg -x "$(deb_of "$p")" "$SID_CHROOT" ;; esac
        done
        touch "$hdrs/.done"
    fi
    log "building cmascope_cma.ko for $KREL in $SID_CHROOT"
    rm -rf "$SID_CHROOT/build/mod" "$KB"
    mkdir -p "$SID_CHROOT/build/mod" "$KB/mod"
    cp "$MODSRC/cmascope_cma.c" "$MODSRC/Makefile" "$SID_CHROOT/build/mod/"
    cp "$ROOT/linux-source-$MINOR/mm/cma.h" "$SID_CHROOT/build/mod/cma.h"
    chroot "$SID_CHROOT" make -s -C "/usr/src/linux-headers-$KREL" M=/build/mod ARCH=arm64 \
        CROSS_COMPILE=aarch64-linux-gnu- CMASCOPE_KREL="$KREL" CMASCOPE_KVER="$KPKGVER" \
        CONFIG_DEBUG_INFO_BTF_MODULES= modules >&2 || die "module build in $SID_CHROOT failed"
    cp "$SID_CHROOT/build/mod/cmascope_cma.ko" "$KB/mod/"
}

# Lines for provenance.txt: where unstable was read and what built the module.
sid_provenance() {
    echo "  unstable: $SID_MIRROR sid, Release date $(sed -n 's/^Date: //p' "$SID_APT"/state/lists/*_sid_InRelease 2>/dev/null | head -1)"
    echo "  module built in an unstable chroot (mmdebstrap --variant=minbase): $(chroot "$SID_CHROOT" dpkg-query -W -f='${Package} ${Version}, ' gcc-aarch64-linux-gnu make libc6 2>/dev/null)"
}
