#!/usr/bin/env bash
# DPDK's library headers over rtemem's EAL headers, as rtemem's chained libdpdk.pc arranges them
# (rtemem's include/ first, then the installed DPDK's include directories):
#  1. every header of the installed DPDK 22.11 that compiles on its own with DPDK's flags
#     (-Wall -Wextra -Werror) compiles on its own with rtemem's EAL headers first, and all of
#     them compile together in one file;
#  2. every `struct rte_*` those headers define has the same size and alignment both ways, and
#     so has every struct of the EAL headers (ours against DPDK's);
#  3. the build facts of the installed DPDK (RTE_LIB_*, RTE_NET_*, ...) are all visible.
# Exit 77 ("not run") only when DPDK's headers are absent and CI is not "true".
set -u
root=${RTEMEM_ROOT:?RTEMEM_ROOT must point at the rtemem checkout}
cd "$root" || exit 1
if ! pkg-config --exists libdpdk 2>/dev/null || [ -n "$(pkg-config --variable=rtemem libdpdk 2>/dev/null)" ]; then
	if [ "${CI:-}" = true ]; then
		echo "DPDK's headers (libdpdk-dev) are required under CI"; exit 1
	fi
	echo "DPDK's headers are not installed (apt install libdpdk-dev); not compared"
	exit 77
fi
out=$root/build/test/layout_dpdk
rm -rf "$out"; mkdir -p "$out"
cc=${CC:-cc}
W="-std=gnu11 -Wall -Wextra -Werror"
read -r -a dpdk <<<"$(pkg-config --cflags libdpdk)"
ours=(-I"$root/include" -DRTEMEM_DPDK_BUILD_CONFIG "${dpdk[@]}")
incdir=$(pkg-config --variable=includedir libdpdk)
fail=0

# 1. Each header alone (in parallel; a header is checked by check_one), then all together.
check_one() { # header -> prints "skip NAME", "ok NAME" or "bad NAME"
	local b=$1 f="$out/one-$1.c"
	printf '#include <%s>\nint main(void) { return 0; }\n' "$b" >"$f"
	if ! $cc $W -fsyntax-only "${dpdk[@]}" "$f" 2>/dev/null; then
		echo "skip $b" # does not compile alone with DPDK's own EAL headers either
	elif $cc $W -fsyntax-only "${ours[@]}" "$f" 2>"$out/$b.err"; then
		echo "ok $b"
	else
		echo "bad $b"
	fi
}
export -f check_one
export cc W out
export dpdk_s="${dpdk[*]}" ours_s="${ours[*]}"
for h in "$incdir"/rte_*.h; do
	b=$(basename "$h")
	[ -e "include/$b" ] && continue # an EAL header rtemem provides itself
	[ "$b" = rte_trace_point_register.h ] && continue # must come first in a file; checked below
	echo "$b"
done | xargs -P "$(nproc)" -I{} bash -c 'read -r -a dpdk <<<"$dpdk_s"; read -r -a ours <<<"$ours_s"; check_one "$1"' _ {} >"$out/results"
sort -o "$out/results" "$out/results"
awk '$1 == "ok" || $1 == "bad" {print "#include <" $2 ">"}' "$out/results" >"$out/all.h"
n=$(grep -c -e '^ok ' -e '^bad ' "$out/results")
skipped=$(grep -c '^skip ' "$out/results")
mapfile -t bad < <(awk '$1 == "bad" {print $2}' "$out/results")
if [ ${#bad[@]} -eq 0 ] && [ "$n" -gt 100 ]; then
	echo "ok: $n DPDK headers compile alone over rtemem's EAL headers ($skipped do not compile alone with DPDK's either)"
else
	echo "FAIL: ${#bad[@]} of $n DPDK headers do not compile over rtemem's EAL headers: ${bad[*]}"
	for b in "${bad[@]:0:3}"; do head -5 "$out/$b.err"; done
	fail=1
fi
printf '#include "all.h"\nint main(void) { return 0; }\n' >"$out/all.c"
if $cc $W -fsyntax-only "${ours[@]}" "$out/all.c" 2>"$out/all.err"; then
	echo "ok: all $n together"
else
	echo "FAIL: the $n headers together: $(head -3 "$out/all.err")"; fail=1
fi
printf '%s\n' '#include <rte_trace_point_register.h>' '#include <rte_mempool_trace_fp.h>' \
	'RTE_TRACE_POINT_REGISTER(rte_mempool_trace_ops_dequeue_bulk, mempool.ops.deq.bulk)' \
	'int main(void) { return 0; }' >"$out/register.c"
if $cc $W -DALLOW_EXPERIMENTAL_API -fsyntax-only "${ours[@]}" "$out/register.c" 2>"$out/register.err"; then
	echo "ok: a library's trace point registration file compiles"
else
	echo "FAIL: trace point registration: $(head -3 "$out/register.err")"; fail=1
fi

# 2. Sizes and alignments of every struct, DPDK's EAL headers against rtemem's.
{
	echo '#include <stdio.h>'
	echo '#include "all.h"'
	for h in include/rte_*.h; do
		case $(basename "$h") in
		# DPDK's rte_eal_trace.h needs a private header; the register header must come first.
		rte_eal_trace.h | rte_trace_point_register.h) ;;
		*) echo "#include <$(basename "$h")>" ;;
		esac
	done
	echo '#define P(t) printf("%s %zu %zu\n", #t, sizeof(t), _Alignof(t));'
	echo 'int main(void) {'
	echo 'P(rte_int128_t)'
	sed -n 's/^#include <\(.*\)>$/\1/p' "$out/all.h" | sed "s|^|$incdir/|" | xargs cat include/rte_*.h |
		grep -oE '\bstruct[[:space:]]+rte_[A-Za-z0-9_]+[[:space:]]*\{' |
		sed -E 's/struct[[:space:]]+([A-Za-z0-9_]+).*/P(struct \1)/' | sort -u
	echo 'return 0; }'
} >"$out/sizes.c"
# Structs defined only under conditions these flags do not meet are incomplete: drop them.
read -r -a libs <<<"$(pkg-config --libs libdpdk)" # inline functions the probe never calls
$cc -std=gnu11 -w "${dpdk[@]}" -I"$out" "$out/sizes.c" -o "$out/sizes-dpdk" "${libs[@]}" 2>"$out/sizes.err"
incomplete=$(grep -oE "incomplete type .struct (rte_[A-Za-z0-9_]+)" "$out/sizes.err" | grep -oE 'rte_[A-Za-z0-9_]+$' | sort -u)
for s in $incomplete; do sed -i "/^P(struct $s)\$/d" "$out/sizes.c"; done
if ! $cc -std=gnu11 -w "${dpdk[@]}" -I"$out" "$out/sizes.c" -o "$out/sizes-dpdk" "${libs[@]}" 2>"$out/sizes.err"; then
	echo "FAIL: the size probe does not build against DPDK: $(head -3 "$out/sizes.err")"; fail=1
elif ! $cc -std=gnu11 -w "${ours[@]}" -I"$out" "$out/sizes.c" -o "$out/sizes-ours" "${libs[@]}" 2>"$out/sizes.err"; then
	echo "FAIL: the size probe does not build over rtemem's headers: $(head -3 "$out/sizes.err")"; fail=1
else
	"$out/sizes-dpdk" >"$out/sizes-dpdk.txt"
	"$out/sizes-ours" >"$out/sizes-ours.txt"
	k=$(wc -l <"$out/sizes-dpdk.txt")
	if [ "$k" -lt 300 ]; then
		echo "FAIL: only $k structs measured"; fail=1
	elif diff -u "$out/sizes-dpdk.txt" "$out/sizes-ours.txt" >"$out/sizes.diff"; then
		echo "ok: $k structs have the same size and alignment over rtemem's EAL headers"
	else
		echo "FAIL: sizes differ (- DPDK, + over rtemem's EAL headers):"; head -20 "$out/sizes.diff"; fail=1
	fi
fi

# 3. The installed DPDK's build facts.
echo >"$out/empty.c"
$cc -dM -E "${dpdk[@]}" "$out/empty.c" | awk '$2 ~ /^RTE_(LIB|NET|HAS|BUS|MEMPOOL)_/ {print $2}' | sort >"$out/facts-dpdk"
$cc -dM -E "${ours[@]}" "$out/empty.c" | awk '$2 ~ /^RTE_(LIB|NET|HAS|BUS|MEMPOOL)_/ {print $2}' | sort >"$out/facts-ours"
missing=$(comm -23 "$out/facts-dpdk" "$out/facts-ours" | tr '\n' ' ')
if [ -z "$missing" ] && [ -s "$out/facts-dpdk" ]; then
	echo "ok: all $(wc -l <"$out/facts-dpdk") RTE_LIB_*/RTE_NET_*/... facts of the installed DPDK are visible"
else
	echo "FAIL: build facts missing over rtemem's headers: $missing"; fail=1
fi
exit $fail
