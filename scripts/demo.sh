#!/usr/bin/env bash
# `make demo`: builds examples/ and runs the demo on real hugepages when there are any,
# otherwise with --no-huge, and says which.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/examples
cc -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -include rte_config.h examples/demo.c \
	-o build/examples/demo -Lbuild/lib -lrte_eal -lpthread
mode=()
if awk '$1 == "HugePages_Free:" && $2 > 0 {f=1} END {exit !f}' /proc/meminfo &&
	awk '$3 == "hugetlbfs" {f=1} END {exit !f}' /proc/mounts; then
	echo "demo: hugepages are reserved and hugetlbfs is mounted: using hugepages"
else
	echo "demo: no hugepages (reserve them with 'echo 512 > /proc/sys/vm/nr_hugepages' and"
	echo "      'mount -t hugetlbfs nodev /dev/hugepages'): running with --no-huge"
	mode=(--no-huge)
fi
LD_LIBRARY_PATH=build/lib build/examples/demo -l 0-1 --file-prefix "rtemem-demo-$$" "${mode[@]}"
