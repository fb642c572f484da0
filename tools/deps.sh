#!/usr/bin/env bash
# tools/deps.sh — everything embark needs from outside the repo, from Debian only.
#
#   tools/deps.sh packages      install the Debian packages the build and tests use
#   tools/deps.sh sources       fetch the pinned source tarballs and check their sha256
#   tools/deps.sh build musl|host   build mbedTLS, libfdt and zlib into build/deps/<flavour>
#   tools/deps.sh kernel OUTDIR download the current Debian kernel package and extract it
#   tools/deps.sh all           packages + sources + both builds
#
# Downloads are cached in $EMBARK_CACHE (default ~/.cache/embark) and checked by sha256 every
# time they are used, so a cache can never change what is built.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
B=$(realpath -m "${B:-$top/build}")
CACHE=${EMBARK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/embark}
JOBS=${JOBS:-$(nproc)}

# --- pins ---------------------------------------------------------------------------------
# To bump a pin: change the version and put the sha256 that Debian's Sources index lists for
# the .orig tarball (apt-cache showsrc NAME | grep -A3 Checksums-Sha256).
MBEDTLS_SRC=mbedtls
MBEDTLS_VER=3.6.6-0.1~deb13u1
MBEDTLS_ORIG=mbedtls_3.6.6.orig.tar.bz2
MBEDTLS_SHA256=8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a
DTC_SRC=device-tree-compiler
DTC_VER=1.7.2-2
DTC_ORIG=device-tree-compiler_1.7.2.orig.tar.xz
DTC_SHA256=92d8ca769805ae1f176204230438fe52808f4e1c7944053c9eec0e649b237539
ZLIB_SRC=zlib
ZLIB_VER=1:1.3.dfsg+really1.3.1-1
ZLIB_ORIG=zlib_1.3.dfsg+really1.3.1.orig.tar.gz
ZLIB_SHA256=60dd315c07f616887caa029408308a018ace66e3d142726a97db164b3b8f69fb

PACKAGES="make musl-tools clang libclang-rt-14-dev llvm u-boot-tools device-tree-compiler
qemu-system-x86 kmod e2fsprogs dosfstools mtools xorriso cpio xz-utils bzip2 openssl python3 file
ca-certificates btrfs-progs xfsprogs fdisk gdisk kexec-tools dnsmasq-base
build-essential bc bison flex libelf-dev libssl-dev linux-source-6.1 busybox-static"

die() { printf 'deps: %s\n' "$*" >&2; exit 1; }
log() { printf 'deps: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	as_root apt-get update -qq || die "apt-get update failed: check the machine can reach Debian's archive"
	apt_updated=1
}

cmd_packages() {
	local missing=() p
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then log "Debian packages: all present"; return 0; fi
	log "installing Debian packages: ${missing[*]}"
	apt_update
	# kexec-tools is only the reference the loader's tests compare against: it must not
	# take over this machine's reboots (its Debian default is to load a kernel at shutdown).
	echo 'kexec-tools kexec-tools/load_kexec boolean false' | as_root debconf-set-selections \
		2>/dev/null || true
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# Source packages come from trixie; Debian 12 has no deb-src entry at all by default.
ensure_deb_src() {
	if apt-cache showsrc "$MBEDTLS_SRC" 2>/dev/null | grep -q "^Version: $MBEDTLS_VER\$"; then return 0; fi
	local f=/etc/apt/sources.list.d/embark-trixie-src.sources
	if [ ! -f "$f" ]; then
		log "adding a deb-src entry for trixie ($f): the pinned sources live there"
		as_root tee "$f" >/dev/null <<-'EOF'
		Types: deb-src
		URIs: http://deb.debian.org/debian
		Suites: trixie
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOF
	fi
	apt_updated=
	apt_update
}

# fetch_orig SRCPKG VERSION ORIGNAME SHA256: the .orig tarball alone (some .dsc files are gone
# from the archive), located through the Sources index and checked against the pin.
fetch_orig() {
	local src=$1 ver=$2 orig=$3 want=$4 dst=$CACHE/dl/$3 uri got
	mkdir -p "$CACHE/dl"
	if [ ! -f "$dst" ]; then
		ensure_deb_src
		uri=$(apt-get source --print-uris "$src=$ver" 2>/dev/null | awk -v o="$orig" '$2 == o { gsub(/\047/, "", $1); print $1 }')
		[ -n "$uri" ] || die "source package $src=$ver (file $orig) is not in the Sources index; run 'apt-cache showsrc $src' to see the versions offered and bump the pin in tools/deps.sh"
		log "fetching $orig"
		# apt-helper warns that root downloads unsandboxed; keep that quiet unless it fails.
		/usr/lib/apt/apt-helper download-file "$uri" "$dst.part" >"$dst.log" 2>&1 ||
			{ cat "$dst.log" >&2; die "download of $uri failed"; }
		rm -f "$dst.log"
		mv "$dst.part" "$dst"
	fi
	got=$(sha256sum "$dst" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		die "$orig: sha256 mismatch
  expected $want
  found    $got
The file in $dst is not the pinned release. If Debian published a new version on purpose,
bump ${src}'s version and sha256 in tools/deps.sh (apt-cache showsrc $src lists both);
otherwise delete $dst and run 'make deps' again."
	fi
}

cmd_sources() {
	fetch_orig "$MBEDTLS_SRC" "$MBEDTLS_VER" "$MBEDTLS_ORIG" "$MBEDTLS_SHA256"
	fetch_orig "$DTC_SRC" "$DTC_VER" "$DTC_ORIG" "$DTC_SHA256"
	fetch_orig "$ZLIB_SRC" "$ZLIB_VER" "$ZLIB_ORIG" "$ZLIB_SHA256"
}

# unpack TARBALL DIR: a clean tree each build, with the single top directory stripped.
unpack() {
	rm -rf "$2"; mkdir -p "$2"
	tar -xf "$1" -C "$2" --strip-components=1
}

# build FLAVOUR: musl (the product: static, -Os) or host (clang, for tests, sanitizers, fuzzing).
cmd_build() {
	local fl=$1 cc cflags out src
	case $fl in
	musl) cc=musl-gcc; cflags="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables" ;;
	host) cc=clang; cflags="-O2 -g -fPIC" ;;
	*) die "unknown flavour '$fl' (musl or host)" ;;
	esac
	command -v "$cc" >/dev/null || die "$cc not found: run 'make deps' (it installs the Debian packages)"
	# Two makes may want the same flavour at once (parallel checkouts of one build dir).
	mkdir -p "$B/deps"
	exec 9>"$B/deps/.lock-$fl"
	flock 9
	cmd_sources
	out=$B/deps/$fl; src=$B/deps/src-$fl
	rm -rf "$out"; mkdir -p "$out/include" "$out/lib"

	log "[$fl] mbedTLS ${MBEDTLS_VER%%-*} with crypto/mbedtls_config.h"
	unpack "$CACHE/dl/$MBEDTLS_ORIG" "$src/mbedtls"
	make -s -C "$src/mbedtls/library" -j"$JOBS" CC="$cc" AR=ar \
		CFLAGS="$cflags -I$top/crypto -DMBEDTLS_CONFIG_FILE='<mbedtls_config.h>'" \
		libmbedcrypto.a libmbedx509.a libmbedtls.a >/dev/null
	cp "$src"/mbedtls/library/lib*.a "$out/lib/"
	cp -r "$src/mbedtls/include/mbedtls" "$src/mbedtls/include/psa" "$out/include/"

	log "[$fl] libfdt ${DTC_VER%%-*}"
	unpack "$CACHE/dl/$DTC_ORIG" "$src/dtc"
	(
		cd "$src/dtc/libfdt"
		# Makefile.libfdt names the library's sources; use its list, not a copy of it.
		srcs=$(printf 'include Makefile.libfdt\nsrcs:\n\t@echo $(LIBFDT_SRCS)\n' | env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -f - srcs)
		[ -n "$srcs" ] || die "libfdt: no LIBFDT_SRCS in Makefile.libfdt"
		for f in $srcs; do "$cc" $cflags -I. -c "$f" -o "${f%.c}.o"; done
		ar rcs "$out/lib/libfdt.a" ${srcs//.c/.o}
		cp libfdt.h fdt.h libfdt_env.h "$out/include/"
	)

	log "[$fl] zlib ${ZLIB_VER#*:}"
	unpack "$CACHE/dl/$ZLIB_ORIG" "$src/zlib"
	(
		cd "$src/zlib"
		for f in adler32 crc32 inflate inffast inftrees zutil uncompr; do
			"$cc" $cflags -DHAVE_UNISTD_H -c "$f.c" -o "$f.o"
		done
		ar rcs "$out/lib/libz.a" adler32.o crc32.o inflate.o inffast.o inftrees.o zutil.o uncompr.o
		cp zlib.h zconf.h "$out/include/"
	)
	touch "$out/.stamp"
	log "[$fl] done: $out"
}

# kernel OUTDIR: Debian's current kernel image package, extracted (never installed), with a
# modules.dep generated for it (the package ships none).
cmd_kernel() {
	local out=$1 pkg deb ver
	command -v depmod >/dev/null || die "depmod not found: run 'make deps' (Debian package kmod)"
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
	if [ -z "$pkg" ]; then apt_update; pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ { print $2; exit }'); fi
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 to a kernel package"
	mkdir -p "$CACHE/kernel"
	deb=$(ls "$CACHE/kernel/${pkg}_"*.deb 2>/dev/null | tail -n1 || true)
	if [ -z "$deb" ]; then
		log "downloading $pkg"
		(cd "$CACHE/kernel" && apt-get download -qq "$pkg" 2>/dev/null) || die "apt-get download $pkg failed"
		deb=$(ls "$CACHE/kernel/${pkg}_"*.deb | tail -n1)
	fi
	# The .deb's own integrity was checked by apt against the signed index when downloaded;
	# a truncated cache file fails here instead.
	dpkg-deb --info "$deb" >/dev/null 2>&1 || { rm -f "$deb"; die "$deb is damaged; removed it, run again"; }
	rm -rf "$out"; mkdir -p "$out"
	dpkg-deb -x "$deb" "$out/root"
	ver=${pkg#linux-image-}
	[ -d "$out/root/lib/modules/$ver" ] || die "$deb has no lib/modules/$ver"
	depmod -b "$out/root" "$ver"
	cp "$out/root/boot/vmlinuz-$ver" "$out/vmlinuz"
	echo "$ver" > "$out/version"
	log "kernel $ver from $(basename "$deb")"
}

case ${1:-} in
packages) cmd_packages ;;
sources) cmd_sources ;;
build) cmd_build "${2:?musl or host}" ;;
kernel) cmd_kernel "${2:?output directory}" ;;
all) cmd_packages; cmd_sources; cmd_build musl; cmd_build host ;;
*) die "usage: tools/deps.sh packages|sources|build musl|build host|kernel OUTDIR|all" ;;
esac
