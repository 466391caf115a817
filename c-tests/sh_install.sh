#!/usr/bin/env bash
# make install into a staging prefix, then build programs the two pkg-config ways the README
# documents: against rtemem (pkg-config rtemem) and as an unchanged DPDK program against
# rtemem's libdpdk.pc; both must run as built (the .pc files carry an rpath: no
# LD_LIBRARY_PATH). With an installed DPDK 22.11, libdpdk.pc is chained to it (DPDK's ring
# builds and runs); with DPDK_PC_DIR=none it covers the EAL only.
set -u
root=${RTEMEM_ROOT:-$(pwd)}
RTEMEM_DPDK=${RTEMEM_DPDK:-0}
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
out=$("$tmp/app-rtemem" -l 0-1 $mem --no-pci --file-prefix inst-a-$$ 2>/dev/null)
[ "$out" = "lcores 2 physmem 67108864" ] && echo "ok: pkg-config rtemem ($out)" || { echo "FAIL: rtemem app printed '$out'"; fail=1; }
ldd "$tmp/app-rtemem" | grep -q "librtemem.so.0 => $prefix" && echo "ok: finds librtemem.so.0 through its rpath" || { echo "FAIL: not linked to librtemem"; fail=1; }
# 2. An unchanged DPDK program through rtemem's libdpdk.pc.
cc -std=gnu11 -Wall -Wextra -Werror "$tmp/app.c" -o "$tmp/app-dpdk" $(pkg-config --cflags --libs libdpdk) || fail=1
out=$("$tmp/app-dpdk" -l 0-1 $mem --no-pci --file-prefix inst-b-$$ 2>/dev/null)
[ "$out" = "lcores 2 physmem 67108864" ] && echo "ok: pkg-config libdpdk ($out)" || { echo "FAIL: libdpdk app printed '$out'"; fail=1; }
ldd "$tmp/app-dpdk" | grep -q "librte_eal.so.23 => $prefix" && echo "ok: finds rtemem's librte_eal.so.23 through its rpath" || { echo "FAIL: not linked to rtemem's librte_eal"; fail=1; }

# Which EAL is running: one line at init, and -v, name rtemem, its version and the DPDK ABI;
# rte_version() stays DPDK's.
ver=$(pkg-config --modversion rtemem)
err=$("$tmp/app-dpdk" -l 0 $mem --no-pci --file-prefix inst-v-$$ 2>&1 >/dev/null)
grep -qx "EAL: rtemem $ver, the EAL of DPDK 22.11.11 (ABI 23)" <<<"$err" && echo "ok: init names rtemem $ver and DPDK 22.11.11 ABI 23" || { echo "FAIL: init said: $err"; fail=1; }
err=$("$tmp/app-dpdk" -l 0 $mem --no-pci -v --file-prefix inst-v-$$ 2>&1 >/dev/null)
grep -qx "EAL: RTE Version: 'DPDK 22.11.11' (rtemem $ver, DPDK ABI 23)" <<<"$err" && echo "ok: -v names rtemem too" || { echo "FAIL: -v said: $err"; fail=1; }
[ "$(pkg-config --modversion libdpdk)" = 22.11.11 ] && echo "ok: libdpdk.pc is version 22.11.11" || { echo "FAIL: libdpdk.pc version $(pkg-config --modversion libdpdk)"; fail=1; }

# 3. Chained to the installed DPDK (when there is one): a ring from DPDK's librte_ring.
cat >"$tmp/ring.c" <<'C'
#include <stdio.h>
#include <rte_eal.h>
#include <rte_ring.h>
int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		return 1;
	struct rte_ring *r = rte_ring_create("inst_ring", 64, 0, 0);
	void *obj = NULL;
	int ok = r && rte_ring_enqueue(r, r) == 0 && rte_ring_dequeue(r, &obj) == 0 && obj == r;
	printf("ring %s\n", ok ? "ok" : "bad");
	rte_ring_free(r);
	return rte_eal_cleanup() || !ok;
}
C
if [ -n "$(pkg-config --variable=dpdk_pc_dir libdpdk)" ]; then
	grep -q "^Cflags:.*-DRTEMEM_DPDK_BUILD_CONFIG" "$prefix/lib/pkgconfig/libdpdk.pc" && echo "ok: libdpdk.pc is chained" || { echo "FAIL: libdpdk.pc not chained"; fail=1; }
	cc -std=gnu11 -Wall -Wextra -Werror "$tmp/ring.c" -o "$tmp/ring" $(pkg-config --cflags --libs libdpdk) || fail=1
	out=$("$tmp/ring" -l 0 $mem --no-pci --file-prefix inst-c-$$ 2>/dev/null)
	[ "$out" = "ring ok" ] && echo "ok: DPDK's ring over rtemem's EAL" || { echo "FAIL: ring program printed '$out'"; fail=1; }
elif [ "$RTEMEM_DPDK" = 1 ]; then
	echo "FAIL: DPDK 22.11 is installed but libdpdk.pc is not chained to it"; fail=1
fi

# 4. DPDK_PC_DIR=none: the EAL only (a non-EAL header is not found, the EAL program still builds).
prefix2=$tmp/prefix-eal
make -C "$root" -s install PREFIX="$prefix2" DPDK_PC_DIR=none >"$tmp/install2.log" 2>&1 || { cat "$tmp/install2.log"; exit 1; }
grep -q "EAL only (DPDK_PC_DIR=none)" "$tmp/install2.log" && echo "ok: make install says libdpdk.pc is EAL only" || { echo "FAIL: $(cat "$tmp/install2.log")"; fail=1; }
export PKG_CONFIG_PATH=$prefix2/lib/pkgconfig
[ -z "$(pkg-config --variable=dpdk_pc_dir libdpdk)" ] && ! grep -q RTEMEM_DPDK_BUILD_CONFIG "$prefix2/lib/pkgconfig/libdpdk.pc" &&
	echo "ok: EAL-only libdpdk.pc" || { echo "FAIL: DPDK_PC_DIR=none still chained"; fail=1; }
cc -std=gnu11 -Wall -Wextra -Werror "$tmp/app.c" -o "$tmp/app-eal" $(pkg-config --cflags --libs libdpdk) || fail=1
out=$("$tmp/app-eal" -l 0-1 $mem --no-pci --file-prefix inst-d-$$ 2>/dev/null)
[ "$out" = "lcores 2 physmem 67108864" ] && echo "ok: EAL program with the EAL-only libdpdk.pc ($out)" || { echo "FAIL: printed '$out'"; fail=1; }
if cc -std=gnu11 "$tmp/ring.c" -o "$tmp/ring-eal" $(pkg-config --cflags --libs libdpdk) 2>/dev/null; then
	echo "FAIL: rte_ring.h was found with the EAL-only libdpdk.pc"; fail=1
else
	echo "ok: rte_ring.h is not found with the EAL-only libdpdk.pc (as the README says)"
fi
exit $fail
