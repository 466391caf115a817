#!/usr/bin/env bash
# Runs the benchmarks on real DPDK 22.11 and on rtemem in the same run and prints medians and
# ratios. Usage: bench/run.sh [runs per case, default 7]
set -u
cd "$(dirname "$0")/.."
runs=${1:-7}
out=build/bench; mkdir -p $out
pkg-config --exists libdpdk || { echo "bench needs Debian's libdpdk-dev (DPDK 22.11)"; exit 1; }
cc -O2 -std=gnu11 $(pkg-config --cflags libdpdk) bench/init_bench.c -o $out/init_bench -lrte_eal || exit 1
cc -O2 -std=gnu11 $(pkg-config --cflags libdpdk) bench/malloc_bench.c -o $out/malloc_bench -lrte_eal || exit 1
cc -O2 -std=gnu11 $(pkg-config --cflags libdpdk) -Ic-tests bench/mp_bench.c -o $out/mp_bench -lrte_eal || exit 1
# No run may hang the benchmark: each is bounded, and killed if it ignores SIGTERM.
bound="timeout -k 5 120"
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
measure() { # impl field args...
	local impl=$1 field=$2; shift 2
	for i in $(seq "$runs"); do
		if [ "$impl" = ours ]; then
			LD_LIBRARY_PATH=build/lib $bound $out/init_bench "$@" --file-prefix bench-$$-$i 2>/dev/null
		else
			$bound $out/init_bench "$@" --file-prefix bench-$$-$i 2>/dev/null
		fi
	done | sed -n "s/.*$field=\([0-9.]*\).*/\1/p" | median
}
printf '%-44s %12s %12s %8s\n' case "DPDK (ms)" "rtemem (ms)" "ratio"
row() { # label field args...
	local label=$1 field=$2; shift 2
	local d o
	d=$(measure real "$field" "$@")
	o=$(measure ours "$field" "$@")
	printf '%-44s %12s %12s %8s\n' "$label" "$d" "$o" "$(awk -v d="$d" -v o="$o" 'BEGIN {if (o > 0) printf "%.1fx", d / o; else print "-"}')"
}
base=(-l 0-1 --no-pci --no-telemetry)
row "init, 2 MiB pages, -l 0-1" init_ms "${base[@]}"
row "init, --no-huge" init_ms "${base[@]}" --no-huge
row "init, --in-memory" init_ms "${base[@]}" --in-memory
row "init + 256 pages (-m 512), file per page" init_ms "${base[@]}" -m 512
row "init + 256 pages, --single-file-segments" init_ms "${base[@]}" -m 512 --single-file-segments
row "init + 256 pages, --in-memory" init_ms "${base[@]}" -m 512 --in-memory
row "init + 256 pages, --legacy-mem" init_ms "${base[@]}" -m 512 --legacy-mem
row "cleanup after 256 pages, file per page" cleanup_ms "${base[@]}" -m 512
row "cleanup after 256 pages, --single-file-segments" cleanup_ms "${base[@]}" -m 512 --single-file-segments
row "cleanup after 256 pages, --in-memory" cleanup_ms "${base[@]}" -m 512 --in-memory

# Allocator cases: value = median over runs; ratio = DPDK / rtemem (higher is better for us).
mmeasure() { # impl case args...
	local impl=$1 c=$2; shift 2
	for i in $(seq "$runs"); do
		if [ "$impl" = ours ]; then
			LD_LIBRARY_PATH=build/lib $bound $out/malloc_bench "$c" "$@" --file-prefix bench-$$-m$i 2>/dev/null
		else
			$bound $out/malloc_bench "$c" "$@" --file-prefix bench-$$-m$i 2>/dev/null
		fi
	done | awk '{print $2}' | median
}
echo
printf '%-44s %12s %12s %8s\n' "allocator case" "DPDK" "rtemem" "ratio"
mrow() { # label unit case args...
	local label=$1 unit=$2 c=$3; shift 3
	local d o
	d=$(mmeasure real "$c" "$@")
	o=$(mmeasure ours "$c" "$@")
	printf '%-44s %12s %12s %8s\n' "$label ($unit)" "$d" "$o" "$(awk -v d="$d" -v o="$o" 'BEGIN {if (o > 0) printf "%.1fx", d / o; else print "-"}')"
}
mrow "64 B malloc+free, 10k live" ns/op small "${base[@]}"
mrow "random 16 B-16 KiB churn, 10k live" ns/op churn "${base[@]}"
mrow "64 B malloc+free on 2 lcores, per lcore" ns/op small2 "${base[@]}"
mrow "heap bytes per live 64 B allocation" B/obj density "${base[@]}"
mrow "rte_memzone_reserve, 2000 zones" us/op mz_reserve "${base[@]}"
mrow "rte_memzone_lookup among 2000 zones" ns/op mz_lookup "${base[@]}"
mrow "4-64 MiB malloc+touch+free, -m 512" ms/op large "${base[@]}" -m 512
mrow "4-64 MiB malloc+touch+free, dynamic" ms/op large "${base[@]}"

# A secondary's allocation that needs fresh pages: the full sync round trip.
pmeasure() { # impl
	for i in $(seq "$runs"); do
		if [ "$1" = ours ]; then
			LD_LIBRARY_PATH=build/lib $bound $out/mp_bench -l 0 --no-pci --no-telemetry --file-prefix bench-$$-p$i 2>/dev/null
		else
			$bound $out/mp_bench -l 0 --no-pci --no-telemetry --file-prefix bench-$$-p$i 2>/dev/null
		fi
	done | awk '{print $2}' | median
}
d=$(pmeasure real); o=$(pmeasure ours)
printf '%-44s %12s %12s %8s\n' "secondary 6 MiB alloc with page sync (us/op)" "$d" "$o" "$(awk -v d="$d" -v o="$o" 'BEGIN {if (o > 0) printf "%.1fx", d / o; else print "-"}')"

# Capacity: rte_malloc blocks of one size until it fails (c-tests/capacity.c, one round), with
# 4 GiB of 2 MiB hugepages (2,048 pages, issue 9's table) in each mode. Needs that many free
# pages: reserve them with `echo 2048 > /proc/sys/vm/nr_hugepages` (and put it back after).
cap_pages=2048
free2m=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
echo
if [ "$free2m" -lt $cap_pages ]; then
	echo "capacity with 4 GiB of 2 MiB pages: not run: $free2m free 2 MiB hugepages, $cap_pages needed"
	echo "  (reserve them: echo $cap_pages > /proc/sys/vm/nr_hugepages, hugetlbfs at /dev/hugepages)"
elif cc -O2 -std=gnu11 $(pkg-config --cflags libdpdk) c-tests/capacity.c -o $out/capacity -lrte_eal; then
	printf '%-44s %14s %14s %8s\n' "capacity: blocks until rte_malloc fails" "DPDK" "rtemem" "ratio"
	cmeasure() { # impl args...
		local impl=$1; shift
		if [ "$impl" = ours ]; then
			LD_LIBRARY_PATH=build/lib timeout -k 5 600 $out/capacity -l 0 --no-pci --no-telemetry "$@" --file-prefix bench-$$-c -- 64K,1M,4M,16M,256M 1 2>/dev/null
		else
			timeout -k 5 600 $out/capacity -l 0 --no-pci --no-telemetry "$@" --file-prefix bench-$$-c -- 64K,1M,4M,16M,256M 1 2>/dev/null
			rm -rf /var/run/dpdk/bench-$$-c; rm -f /dev/hugepages/bench-$$-cmap_*
		fi
	}
	unit() { [ "$1" -lt 1048576 ] && echo "$(($1 >> 10)) KiB" || echo "$(($1 >> 20)) MiB"; }
	crow() { # mode-label args...
		local label=$1; shift
		cmeasure real "$@" >$out/cap.real
		cmeasure ours "$@" >$out/cap.ours
		for size in 65536 1048576 4194304 16777216 268435456; do
			local d o
			d=$(awk -v s=$size '$1 == "cap" && $2 == s {print $6}' $out/cap.real)
			o=$(awk -v s=$size '$1 == "cap" && $2 == s {print $6}' $out/cap.ours)
			fmt() { [ -n "$1" ] && awk -v n="$1" -v s=$size 'BEGIN {printf "%d (%.1fG)", n, n * s / 2^30}' || echo "-"; }
			printf '%-44s %14s %14s %8s\n' "$label, $(unit $size)" "$(fmt "$d")" "$(fmt "$o")" \
				"$(awk -v d="$d" -v o="$o" 'BEGIN {if (d > 0) printf "%.2fx", o / d; else print "-"}')"
		done
	}
	crow "default" --huge-dir /dev/hugepages
	crow "--single-file-segments" --single-file-segments --huge-dir /dev/hugepages
	crow "--legacy-mem -m 4096" --legacy-mem -m 4096 --huge-dir /dev/hugepages
	crow "--no-huge -m 4096" --no-huge -m 4096
	echo "(ratio: rtemem / DPDK blocks, higher is better for rtemem)"
fi

# Leftovers of real DPDK runs (DPDK leaves its runtime dirs and, after -m, its page files).
rm -rf /var/run/dpdk/bench-$$-* 2>/dev/null
rm -f /dev/hugepages/bench-$$-*map_* 2>/dev/null
