#!/usr/bin/env bash
# Capacity: rte_malloc blocks of one size (64 KiB, 1, 4, 16 and 256 MiB) until it fails, twice
# (the second round after freeing every block: pages given back are taken again without loss),
# with the same binary (c-tests/capacity.c) on real DPDK 22.11 and on rtemem. In every mode
# rtemem must reach at least the count DPDK reaches on this machine, in both rounds, and its
# second round must reach its first:
#   default and --single-file-segments (all free 2 MiB pages), --legacy-mem -m <N> (N fits the
#   free 2 MiB pages, at most 512 MiB), --no-huge -m 2048, and 1 GiB pages
#   (--huge-dir /dev/hugepages1G) where some are free and mounted.
# --legacy-mem packs blocks into runs of physically contiguous pages, which the kernel decides:
# the two sides are compared only when they got the same runs (they are run back to back, so
# they normally do; the pair is retried up to 3 times otherwise).
# Run it holding the hugepage lock (make test is run under flock /tmp/rtemem-huge.lock).
set -u
root=${RTEMEM_ROOT:-$(pwd)}
if ! awk '$1 == "HugePages_Total:" && $2 > 0 {f=1} END {exit !f}' /proc/meminfo ||
	! awk '$3 == "hugetlbfs" && $2 == "/dev/hugepages" {f=1} END {exit !f}' /proc/mounts; then
	[ "${CI:-}" = true ] && { echo "CI must reserve hugepages and mount /dev/hugepages"; exit 1; }
	echo "no hugepages reserved or /dev/hugepages not mounted"; exit 77
fi
if [ "${RTEMEM_DPDK:-1}" != 1 ] || ! pkg-config --exists libdpdk; then
	[ "${CI:-}" = true ] && { echo "CI must install libdpdk-dev (the oracle)"; exit 1; }
	echo "needs Debian's DPDK 22.11 (libdpdk-dev) as the oracle"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -std=gnu11 -O2 -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) "$root/c-tests/capacity.c" \
	-o "$tmp/capacity" -lrte_eal || exit 1
pfx=cap$$
fail=0
base=(-l 0 --no-pci --no-telemetry)

# Real DPDK leaves its runtime directory and, after -m / --legacy-mem, its page files.
clean_real() {
	rm -rf "/var/run/dpdk/$pfx-real"
	rm -f /dev/hugepages/"$pfx-real"map_* /dev/hugepages1G/"$pfx-real"map_* 2>/dev/null
}
run_side() { # side out args...
	local side=$1 out=$2; shift 2
	if [ "$side" = real ]; then
		LD_LIBRARY_PATH= timeout -k 5 180 "$tmp/capacity" "${base[@]}" --file-prefix "$pfx-real" "$@" >"$out" 2>"$out.err"
		local rc=$?
		clean_real
	else
		LD_LIBRARY_PATH=$root/build/lib timeout -k 5 180 "$tmp/capacity" "${base[@]}" --file-prefix "$pfx-ours" "$@" >"$out" 2>"$out.err"
		local rc=$?
	fi
	[ $rc = 0 ] || { echo "FAIL: $side $*: exit $rc"; tail -3 "$out" "$out.err"; return 1; }
}
count() { # file size round
	awk -v s="$2" -v r="$3" '$1 == "cap" && $2 == s && $4 == r {print $6}' "$1"
}
compare() { # mode real-out ours-out
	local mode=$1 real=$2 ours=$3 size r d o
	for size in 65536 1048576 4194304 16777216 268435456; do
		for r in 1 2; do
			d=$(count "$real" $size $r); o=$(count "$ours" $size $r)
			if [ -z "$d" ] || [ -z "$o" ]; then
				echo "FAIL: $mode, $size B blocks, round $r: no count (DPDK '$d', rtemem '$o')"; fail=1
			elif [ "$o" -lt "$d" ]; then
				echo "FAIL: $mode, $size B blocks, round $r: rtemem $o < DPDK $d"; fail=1
			else
				echo "ok: $mode, $size B blocks, round $r: rtemem $o >= DPDK $d"
			fi
		done
		o=$(count "$ours" $size 1); r=$(count "$ours" $size 2)
		if [ -n "$o" ] && [ -n "$r" ] && [ "$r" -lt "$o" ]; then
			echo "FAIL: $mode, $size B blocks: rtemem lost capacity after freeing everything ($o, then $r)"; fail=1
		fi
	done
}
run_mode() { # mode same-layout(0|1) args...
	local mode=$1 same=$2; shift 2
	local try
	for try in 1 2 3; do
		run_side real "$tmp/real" "$@" || { fail=1; return; }
		run_side ours "$tmp/ours" "$@" || { fail=1; return; }
		[ $same = 0 ] || [ "$(grep '^layout' "$tmp/real")" = "$(grep '^layout' "$tmp/ours")" ] && break
		echo "note: $mode: the kernel gave different page runs ($(grep '^layout' "$tmp/real") vs $(grep '^layout' "$tmp/ours")), again"
		[ $try = 3 ] && { echo "FAIL: $mode: no two runs with the same page layout"; fail=1; return; }
	done
	compare "$mode" "$tmp/real" "$tmp/ours"
}

free2m=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
echo "free 2 MiB hugepages: $free2m"
# Dynamic modes: DPDK takes a page at init for itself, rtemem none, so layouts differ.
run_mode "default (2 MiB pages)" 0 --huge-dir /dev/hugepages
run_mode "--single-file-segments" 0 --single-file-segments --huge-dir /dev/hugepages
legacy_mb=$((free2m * 2 - 64)); [ $legacy_mb -gt 512 ] && legacy_mb=512
if [ $legacy_mb -ge 64 ]; then
	run_mode "--legacy-mem -m $legacy_mb" 1 --legacy-mem -m $legacy_mb --huge-dir /dev/hugepages
else
	echo "FAIL: only $free2m free 2 MiB hugepages: --legacy-mem not run"; fail=1
fi
run_mode "--no-huge -m 2048" 1 --no-huge -m 2048
free1g=/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages
if [ -r $free1g ] && [ "$(cat $free1g)" -ge 1 ] && awk '$2 == "/dev/hugepages1G" {f=1} END {exit !f}' /proc/mounts; then
	run_mode "1 GiB pages ($(cat $free1g) free)" 0 --huge-dir /dev/hugepages1G
else
	echo "note: no free 1 GiB hugepage mounted at /dev/hugepages1G: 1 GiB pages not run"
	[ "${CI:-}" = true ] && [ -r $free1g ] && [ "$(cat /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages)" -ge 1 ] && {
		echo "FAIL: CI reserved 1 GiB pages but they are not usable"; fail=1; }
fi
exit $fail
