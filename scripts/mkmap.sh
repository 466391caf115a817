#!/usr/bin/env bash
# Writes the linker version scripts for the two shared objects.
#
#   mkmap.sh <librtemem.a> <abi symbols file> <out dir>
#
# A symbol is exported when the static library defines it and DPDK 22.11's librte_eal.so.23
# exports it; it gets DPDK's version node. Our own extras (rtemem_*) are exported only from
# librtemem.so. An `rte_*` symbol we define that DPDK does not export is an error: it is a typo
# or an ABI mistake.
set -euo pipefail
lib=$1 abi=$2 out=$3
mkdir -p "$out"
defined=$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 && $2 ~ /[TDBRVW]/ {print $3}' | sort -u)
stray=$(comm -23 <(grep -E '^(rte_|__rte_|per_lcore_)' <<<"$defined") <(grep -v '^#' "$abi" | awk '{print $1}' | sort -u) || true)
if [ -n "$stray" ]; then
	echo "mkmap: defined but not in DPDK 22.11's ABI (rename or remove):" >&2
	echo "$stray" >&2
	exit 1
fi
dpdk_map=$out/librte_eal.map
{
	for node in DPDK_23 EXPERIMENTAL INTERNAL; do
		syms=$(grep -v '^#' "$abi" | awk -v n="$node" '$2 == n {print $1}' | sort -u | comm -12 - <(echo "$defined"))
		echo "$node {"
		[ -n "$syms" ] && { echo "	global:"; sed 's/^/		/; s/$/;/' <<<"$syms"; }
		[ "$node" = DPDK_23 ] && printf '\tlocal: *;\n'
		echo "};"
	done
} >"$dpdk_map"
own_map=$out/librtemem.map
{
	echo "RTEMEM_0 {"
	echo "	global:"
	grep -v '^#' "$abi" | awk '{print $1}' | sort -u | comm -12 - <(echo "$defined") | sed 's/^/		/; s/$/;/'
	grep -E '^rtemem_[a-z0-9][a-z0-9_]*$' <<<"$defined" | sed 's/^/		/; s/$/;/' || true
	echo "	local: *;"
	echo "};"
} >"$own_map"
