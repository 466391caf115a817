#!/usr/bin/env bash
# A dead lock holder whose pid a live process got is still taken back (through the library's
# rte_mcfg_* locks, not only the lock primitives). Runs in a fresh pid namespace with its own
# /proc (root: `unshare --pid --fork --mount-proc`), where writing ns_last_pid hands the dead
# holder's pid to the next process: a secondary takes rte_mcfg_mem_write_lock and is killed,
# `sleep` gets its pid, and a new secondary must still take the lock within 20 s. A lock that
# knew its holder by pid alone would wait for `sleep` to exit. No hugepages needed (--no-huge).
set -u
root=${RTEMEM_ROOT:-$(pwd)}
if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
	[ "${CI:-}" = true ] && { echo "CI must run as root (pid namespaces)"; exit 1; }
	echo "cannot create a pid namespace (needs root)"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -std=gnu11 -Wall -Wextra -Werror -I"$root/include" -include rte_config.h \
	"$root/c-tests/pidreuse.c" -o "$tmp/pidreuse" -L"$root/build/lib" -lrtemem \
	-Wl,-rpath,"$root/build/lib" || exit 1
pfx=pidreuse$$
export BIN=$tmp/pidreuse OUT=$tmp
export ARGS="-l 0 --no-huge -m 32 --no-pci --no-telemetry --file-prefix $pfx"
# The namespace's own shell is pid 1; everything it starts dies with it, and the outer
# timeout bounds the whole run.
timeout -k 5 90 unshare --pid --fork --mount-proc bash -c '
	fail=0
	up() { for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
	$BIN primary $ARGS >"$OUT/primary.out" 2>&1 &
	p=$!
	up "$OUT/primary.out" ready || { echo "FAIL: primary did not come up"; cat "$OUT/primary.out"; exit 1; }
	$BIN hold $ARGS --proc-type=secondary >"$OUT/hold.out" 2>&1 &
	h=$!
	up "$OUT/hold.out" held || { echo "FAIL: the holder did not take the lock"; cat "$OUT/hold.out"; exit 1; }
	kill -KILL $h; wait $h 2>/dev/null
	sleep 0.05 # start times count 10 ms ticks: the newcomer must not share the holder'"'"'s
	echo $((h - 1)) >/proc/sys/kernel/ns_last_pid
	sleep 120 &
	n=$!
	if [ "$n" != "$h" ]; then echo "FAIL: the newcomer got pid $n, not the holder'"'"'s $h"; exit 1; fi
	kill -0 "$h" && echo "ok: pid $h is alive again (a sleep), the lock holder is dead"
	if timeout -k 5 20 $BIN take $ARGS --proc-type=secondary >"$OUT/take.out" 2>&1 &&
		grep -q taken "$OUT/take.out"; then
		echo "ok: a new secondary took the memory lock back from the dead holder"
	else
		echo "FAIL: the lock of the dead holder (pid $h, now another process) was not taken back"
		tail -3 "$OUT/take.out"; fail=1
	fi
	kill $n; kill -TERM $p
	timeout -k 5 20 tail --pid=$p -f /dev/null
	exit $fail
'
rc=$?
rm -rf "/var/run/dpdk/$pfx"
[ $rc = 124 ] && echo "FAIL: the namespace run hung"
exit $rc
