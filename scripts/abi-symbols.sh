#!/usr/bin/env bash
# Regenerates abi/librte_eal.so.23.symbols from an installed DPDK 22.11 librte_eal.so.23.
set -euo pipefail
lib=${1:-/usr/lib/x86_64-linux-gnu/librte_eal.so.23}
{
	echo "# DPDK 22.11 (ABI 23) librte_eal.so.23 dynamic symbols: name, version node, kind."
	echo "# Read off Debian bookworm librte-eal23 22.11.11 with objdump -T (scripts/abi-symbols.sh regenerates it)."
	objdump -T "$lib" | grep -E ' (DPDK_23|EXPERIMENTAL|INTERNAL) ' | awk '{
		n = $NF; v = $(NF-1)
		if (v !~ /^(DPDK_23|EXPERIMENTAL|INTERNAL)$/) v = $(NF-2)
		if (n == v) next
		t = ($0 ~ / DF /) ? "func" : (($0 ~ /tbss|tdata/) ? "tls" : "data")
		print n, v, t }' | sort
}
