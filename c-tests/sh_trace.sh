#!/usr/bin/env bash
# Traces that tools read: a program linked to Debian's librte_mempool (c-tests/trace_mempool.c)
# runs with --trace=lib.mempool --trace=lib.eal.mem --trace=lib.eal.generic.string,
# --trace=lib.eal.alarm --trace=lib.eal.intr and --trace-dir, on real DPDK and on rtemem.
#  1. babeltrace2 reads both traces without error and prints librte_mempool's own events
#     (recorded by DPDK's inline code in our buffers) and the EAL's (memory, alarms and
#     interrupt callbacks), with their field values;
#  2. the events between the program's markers are the same on both (timestamps and pointer
#     values aside);
#  3. the CTF metadata is the same text (clock numbers and UUID aside) for every library both
#     loaded: real DPDK also loads its default driver directory at init, whose libraries'
#     points come after; those are counted, not compared;
#  4. --trace with a regular expression that does not compile is logged and init goes on;
#     --trace-bufsz 0 and a bad --trace-mode fail init, on both.
set -u
root=${RTEMEM_ROOT:-$(pwd)}
. "$root/c-tests/testlib.sh"
if ! pkg-config --exists libdpdk; then
	[ "${CI:-}" = true ] && { echo "CI must have libdpdk-dev"; exit 1; }
	echo "Debian's libdpdk-dev (DPDK 22.11) is not installed"; exit 77
fi
if ! command -v babeltrace2 >/dev/null; then
	[ "${CI:-}" = true ] && { echo "CI must have babeltrace2"; exit 1; }
	echo "babeltrace2 is not installed (apt install babeltrace2)"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prog=$tmp/trace_mempool
cc -std=gnu11 -O1 -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) "$root/c-tests/trace_mempool.c" \
	-o "$prog" -lrte_eal -lrte_mempool -lrte_ring || exit 1
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
args=(-l 0-1 --no-huge --no-pci --no-telemetry -d librte_mempool_ring.so.23
	--trace=lib.mempool --trace=lib.eal.mem --trace=lib.eal.generic.string
	--trace=lib.eal.alarm --trace=lib.eal.intr)

run() { # impl dir extra-args...
	local impl=$1 dir=$2; shift 2
	mkdir -p "$dir"
	if [ "$impl" = ours ]; then
		LD_LIBRARY_PATH="$root/build/lib" bounded 60 "$prog" "${args[@]}" --file-prefix "trace-o-$$" \
			--trace-dir="$dir" "$@"
	else
		bounded 60 "$prog" "${args[@]}" --file-prefix "trace-r-$$" --trace-dir="$dir" "$@"
	fi
}

# Pointers and descriptor numbers differ between runs; timestamps too.
norm() {
	sed -E 's/^\[[^]]*\] \([^)]*\) //; s/\b(ptr|mz|mempool|vaddr|iova|addr|obj_cb|free_cb|opaque|memzone|cb_fn|cb) = 0x[0-9A-Fa-f]+/\1 = PTR/g; s/\bhandle_fd = [0-9]+/handle_fd = FD/g' "$1"
}

for impl in real ours; do
	out=$(run $impl "$tmp/$impl" 2>&1)
	rc=$?
	[ $rc = 0 ] && ok "$impl: the program ran" || { bad "$impl: exit $rc"; echo "$out"; continue; }
	session=$(ls -d "$tmp/$impl"/trace-*-$$-* 2>/dev/null | head -1)
	[ -n "$session" ] && [ -f "$session/metadata" ] && [ -f "$session/channel0_0" ] &&
		ok "$impl: $session holds metadata and channel0_0" || { bad "$impl: no session directory"; continue; }
	if bounded 60 babeltrace2 "$session" >"$tmp/$impl.bt" 2>"$tmp/$impl.bterr"; then
		ok "$impl: babeltrace2 reads the trace ($(wc -l <"$tmp/$impl.bt") events)"
	else
		bad "$impl: babeltrace2 failed"; head -20 "$tmp/$impl.bterr"
	fi
	for want in \
		'lib\.mempool\.create: .*name = "trace_mp", nb_elts = 0x3FF, elt_size = 0x40, cache_size = 0x20, private_data_size = 0x0, .*flags = 0x0, mempool = 0x' \
		'lib\.mempool\.set\.ops\.byname: .*mempool_name = "trace_mp", name = "ring_mp_mc"' \
		'lib\.mempool\.free: .*mempool_name = "trace_mp"' \
		'lib\.eal\.mem\.malloc: \{ cpu_id = 0x0, name = "trace_mempool" \}, \{ type = "trace_sh", size = 0x80, align = 0x0, socket = -1, ptr = 0x' \
		'lib\.eal\.memzone\.reserve: .*name = "trace_sh_mz", len = 0x1000, socket_id = -1, flags = 0x0, align = 0x40, bound = 0x0, mz = 0x' \
		'lib\.eal\.memzone\.free: .*name = "trace_sh_mz", addr = 0x[0-9A-F]+, rc = 0' \
		'lib\.eal\.alarm\.set: .*us = 0x989680, cb_fn = 0x[0-9A-F]+, cb_arg = 0x1234, rc = 0 \}' \
		'lib\.eal\.alarm\.cancel: .*cb_arg = 0x1234, count = 1 \}' \
		'lib\.eal\.alarm\.cancel: .*cb_arg = 0x1234, count = 0 \}' \
		'lib\.eal\.intr\.register: .*rc = 0, handle_dev_fd = 0, handle_fd = [0-9]+, handle_type = 6, .*cb_arg = 0x0 \}' \
		'lib\.eal\.intr\.register: .*rc = 0, handle_dev_fd = 0, handle_fd = [0-9]+, handle_type = 7, .*cb_arg = 0x5678 \}' \
		'lib\.eal\.intr\.enable: .*rc = -1, handle_dev_fd = 0, handle_fd = [0-9]+, handle_type = 7,' \
		'lib\.eal\.intr\.disable: .*rc = -1, handle_dev_fd = 0, handle_fd = [0-9]+, handle_type = 7,' \
		'lib\.eal\.intr\.unregister: .*rc = 1, handle_dev_fd = 0, handle_fd = [0-9]+, handle_type = 7, .*cb_arg = 0x5678 \}' \
		'lib\.eal\.intr\.enable: .*rc = 0, handle_dev_fd = 0, handle_fd = [0-9]+, handle_type = 8,' \
		'lib\.eal\.generic\.string: .*str = "end"'; do
		grep -qE "$want" "$tmp/$impl.bt" && ok "$impl: babeltrace2 prints /${want:0:40}.../" ||
			bad "$impl: babeltrace2 does not print /$want/"
	done
	# The main thread's events between the markers.
	norm "$tmp/$impl.bt" | grep 'cpu_id = 0x0,' |
		awk '/generic\.string: .*"begin"/ {on=1} on {print} /generic\.string: .*"end"/ {exit}' >"$tmp/$impl.events"
	cp "$session/metadata" "$tmp/$impl.metadata"
done

if [ -s "$tmp/real.events" ] && [ -s "$tmp/ours.events" ]; then
	if diff -u "$tmp/real.events" "$tmp/ours.events"; then
		ok "the same $(wc -l <"$tmp/ours.events") events between the markers, field for field"
	else
		bad "the events differ from real DPDK's (- DPDK, + rtemem)"
	fi
else
	bad "no events between the markers"
fi

if [ -s "$tmp/real.metadata" ] && [ -s "$tmp/ours.metadata" ]; then
	mnorm() { grep -vE '^    (freq|offset_s|offset|uuid) =' "$1"; }
	mnorm "$tmp/ours.metadata" >"$tmp/ours.m"
	mnorm "$tmp/real.metadata" >"$tmp/real.m"
	n=$(wc -l <"$tmp/ours.m")
	if head -n "$n" "$tmp/real.m" | diff -u - "$tmp/ours.m"; then
		ok "metadata: rtemem's $n lines ($(grep -c '^event {' "$tmp/ours.m") events) are DPDK's, clock and UUID aside"
	else
		bad "metadata differs from DPDK's (- DPDK, + rtemem)"
	fi
	next=$(sed -n "$((n + 1))p" "$tmp/real.m")
	if [ -z "$next" ] || [ "$next" = "event {" ]; then
		extra=$(tail -n +"$((n + 1))" "$tmp/real.m" | grep -c '^event {')
		ok "metadata: DPDK describes $extra more points, of the libraries its default driver directory loads"
	else
		bad "metadata: DPDK's text goes on inside a block after rtemem's ends: $next"
	fi
	for impl in real ours; do
		u=$(sed -n 's/^    uuid = "\(.*\)";$/\1/p' "$tmp/$impl.metadata")
		h=$(od -An -tx1 -j4 -N16 "$(ls -d "$tmp/$impl"/trace-*/channel0_0 | head -1)" | tr -d ' \n')
		[ "${u//-/}" = "$h" ] && ok "$impl: the stream header carries the metadata's UUID" ||
			bad "$impl: UUID $u in the metadata, $h in channel0_0"
	done
fi

# Options: a bad regex is logged and skipped; a zero buffer size or an unknown mode fails init.
for impl in real ours; do
	out=$(run $impl "$tmp/opt-$impl" --trace='[' 2>&1)
	rc=$?
	[ $rc = 0 ] && grep -q 'cannot enable trace for \[' <<<"$out" &&
		ok "$impl: --trace='[' is logged, init goes on" || { bad "$impl: --trace='[' (exit $rc)"; echo "$out"; }
	for opt in --trace-bufsz=0 --trace-mode=x; do
		run $impl "$tmp/opt-$impl" "$opt" >/dev/null 2>&1
		rc=$?
		[ $rc = 1 ] && ok "$impl: $opt fails init" || bad "$impl: $opt gives exit $rc"
	done
done
exit $fail
