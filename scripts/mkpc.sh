#!/usr/bin/env bash
# Writes rtemem's pkg-config files, rtemem.pc and libdpdk.pc.
#
#   mkpc.sh <out dir> <prefix> <libdir> <includedir> <rtemem version> <DPDK version> <source include dir>
#
# Both link with -Wl,-rpath,<libdir>, so that a program finds rtemem's libraries at run time.
#
# libdpdk.pc is for programs written against DPDK 22.11. When an installed DPDK 22.11 is found,
# it is chained to it: rtemem's headers and librte_eal.so.23 first (the EAL), then that DPDK's
# headers and libraries for everything else (ring, mempool, timer, mbuf, ...), and DPDK's ring
# mempool driver linked in (rtemem loads no driver directory, and rte_mempool_create's default
# handler lives there). Without one, libdpdk.pc covers the EAL only.
#
# Which DPDK: the libdpdk.pc in $DPDK_PC_DIR when set (DPDK_PC_DIR=none: do not chain), else the
# one `pkg-config libdpdk` finds, skipping directories that hold an rtemem libdpdk.pc. It must be
# 22.11, and rte_ring.h, rte_mempool.h and rte_timer.h must compile with rtemem's EAL headers
# first (<source include dir>); otherwise libdpdk.pc falls back to the EAL only and says why.
set -euo pipefail
out=$1 prefix=$2 libdir=$3 includedir=$4 version=$5 dpdk_version=$6 srcinc=$7
cc=${CC:-cc}
mkdir -p "$out"

# Finds the installed DPDK; sets dpdk_cflags, dpdk_libs, dpdk_pc_dir, or why (the reason not).
find_dpdk() {
	why=
	case ${DPDK_PC_DIR:-} in
	none) why="DPDK_PC_DIR=none"; return 1 ;;
	"")
		# The user's PKG_CONFIG_PATH without rtemem's own libdpdk.pc (an earlier install).
		local d keep=()
		IFS=: read -r -a dirs <<<"${PKG_CONFIG_PATH:-}"
		for d in "${dirs[@]}"; do
			[ -n "$d" ] && grep -qs '^rtemem=' "$d/libdpdk.pc" && continue
			keep+=("$d")
		done
		PKG_CONFIG_PATH=$(IFS=:; echo "${keep[*]}")
		;;
	*)
		[ -e "$DPDK_PC_DIR/libdpdk.pc" ] || { why="no libdpdk.pc in DPDK_PC_DIR=$DPDK_PC_DIR"; return 1; }
		PKG_CONFIG_PATH=$DPDK_PC_DIR
		;;
	esac
	export PKG_CONFIG_PATH
	if ! pkg-config --exists libdpdk 2>/dev/null; then
		why="no installed DPDK found (pkg-config libdpdk; apt install libdpdk-dev, or set DPDK_PC_DIR)"
		return 1
	fi
	if [ -n "$(pkg-config --variable=rtemem libdpdk)" ]; then
		why="the only libdpdk.pc found is rtemem's own"; return 1
	fi
	local v
	v=$(pkg-config --modversion libdpdk)
	case $v in 22.11 | 22.11.*) ;; *) why="the installed DPDK is $v, not 22.11"; return 1 ;; esac
	dpdk_cflags=$(pkg-config --cflags libdpdk)
	dpdk_libs=$(pkg-config --libs libdpdk)
	dpdk_pc_dir=$(pkg-config --variable=pcfiledir libdpdk)
	local dpdk_libdir
	dpdk_libdir=$(pkg-config --variable=libdir libdpdk)
	if [ -e "$dpdk_libdir/librte_mempool_ring.so" ]; then
		dpdk_libs="-Wl,--push-state,--no-as-needed -lrte_mempool_ring -Wl,--pop-state $dpdk_libs"
	fi
	dpdk_cflags="-DRTEMEM_DPDK_BUILD_CONFIG $dpdk_cflags"
	# The chained flags must work: DPDK's ring, mempool and timer over rtemem's EAL headers.
	local t
	t=$(mktemp -d)
	printf '#include <rte_ring.h>\n#include <rte_mempool.h>\n#include <rte_timer.h>\nint main(void) { return 0; }\n' >"$t/c.c"
	# shellcheck disable=SC2086
	if ! $cc -std=gnu11 -Werror -fsyntax-only -I"$srcinc" -include rte_config.h $dpdk_cflags "$t/c.c" 2>"$t/err"; then
		why="DPDK $v's headers do not compile over rtemem's EAL headers: $(head -1 "$t/err")"
		rm -rf "$t"
		return 1
	fi
	rm -rf "$t"
	dpdk_note="Chained to DPDK $v ($dpdk_pc_dir/libdpdk.pc) for every other library."
	echo "libdpdk.pc: rtemem's EAL, chained to DPDK $v ($dpdk_pc_dir/libdpdk.pc) for the other libraries"
}

dpdk_cflags= dpdk_libs= dpdk_pc_dir= dpdk_note=
if ! find_dpdk; then
	dpdk_cflags= dpdk_libs= dpdk_pc_dir=
	dpdk_note="EAL only: $why."
	echo "libdpdk.pc: rtemem's EAL only ($why)"
fi

# Replaces @NAME@ with the value of PC_NAME, literally (values may hold any character).
subst() {
	PC_PREFIX=$prefix PC_LIBDIR=$libdir PC_INCLUDEDIR=$includedir PC_RTEMEM_VERSION=$version \
		PC_DPDK_PC_DIR=$dpdk_pc_dir PC_DPDK_CFLAGS=$dpdk_cflags PC_DPDK_LIBS=$dpdk_libs \
		PC_DPDK_NOTE=$dpdk_note PC_VERSION=$2 awk '
		{
			line = $0; res = ""
			while ((i = index(line, "@")) > 0) {
				rest = substr(line, i + 1); j = index(rest, "@")
				name = substr(rest, 1, j - 1)
				if (j > 0 && ("PC_" name) in ENVIRON) {
					res = res substr(line, 1, i - 1) ENVIRON["PC_" name]
					line = substr(rest, j + 1)
				} else {
					res = res substr(line, 1, i); line = rest
				}
			}
			res = res line
			sub(/ +$/, "", res)
			print res
		}' "$1"
}
dir=$(dirname "$0")/../pkgconfig
subst "$dir/rtemem.pc.in" "$version" >"$out/rtemem.pc"
subst "$dir/libdpdk.pc.in" "$dpdk_version" >"$out/libdpdk.pc"
