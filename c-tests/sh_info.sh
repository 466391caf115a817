#!/usr/bin/env bash
# rtemem-info against a running primary (c-tests/info_primary.c: two memzones, socket-heap
# blocks, an external heap): the text and --json reports show the zones, heaps with statistics,
# memseg lists, physical memory and processes, sizes in bytes and binary units; the JSON is
# valid; inspecting twice changes nothing in the primary (same heap statistics, its data intact
# at exit); with no primary it exits 1 and says to start one; without --file-prefix it inspects
# DPDK's default prefix, rte; a real DPDK primary is recognised at once (no 5 s wait).
set -u
root=${RTEMEM_ROOT:-$(pwd)}
. "$root/c-tests/testlib.sh"
if ! awk '$1 == "HugePages_Total:" && $2 > 0 {f=1} END {exit !f}' /proc/meminfo ||
	! awk '$3 == "hugetlbfs" {f=1} END {exit !f}' /proc/mounts; then
	[ "${CI:-}" = true ] && { echo "CI must reserve hugepages and mount hugetlbfs"; exit 1; }
	echo "no hugepages reserved or no hugetlbfs mount"; exit 77
fi
info=$root/build/bin/rtemem-info
[ -x "$info" ] || { echo "FAIL: $info not built (make)"; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && stop_wait "$pid"
	umount "$tmp/huge" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cc -std=gnu11 -Wall -Wextra -Werror -I"$root/include" -include rte_config.h \
	"$root/c-tests/info_primary.c" -o "$tmp/primary" -L"$root/build/lib" -lrtemem \
	-Wl,-rpath,"$root/build/lib" || exit 1
# A private hugetlbfs mount (when we may mount one) so that other processes' use of the shared
# mount cannot delay this primary.
huge=()
mkdir -p "$tmp/huge"
if mount -t hugetlbfs -o pagesize=2M nodev "$tmp/huge" 2>/dev/null; then huge=(--huge-dir "$tmp/huge"); fi
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
check() { if [ "$2" = "$3" ]; then ok "$1 ($2)"; else bad "$1: got '$2', want '$3'"; fi; }
pfx=info$$

# No primary: exit 1, the EAL's message names the fix.
out=$(bounded 60 "$info" --file-prefix "$pfx-none" "${huge[@]}" 2>&1); rc=$?
check "no primary: exit 1" "$rc" 1
grep -q "no primary process is running with --file-prefix $pfx-none" <<<"$out" &&
	grep -q "start the primary first" <<<"$out" && ok "no primary: the message says to start it" ||
	bad "no primary: message was: $out"
out=$(bounded 60 "$info" 2>&1); rc=$?
if [ "$rc" = 1 ]; then
	grep -q "no primary process is running with --file-prefix rte " <<<"$out" &&
		grep -q "cannot attach to the primary of --file-prefix rte (the default" <<<"$out" &&
		ok "no --file-prefix: inspects the default prefix rte" || bad "no --file-prefix: $out"
else
	# Someone runs a primary with the default prefix on this machine: it was inspected.
	check "no --file-prefix: inspects the running rte primary" "$rc" 0
	grep -q "^prefix rte " <<<"$out" && ok "no --file-prefix: prefix rte" || bad "no --file-prefix: $out"
fi

# A real DPDK primary: recognised at once as not rtemem's.
if [ "${RTEMEM_DPDK:-0}" = 1 ]; then
	cat >"$tmp/dpdk_primary.c" <<'C'
#include <stdio.h>
#include <unistd.h>
#include <rte_eal.h>
int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	pause();
	return 0;
}
C
	cc -std=gnu11 -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) "$tmp/dpdk_primary.c" -o "$tmp/dpdk_primary" \
		$(pkg-config --libs libdpdk) || exit 1
	timeout -k 5 120 "$tmp/dpdk_primary" -l 0 --no-huge --no-pci --no-telemetry --file-prefix "$pfx-dpdk" >"$tmp/dpdk.out" 2>&1 &
	dpid=$!
	for _ in $(seq 200); do grep -q ready "$tmp/dpdk.out" && break; sleep 0.1; done
	grep -q ready "$tmp/dpdk.out" || { cat "$tmp/dpdk.out"; bad "the DPDK primary did not start"; }
	t0=$(date +%s%N)
	out=$("$info" --file-prefix "$pfx-dpdk" 2>&1); rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	kill "$dpid"; wait "$dpid" 2>/dev/null
	check "DPDK primary: exit 1" "$rc" 1
	grep -q "the primary process of --file-prefix $pfx-dpdk is not an rtemem process: it is a DPDK 22.11.[0-9]* primary" <<<"$out" &&
		ok "DPDK primary: the message says it is DPDK's" || bad "DPDK primary: $out"
	[ "$ms" -lt 2000 ] && ok "DPDK primary: told at once (${ms} ms)" || bad "DPDK primary: took ${ms} ms"
fi

"$tmp/primary" -l 0 --file-prefix "$pfx" "${huge[@]}" -m 64 >"$tmp/primary.out" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q -e ready -e failed "$tmp/primary.out" && break; sleep 0.1; done
grep -q ready "$tmp/primary.out" || { cat "$tmp/primary.out"; echo "FAIL: primary did not start"; exit 1; }
ext=$(sed -n 's/.*ext_socket=\([0-9]*\).*/\1/p' "$tmp/primary.out")

# Text report.
bounded 60 "$info" --file-prefix "$pfx" "${huge[@]}" >"$tmp/text" 2>"$tmp/text.err"; rc=$?
check "text: exit 0" "$rc" 0
cat "$tmp/text"
for want in "Processes (2)" "Memzones (2)" "Heaps (2)" "Memseg lists (" "Physical memory: 67108864 bytes (64 MiB)"; do
	grep -qF "$want" "$tmp/text" && ok "text: '$want'" || bad "text: no '$want'"
done
grep -Eq "^  info_zone_a +1048576 \(1 MiB\) +0x[0-9a-f]+ +0x[0-9a-f]+ +[0-9]+ +2M +-$" "$tmp/text" &&
	ok "text: info_zone_a row" || bad "text: info_zone_a row"
grep -Eq "^  info_zone_b +65536 \(64 KiB\) .* IOVA_CONTIG$" "$tmp/text" && ok "text: info_zone_b row" || bad "text: info_zone_b row"
grep -Eq "^ +0 socket_0 +socket +67108864 \(64 MiB\) +[0-9]+ \([0-9.]+ [KMG]iB\) " "$tmp/text" && ok "text: socket_0 heap with 64 MiB" || bad "text: socket_0 heap"
grep -Eq "^ +$ext info_ext +external" "$tmp/text" && ok "text: external heap info_ext" || bad "text: external heap"
grep -Eq "^ +$pid +primary +primary$" "$tmp/text" && ok "text: primary process" || bad "text: primary process"
grep -Eq "^ +[0-9]+ +self +rtemem-info$" "$tmp/text" && ok "text: itself" || bad "text: itself"

# JSON report: valid, and the same facts.
bounded 60 "$info" --file-prefix "$pfx" "${huge[@]}" --json >"$tmp/a.json" 2>/dev/null; rc=$?
check "json: exit 0" "$rc" 0
python3 -m json.tool "$tmp/a.json" >/dev/null && ok "json: valid (python3 -m json.tool)" || bad "json: invalid"
bounded 60 "$info" --file-prefix "$pfx" "${huge[@]}" --json >"$tmp/b.json" 2>/dev/null
python3 - "$tmp/a.json" "$tmp/b.json" "$pid" "$ext" <<'PY' || fail=1
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
pid, ext = int(sys.argv[3]), int(sys.argv[4])
bad = 0
def check(what, cond):
    global bad
    print(("ok: " if cond else "FAIL: ") + "json: " + what)
    bad |= not cond
z = {m["name"]: m for m in a["memzones"]}
check("two zones", set(z) == {"info_zone_a", "info_zone_b"})
check("info_zone_a: 1 MiB, 2 MiB page, socket 0", z["info_zone_a"]["length"] == 1 << 20
      and z["info_zone_a"]["page_size"] == 2 << 20 and z["info_zone_a"]["socket_id"] == 0)
check("info_zone_b: IOVA_CONTIG", z["info_zone_b"]["flag_names"] == ["IOVA_CONTIG"]
      and z["info_zone_b"]["flags"] == 0x100000)
check("addresses are hex strings", all(int(m["virt_addr"], 16) > 0 for m in a["memzones"]))
h = {x["name"]: x for x in a["heaps"]}
s0 = h["socket_0"]
check("socket_0 heap: 64 MiB, 5 allocations (2 zones + 3 blocks)",
      s0["id"] == 0 and not s0["external"] and s0["stats"]["total_bytes"] == 64 << 20
      and s0["stats"]["alloc_count"] == 5)
check("socket_0 stats add up", s0["stats"]["free_bytes"] + s0["stats"]["alloc_bytes"] == s0["stats"]["total_bytes"])
e = h["info_ext"]
check("external heap listed with its id, unmapped here, no stats",
      e["id"] == ext and e["external"] and e["mapped"] is False and e["stats"] is None)
lists = a["memseg_lists"]
check("memseg lists: 2 MiB socket lists with 32 pages used in all",
      sum(l["slots_used"] for l in lists if not l["external"]) == 32
      and all(l["page_size"] == 2 << 20 for l in lists if not l["external"]))
check("memseg lists: the external list (4 KiB pages, socket = heap id, 1024/1024)",
      [(l["page_size"], l["socket_id"], l["slots_used"], l["slots_total"]) for l in lists if l["external"]]
      == [(4096, ext, 1024, 1024)])
check("memseg list ranges", all(int(l["end"], 16) - int(l["start"], 16) == l["length"] for l in lists))
check("physmem 64 MiB", a["physmem_bytes"] == 64 << 20)
roles = {p["role"]: p["pid"] for p in a["processes"]}
check("processes: the primary and itself", roles.get("primary") == pid and "self" in roles
      and a["primary_pid"] == pid)
check("inspecting twice changes nothing (heaps, zones, lists)",
      (a["heaps"], a["memzones"], a["memseg_lists"]) == (b["heaps"], b["memzones"], b["memseg_lists"]))
sys.exit(bad)
PY

# Extra EAL options pass through; a bad one is the EAL's error (exit 1).
bounded 60 "$info" --file-prefix "$pfx" "${huge[@]}" --log-level=lib.eal:debug >/dev/null 2>&1
check "extra EAL options pass through" "$?" 0
bounded 60 "$info" --file-prefix "$pfx" "${huge[@]}" --no-such-option >/dev/null 2>&1
check "a bad EAL option: exit 1" "$?" 1

# The primary is undisturbed and exits cleanly.
stop_wait "$pid"; rc=$?; pid=
check "primary exits cleanly after SIGTERM" "$rc" 0
grep -q '^intact$' "$tmp/primary.out" && ok "primary: zones and blocks intact" || bad "primary: $(tail -1 "$tmp/primary.out")"
[ -e "/var/run/dpdk/$pfx/config" ] && bad "config file left behind" || ok "no config file left behind"
exit $fail
