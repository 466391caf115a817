#!/usr/bin/env bash
# Drop-in loading: a program built against Debian's DPDK 22.11 (headers and librte_eal.so.23)
# runs on rtemem's librte_eal.so.23 through LD_LIBRARY_PATH and through LD_PRELOAD, and DPDK's
# own copy is then not loaded at all.
set -u
root=${RTEMEM_ROOT:-$(pwd)}
if ! pkg-config --exists libdpdk; then
	[ "${CI:-}" = true ] && { echo "CI must have libdpdk-dev"; exit 1; }
	echo "Debian's libdpdk-dev (DPDK 22.11) is not installed"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -std=gnu11 -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) "$root/c-tests/dropin_probe.c" \
	-o "$tmp/probe" -lrte_eal -ldl || exit 1
ours=$(readlink -f "$root/build/lib/librte_eal.so.23")
args=(-l 0-1 --no-huge --no-pci --no-telemetry)
fail=0
expect() { # description output pattern
	if grep -qE "$3" <<<"$2"; then echo "ok: $1"; else echo "FAIL: $1"; echo "$2"; fail=1; fi
}
out=$(LD_LIBRARY_PATH="$root/build/lib" "$tmp/probe" "${args[@]}" --file-prefix "dropin-a-$$" 2>&1)
expect "LD_LIBRARY_PATH binds rte_eal_init to rtemem" "$out" "rte_eal_init from .*build/lib/librte_eal.so.23"
expect "LD_LIBRARY_PATH loads no copy of DPDK's EAL" "$out" "debian librte_eal mapped 0"
expect "LD_LIBRARY_PATH init works" "$out" "init [0-9]+ lcores 2 errno 0"
out=$(LD_PRELOAD="$ours" "$tmp/probe" "${args[@]}" --file-prefix "dropin-b-$$" 2>&1)
expect "LD_PRELOAD binds rte_eal_init to rtemem" "$out" "rte_eal_init from .*build/lib/librte_eal.so.23"
expect "LD_PRELOAD loads no copy of DPDK's EAL" "$out" "debian librte_eal mapped 0"
expect "LD_PRELOAD init works" "$out" "init [0-9]+ lcores 2 errno 0"
# And the same binary on real DPDK, for contrast.
out=$("$tmp/probe" "${args[@]}" --file-prefix "dropin-c-$$" 2>&1)
expect "without either, DPDK's own EAL is used" "$out" "rte_eal_init from /(usr/)?lib/.*librte_eal.so.23"
exit $fail
