#!/usr/bin/env bash
# Symbol-version check: every dynamic symbol build/lib/librte_eal.so.23 exports must be one that
# DPDK 22.11's librte_eal.so.23 exports, with the same version node and kind.
set -euo pipefail
ours=${1:-build/lib/librte_eal.so.23}
abi=${2:-abi/librte_eal.so.23.symbols}
ref=/usr/lib/x86_64-linux-gnu/librte_eal.so.23
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dump() {
	objdump -T "$1" | awk '$0 ~ /[0-9a-f]+ g/ && $0 !~ /\*UND\*/ {
		n = $NF; v = $(NF-1)
		if (v !~ /^(DPDK_23|EXPERIMENTAL|INTERNAL|Base|RTEMEM_0)$/) v = $(NF-2)
		if (n == v) next
		t = ($0 ~ / DF /) ? "func" : (($0 ~ /tbss|tdata/) ? "tls" : "data")
		print n, v, t }' | sort
}
dump "$ours" >"$tmp/ours"
if [ -f "$ref" ]; then dump "$ref" >"$tmp/ref"; else grep -v '^#' "$abi" | sort >"$tmp/ref"; fi
bad=$(comm -23 "$tmp/ours" "$tmp/ref")
if [ -n "$bad" ]; then
	echo "check-abi: exported symbols that differ from DPDK 22.11 (name version kind):"
	echo "$bad"
	exit 1
fi
soname=$(objdump -p "$ours" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = librte_eal.so.23 ] || { echo "check-abi: SONAME is '$soname', want librte_eal.so.23"; exit 1; }
echo "check-abi: $(wc -l <"$tmp/ours") exported symbols, all with DPDK 22.11's name, node and kind ($(wc -l <"$tmp/ref") in DPDK)"
