#!/usr/bin/env bash
# Layout test: c-tests/layout.c prints struct sizes, field offsets and constants. Build it
# against rtemem's include/ and against DPDK 22.11's headers (pkg-config libdpdk); the two
# outputs must be identical. Exit 77 ("not run") only when DPDK's headers are absent and CI is
# not "true". Run from anywhere with RTEMEM_ROOT set (scripts/run-tests.sh does). Extra
# compiler flags for the rtemem build may be passed in RTEMEM_LAYOUT_CFLAGS.
set -eu
root=${RTEMEM_ROOT:?RTEMEM_ROOT must point at the rtemem checkout}
cd "$root"
out=$root/build/test/layout
mkdir -p "$out"
cc=${CC:-cc}
flags="-std=gnu11 -O0 -Wall -Wextra -Werror"

if ! pkg-config --exists libdpdk 2>/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "DPDK's headers (libdpdk-dev) are required under CI"; exit 1
	fi
	echo "DPDK's headers are not installed (apt install libdpdk-dev); layout not compared"
	exit 77
fi

# shellcheck disable=SC2086
$cc $flags -Iinclude -include rte_config.h ${RTEMEM_LAYOUT_CFLAGS:-} c-tests/layout.c -o "$out/layout-ours"
# shellcheck disable=SC2086
$cc $flags $(pkg-config --cflags libdpdk) c-tests/layout.c -o "$out/layout-dpdk"
"$out/layout-ours" >"$out/ours.txt"
"$out/layout-dpdk" >"$out/dpdk.txt"
if ! diff -u "$out/dpdk.txt" "$out/ours.txt"; then
	echo "FAIL: rtemem's layouts or constants differ from DPDK 22.11's (- DPDK, + rtemem)"
	exit 1
fi
echo "layout: $(wc -l <"$out/ours.txt") sizes, offsets and constants match DPDK 22.11"
