#!/usr/bin/env bash
# Multi-process stress and fault injection, on real hugepages:
# - stress: a primary and 3 secondaries allocate, fill, check and free malloc blocks and
#   memzones concurrently for STRESS_SECS (default 60) seconds, growing and shrinking the heap,
#   and check blocks the other processes published (contents and mappings agree everywhere);
#   then in --single-file-segments mode for a quarter of that. Heaps validate, nothing leaks.
# - secondaries killed with SIGKILL at random points of an allocation loop (100 times) hang
#   nobody, leak no hugepage, and leave the heaps valid;
# - secondaries killed inside specific operations (stopped at a fault point, RTEMEM_FAULT, then
#   killed): inside fbarray set_used/set_free and searches, the memseg page path (a page mapped,
#   its slot not yet marked; a page unmapped, its slot still marked), under the hotplug lock
#   and inside a memzone write. Each time a fresh secondary must allocate (heap growth: the
#   same locks) and reserve a memzone within 20 s, with the memseg arrays consistent;
# - primaries killed mid-run and restarted leak nothing.
# Every wait is bounded (timeout -k, or a counted poll loop).
set -u
root=${RTEMEM_ROOT:-$(pwd)}
if ! awk '$1 == "HugePages_Total:" && $2 > 0 {f=1} END {exit !f}' /proc/meminfo; then
	[ "${CI:-}" = true ] && { echo "CI must reserve hugepages"; exit 1; }
	echo "no hugepages reserved"; exit 77
fi
pkg-config --exists libdpdk || { [ "${CI:-}" = true ] && exit 1; echo "needs DPDK headers"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -std=gnu11 -O1 -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) "$root/c-tests/mp_churn.c" \
	-o "$tmp/churn" -lrte_eal || exit 1
export LD_LIBRARY_PATH=$root/build/lib
free2m() { cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages; }
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok: $1 ($2)"; else echo "FAIL: $1: got '$2', want '$3'"; fail=1; fi; }
pfx=faults$$
args=(-l 0 --no-pci --no-telemetry --huge-dir /dev/hugepages --file-prefix "$pfx")
start=$(free2m)

stress() { # seconds, extra EAL args...
	local secs=$1; shift
	local name="stress ${*:-default}"
	"$tmp/churn" stress "${args[@]}" "$@" >"$tmp/stress.out" 2>&1 &
	local spid=$! pids=() i
	for _ in $(seq 100); do grep -q ready "$tmp/stress.out" && break; sleep 0.1; done
	check "$name: primary up" "$(grep -c ready "$tmp/stress.out")" 1
	for i in 1 2 3; do
		"$tmp/churn" churn "${args[@]}" "$@" --proc-type=secondary >"$tmp/s$i.out" 2>&1 &
		pids+=($!)
	done
	sleep "$secs"
	kill -TERM "${pids[@]}" 2>/dev/null
	for i in 1 2 3; do
		if ! timeout -k 5 30 tail --pid="${pids[$((i - 1))]}" -f /dev/null; then
			echo "FAIL: $name: secondary $i hung"; fail=1; kill -KILL "${pids[$((i - 1))]}"
		fi
		wait "${pids[$((i - 1))]}"
		check "$name: secondary $i exit status" "$?" 0
		check "$name: secondary $i content mismatches" "$(sed -n 's/^mismatches //p' "$tmp/s$i.out")" 0
		grep -h '^churned' "$tmp/s$i.out"
	done
	kill -TERM $spid
	if ! timeout -k 5 30 tail --pid=$spid -f /dev/null; then echo "FAIL: $name: primary hung"; fail=1; kill -KILL $spid; fi
	wait $spid
	check "$name: primary exit status" "$?" 0
	check "$name: primary content mismatches" "$(sed -n 's/^mismatches //p' "$tmp/stress.out")" 0
	check "$name: heaps valid" "$(grep -c 'Heaps valid: yes' "$tmp/stress.out")" 1
	grep -h '^churned' "$tmp/stress.out"
	check "$name: no page files left" "$(ls /dev/hugepages | grep -c "^${pfx}map")" 0
	check "$name: no hugepage leaked" "$(free2m)" "$start"
}
secs=${STRESS_SECS:-60}
stress "$secs"
stress $((secs / 4 + 1)) --single-file-segments

"$tmp/churn" primary "${args[@]}" >"$tmp/primary.out" 2>&1 &
ppid=$!
for _ in $(seq 100); do grep -q ready "$tmp/primary.out" && break; sleep 0.1; done
check "primary up" "$(grep -c ready "$tmp/primary.out")" 1
hangs=0
for i in $(seq 100); do
	"$tmp/churn" churn "${args[@]}" --proc-type=secondary >"$tmp/churn.out" 2>&1 &
	cpid=$!
	sleep "0.0$((RANDOM % 9 + 1))"
	kill -KILL $cpid 2>/dev/null
	wait $cpid 2>/dev/null
	# the primary must still answer (an IPC request from a fresh secondary completes)
	if ! timeout -k 5 20 "$tmp/churn" check "${args[@]}" --proc-type=secondary >"$tmp/check.out" 2>&1; then
		hangs=$((hangs + 1))
		echo "iteration $i: check failed or hung:"; grep -v "Detected" "$tmp/check.out" | tail -4
	fi
done
check "checks after 100 kills that failed or hung" "$hangs" 0
check "heaps valid after 100 kills" "$(grep -c 'Heaps valid: yes' "$tmp/check.out")" 1
check "malloc works after 100 kills" "$(grep -c 'malloc after faults: ok' "$tmp/check.out")" 1
check "memseg arrays consistent after 100 kills" "$(grep -c 'memseg arrays consistent: yes' "$tmp/check.out")" 1

# Kills inside specific operations. The state field of /proc/<pid>/stat is T once the churner
# has stopped itself at the fault point.
stopped() { [ "$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f1)" = T ]; }
for point in fbarray.set fbarray.find memalloc.map_taken memalloc.free_seg mcfg.mem_write \
	memzone.write fbarray.set@3 fbarray.find@5; do
	RTEMEM_FAULT=$point:stop "$tmp/churn" churn "${args[@]}" --proc-type=secondary >"$tmp/t.out" 2>&1 &
	cpid=$!
	for _ in $(seq 400); do stopped $cpid && break; sleep 0.05; done
	if stopped $cpid; then
		echo "ok: a churner stopped inside $point"
	else
		echo "FAIL: the churner never reached $point within 20 s"; fail=1
		grep -v Detected "$tmp/t.out" | tail -3
	fi
	kill -KILL $cpid 2>/dev/null
	wait $cpid 2>/dev/null
	if timeout -k 5 20 "$tmp/churn" check "${args[@]}" --proc-type=secondary >"$tmp/check.out" 2>&1; then
		echo "ok: allocation and memzones work after a kill inside $point"
	else
		echo "FAIL: after a kill inside $point the check failed or hung:"; fail=1
		grep -v Detected "$tmp/check.out" | tail -4
	fi
	check "memseg arrays consistent after a kill inside $point" \
		"$(grep -c 'memseg arrays consistent: yes' "$tmp/check.out")" 1
done

kill -TERM $ppid
if ! timeout -k 5 30 tail --pid=$ppid -f /dev/null; then echo "FAIL: primary hung at exit"; fail=1; kill -KILL $ppid; fi
wait $ppid 2>/dev/null
check "primary's heaps valid at exit" "$(grep -c 'Heaps valid: yes' "$tmp/primary.out")" 1
check "no page files left" "$(ls /dev/hugepages | grep -c "^${pfx}map_")" 0
check "no hugepage leaked" "$(free2m)" "$start"
check "no runtime directory left" "$(ls -d /var/run/dpdk/$pfx 2>/dev/null | wc -l)" 0

# Primaries killed mid-run (with a secondary churning), then restarted: nothing leaks.
for i in $(seq 10); do
	"$tmp/churn" primary "${args[@]}" >"$tmp/primary.out" 2>&1 &
	ppid=$!
	for _ in $(seq 100); do grep -q ready "$tmp/primary.out" && break; sleep 0.05; done
	"$tmp/churn" churn "${args[@]}" --proc-type=secondary >/dev/null 2>&1 &
	cpid=$!
	sleep "0.0$((RANDOM % 9 + 1))"
	kill -KILL $ppid $cpid 2>/dev/null
	wait $ppid $cpid 2>/dev/null
done
out=$(timeout -k 5 30 "$tmp/churn" check "${args[@]}" 2>&1); rc=$? # --proc-type defaults to primary: restart
"$tmp/churn" primary "${args[@]}" >"$tmp/primary.out" 2>&1 &
ppid=$!
for _ in $(seq 100); do grep -q ready "$tmp/primary.out" && break; sleep 0.1; done
check "a restarted primary comes up after 10 killed ones" "$(grep -c ready "$tmp/primary.out")" 1
kill -TERM $ppid
if ! timeout -k 5 30 tail --pid=$ppid -f /dev/null; then echo "FAIL: restarted primary hung at exit"; fail=1; kill -KILL $ppid; fi
wait $ppid 2>/dev/null
check "no page files left after restarts" "$(ls /dev/hugepages | grep -c "^${pfx}map_")" 0
check "no hugepage leaked after restarts" "$(free2m)" "$start"
rm -rf /var/run/dpdk/$pfx
exit $fail
