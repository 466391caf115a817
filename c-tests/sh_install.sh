#!/usr/bin/env bash
# make install into a staging prefix, then build programs the two pkg-config ways the README
# documents: against rtemem (pkg-config rtemem) and as an unchanged DPDK program against
# rtemem's libdpdk.pc; both must run.
set -u
root=${RTEMEM_ROOT:-$(pwd)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
make -C "$root" -s install PREFIX="$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
fail=0
for f in lib/librte_eal.so.23 lib/librtemem.so.0 lib/librtemem.a lib/pkgconfig/rtemem.pc \
	lib/pkgconfig/libdpdk.pc include/rtemem/rtemem.h include/rtemem/rte_eal.h include/rtemem/rte_memory.h; do
	[ -e "$prefix/$f" ] || { echo "FAIL: $f not installed"; fail=1; }
done
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
mem=--no-huge
cat >"$tmp/app.c" <<'C'
#include <stdio.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_memory.h>
int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		return 1;
	printf("lcores %u physmem %llu\n", rte_lcore_count(), (unsigned long long)rte_eal_get_physmem_size());
	return rte_eal_cleanup();
}
C
# 1. Our own name.
cc -std=gnu11 -Wall -Wextra -Werror "$tmp/app.c" -o "$tmp/app-rtemem" $(pkg-config --cflags --libs rtemem) || fail=1
out=$(LD_LIBRARY_PATH=$prefix/lib "$tmp/app-rtemem" -l 0-1 $mem --file-prefix inst-a-$$ 2>/dev/null)
[ "$out" = "lcores 2 physmem 67108864" ] && echo "ok: pkg-config rtemem ($out)" || { echo "FAIL: rtemem app printed '$out'"; fail=1; }
LD_LIBRARY_PATH=$prefix/lib ldd "$tmp/app-rtemem" | grep -q "librtemem.so.0 => $prefix" && echo "ok: linked to librtemem.so.0" || { echo "FAIL: not linked to librtemem"; fail=1; }
# 2. An unchanged DPDK program through rtemem's libdpdk.pc.
cc -std=gnu11 -Wall -Wextra -Werror "$tmp/app.c" -o "$tmp/app-dpdk" $(pkg-config --cflags --libs libdpdk) || fail=1
out=$(LD_LIBRARY_PATH=$prefix/lib "$tmp/app-dpdk" -l 0-1 $mem --file-prefix inst-b-$$ 2>/dev/null)
[ "$out" = "lcores 2 physmem 67108864" ] && echo "ok: pkg-config libdpdk ($out)" || { echo "FAIL: libdpdk app printed '$out'"; fail=1; }
LD_LIBRARY_PATH=$prefix/lib ldd "$tmp/app-dpdk" | grep -q "librte_eal.so.23 => $prefix" && echo "ok: linked to rtemem's librte_eal.so.23" || { echo "FAIL: not linked to rtemem's librte_eal"; fail=1; }
exit $fail
