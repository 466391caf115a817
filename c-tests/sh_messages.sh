#!/usr/bin/env bash
# What a newcomer sees when init fails on hugepages, end to end (the exact texts are unit-tested
# in src/meminit.rs and src/hugepage.rs):
#  - `-m 100000` says how much is free on the socket, per page size, and both fixes;
#  - `--huge-dir /nonexistent` and `--huge-dir /tmp` list the hugetlbfs mounts with their page
#    sizes and free pages, and name a --huge-dir that would work.
# No run takes a hugepage (the failing ones stop before, the working one has no -m), so no lock
# is needed.
set -u
root=${RTEMEM_ROOT:-$(pwd)}
if ! awk '$3 == "hugetlbfs" {f=1} END {exit !f}' /proc/mounts; then
	[ "${CI:-}" = true ] && { echo "CI must mount hugetlbfs"; exit 1; }
	echo "no hugetlbfs mount"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/app.c" <<'C'
#include <rte_eal.h>
int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		return 1;
	return rte_eal_cleanup();
}
C
cc -std=gnu11 -Wall -Wextra -Werror -I"$root/include" -include rte_config.h "$tmp/app.c" -o "$tmp/app" \
	-L"$root/build/lib" -lrtemem -Wl,-rpath,"$root/build/lib" || exit 1
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
run() { "$tmp/app" -l 0 --no-pci --file-prefix "msg-$$" "$@" 2>&1; }

# -m 100000
out=$(run -m 100000); rc=$?
echo "$out" | tail -1
[ $rc = 1 ] && ok "-m 100000 fails" || bad "-m 100000: exit $rc"
line=$(grep -o "not enough free hugepages on socket 0: .*" <<<"$out")
re='^not enough free hugepages on socket 0: 100000 MiB requested, ([0-9]+ [KMG]?i?B) free \(([^)]*)\)\. Fix: ask for at most ([0-9]+) MiB with -m/--socket-mem, or reserve [0-9]+ more [0-9]+ [MG]iB pages'
if [[ $line =~ $re ]]; then
	ok "-m 100000: says what is free per page size and both fixes"
	# The parts add up to the total said.
	sum=0
	IFS='+' read -r -a parts <<<"${BASH_REMATCH[2]}"
	for p in "${parts[@]}"; do
		read -r n _ sz unit <<<"$p"
		case $unit in MiB) sum=$((sum + n * sz)) ;; GiB) sum=$((sum + n * sz * 1024)) ;; esac
	done
	[ "$sum" = "${BASH_REMATCH[3]}" ] && ok "-m 100000: the page sizes add up to ${BASH_REMATCH[3]} MiB" ||
		bad "-m 100000: parts add up to $sum MiB, the message says ${BASH_REMATCH[3]}"
else
	bad "-m 100000 said: $line"
fi

# --huge-dir that is no hugetlbfs mount: every mount is listed; a working one is named.
mounts=$(awk '$3 == "hugetlbfs" {print $2}' /proc/mounts)
for dir in /nonexistent /tmp; do
	out=$(run --huge-dir "$dir"); rc=$?
	echo "$out" | tail -1
	[ $rc = 1 ] && ok "--huge-dir $dir fails" || bad "--huge-dir $dir: exit $rc"
	case $dir in
	/nonexistent) want="--huge-dir /nonexistent does not exist; hugetlbfs mounts: " ;;
	*) want="--huge-dir /tmp is not a hugetlbfs mount; hugetlbfs mounts: " ;;
	esac
	grep -qF -- "$want" <<<"$out" && ok "--huge-dir $dir: says why" || bad "--huge-dir $dir: no '$want'"
	for m in $mounts; do
		grep -qE -- "$m \([0-9]+ [MG]iB pages, [0-9]+ of [0-9]+ free\)" <<<"$out" && ok "--huge-dir $dir: lists $m" ||
			bad "--huge-dir $dir: $m not listed"
	done
	if grep -q "Fix: use --huge-dir " <<<"$out"; then
		first=$(grep -oE "Fix: use --huge-dir [^ ,]+" <<<"$out" | awk '{print $4}')
		out2=$(run --huge-dir "$first"); rc=$? # no -m: init takes no page
		[ $rc = 0 ] && ok "--huge-dir $dir: the suggested --huge-dir $first works" || bad "--huge-dir $first: $out2"
	elif grep -q " [1-9][0-9]* of [0-9]* free" <<<"$out"; then
		bad "--huge-dir $dir: a mount has free pages but no --huge-dir is suggested"
	fi
done
exit $fail
