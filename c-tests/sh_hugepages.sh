#!/usr/bin/env bash
# Real hugepages in every mode: page files appear and disappear in hugetlbfs as DPDK's would,
# sysfs free_hugepages goes down while memory is held and comes back after exit, a primary
# killed with SIGKILL leaks nothing once the next primary of its prefix starts, and running out
# (exhausted pool, size-limited mount) is an ENOMEM failure, not a crash.
set -u
root=${RTEMEM_ROOT:-$(pwd)}
if ! awk '$1 == "HugePages_Total:" && $2 > 0 {f=1} END {exit !f}' /proc/meminfo ||
	! awk '$3 == "hugetlbfs" && $2 == "/dev/hugepages" {f=1} END {exit !f}' /proc/mounts; then
	[ "${CI:-}" = true ] && { echo "CI must reserve hugepages and mount /dev/hugepages"; exit 1; }
	echo "no hugepages reserved or /dev/hugepages not mounted"; exit 77
fi
pkg-config --exists libdpdk || { [ "${CI:-}" = true ] && exit 1; echo "needs DPDK headers"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; umount "$tmp/lim" 2>/dev/null' EXIT
cc -std=gnu11 -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) "$root/c-tests/memprobe.c" \
	-o "$tmp/probe" -lrte_eal || exit 1
export LD_LIBRARY_PATH=$root/build/lib
sysfree=/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok: $1 ($2)"; else echo "FAIL: $1: got '$2', want '$3'"; fail=1; fi; }
files() { ls /dev/hugepages 2>/dev/null | grep -c "^$1map_" ; }
pfx=hp$$
args=(-l 0-1 --no-pci --no-telemetry --huge-dir /dev/hugepages)
# Real DPDK runs (the differential tests) leave page files behind, and a real DPDK primary
# started below removes every unlocked one, whatever its prefix: remove them first (nobody
# holds them; files in use are locked), so the count below is this test's own.
for f in /dev/hugepages/*map_*; do
	[ -e "$f" ] && flock -n -x "$f" rm -f "$f"
done
start=$(cat $sysfree)

# Each mode, with 2 MiB pages (64 MiB = 32 pages) and, where the machine has them, 1 GiB pages
# (1 page): hold the memory, count files and free pages, then exit cleanly.
run_modes() { # size-dir sysfs-free-file mem-MiB pages tag
	local dir=$1 free=$2 mem=$3 pages=$4 tag=$5 base
	base=$(cat "$free")
	for mode in default single in-memory unlink-always; do
		p=$pfx-$tag-$mode
		case $mode in
			default) extra=(); want_files=$pages ;;
			single) extra=(--single-file-segments); want_files=1 ;;
			in-memory) extra=(--in-memory); want_files=0 ;;
			unlink-always) extra=(--huge-unlink=always); want_files=0 ;;
		esac
		HOLD=1 "$tmp/probe" -l 0-1 --no-pci --no-telemetry --huge-dir "$dir" --file-prefix "$p" -m "$mem" "${extra[@]}" >"$tmp/out" 2>&1 &
		pid=$!
		for _ in $(seq 100); do grep -q -e ready -e failed "$tmp/out" && break; sleep 0.1; done
		check "$tag $mode: ready with $pages segments" "$(grep -o 'segs=[0-9]*' "$tmp/out")" "segs=$pages"
		check "$tag $mode: page files while running" "$(ls "$dir" | grep -c "^${p}map_")" "$want_files"
		check "$tag $mode: $pages hugepages taken from sysfs free_hugepages" "$((base - $(cat "$free")))" "$pages"
		kill -TERM $pid; wait $pid 2>/dev/null
		check "$tag $mode: no page files after exit" "$(ls "$dir" | grep -c "^${p}map_")" 0
		check "$tag $mode: every hugepage back after exit" "$(cat "$free")" "$base"
	done
}
run_modes /dev/hugepages $sysfree 64 32 2M
free1g=/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages
if [ -r $free1g ] && [ "$(cat $free1g)" -ge 1 ] && awk '$2 == "/dev/hugepages1G" {f=1} END {exit !f}' /proc/mounts; then
	run_modes /dev/hugepages1G $free1g 1024 1 1G
else
	echo "note: no free 1 GiB hugepage mounted at /dev/hugepages1G: 1 GiB modes not run"
	[ "${CI:-}" = true ] && [ -r $free1g ] && [ "$(cat /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages)" -ge 1 ] && {
		echo "FAIL: CI reserved 1 GiB pages but they are not usable"; fail=1; }
fi

# Clean exit: nothing to clear even without a restart.
"$tmp/probe" "${args[@]}" --file-prefix "$pfx-clean" -m 64 >/dev/null 2>&1
check "clean exit leaves no page files" "$(files "$pfx-clean")" 0
check "clean exit returns every hugepage" "$(cat $sysfree)" "$start"

# SIGKILL: files stay behind (nobody could clean up) until the next primary of the prefix.
p=$pfx-kill
HOLD=1 "$tmp/probe" "${args[@]}" --file-prefix "$p" -m 64 >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q ready "$tmp/out" && break; sleep 0.1; done
kill -KILL $pid; wait $pid 2>/dev/null
check "after kill -9 the page files are still there" "$(files "$p")" 32
check "after kill -9 the pages are still taken" "$((start - $(cat $sysfree)))" 32
out=$("$tmp/probe" "${args[@]}" --file-prefix "$p" 2>&1)
check "the next primary starts" "$(grep -c ready <<<"$out")" 1
check "the next primary removed every stale page file" "$(files "$p")" 0
check "every hugepage is back (0 leaked)" "$(cat $sysfree)" "$start"

# Exhausted pool: asking for more than is free fails with ENOMEM and leaves nothing.
free_1g=$(cat /sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages 2>/dev/null || echo 0)
awk '$2 == "/dev/hugepages1G" {f=1} END {exit !f}' /proc/mounts || free_1g=0
total_mb=$(($(cat $sysfree) * 2 + free_1g * 1024))
out=$(timeout -k 5 60 "$tmp/probe" "${args[@]}" --file-prefix "$pfx-big" -m $((total_mb + 64)) 2>&1); rc=$?
check "more than the pool: init fails (exit 3)" "$rc" 3
check "more than the pool: ENOMEM" "$(grep -o 'errno [0-9]*' <<<"$out")" "errno 12"
check "more than the pool: the message names the fix" "$(grep -c 'nr_hugepages' <<<"$out")" 1
check "more than the pool: no page files left" "$(files "$pfx-big")" 0
check "more than the pool: no hugepage leaked" "$(cat $sysfree)" "$start"

# A size-limited hugetlbfs mount (16 MiB): 8 MiB works, 32 MiB fails with ENOMEM.
mkdir -p "$tmp/lim"
if mount -t hugetlbfs -o pagesize=2M,size=16M nodev "$tmp/lim" 2>/dev/null; then
	out=$("$tmp/probe" -l 0-1 --huge-dir "$tmp/lim" --file-prefix "$pfx-lim" -m 8 2>&1); rc=$?
	check "limited mount: 8 MiB fits" "$rc" 0
	out=$("$tmp/probe" -l 0-1 --huge-dir "$tmp/lim" --file-prefix "$pfx-lim" -m 32 2>&1); rc=$?
	check "limited mount: 32 MiB fails (exit 3)" "$rc" 3
	check "limited mount: ENOMEM" "$(grep -o 'errno [0-9]*' <<<"$out")" "errno 12"
	check "limited mount: nothing left in it" "$(ls "$tmp/lim" | wc -l)" 0
	umount "$tmp/lim"
else
	echo "FAIL: cannot mount a size-limited hugetlbfs (need root)"; fail=1
fi
# Primaries of other prefixes (rtemem's and real DPDK's) start while one is running: nothing
# holds the hugetlbfs directory after init.
HOLD=1 "$tmp/probe" "${args[@]}" --file-prefix "$pfx-run1" -m 16 >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q ready "$tmp/out" && break; sleep 0.1; done
out=$(timeout -k 5 20 "$tmp/probe" "${args[@]}" --file-prefix "$pfx-run2" -m 16 2>&1); rc=$?
check "a second rtemem primary (other prefix) starts while one runs" "$rc" 0
out=$(LD_LIBRARY_PATH= timeout -k 5 30 "$tmp/probe" "${args[@]}" --file-prefix "$pfx-dpdk" 2>&1); rc=$?
check "a real DPDK primary (other prefix) starts while rtemem runs" "$rc" 0
rm -rf /var/run/dpdk/"$pfx-dpdk"
kill -TERM $pid; wait $pid 2>/dev/null
check "hugepages all free at the end" "$(cat $sysfree)" "$start"
exit $fail
