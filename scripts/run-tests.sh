#!/usr/bin/env bash
# `make test`: every test tier, ending with one line "N passed, M failed".
#
#  1. cargo test (Rust unit and property tests)
#  2. c-tests/test_*.c   C programs against include/, linked to librtemem, under AddressSanitizer
#                        (exit 77 = could not run here, listed as not run; never under CI)
#  3. c-tests/diff_*.c   built against Debian's DPDK 22.11 headers, run on real DPDK and on
#                        build/lib; their "@ " lines and exit codes must agree
#  4. c-tests/sh_*.sh    shell-driven tests (drop-in loading, multi-process, crash recovery)
#
# Environment: RTEMEM_TEST_HUGE=1 when hugepages are reserved and hugetlbfs is mounted.
# Under CI (CI=true) a missing oracle or missing hugepages is a failure, not a skip.
# TESTS=<regex> runs only the C/shell tests whose name matches.
set -u
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/build/test
rm -rf "$out"; mkdir -p "$out/bin" "$out/log"
pass=0 fail=0
failed=() notrun=()
filter=${TESTS:-.}

ok()  { pass=$((pass + 1)); printf 'PASS %s\n' "$1"; }
bad() { fail=$((fail + 1)); failed+=("$1"); printf 'FAIL %s%s\n' "$1" "${2:+ ($2)}"; }

# --- environment ---------------------------------------------------------------------------
huge=0
if awk '$1 == "HugePages_Total:" && $2 > 0 {f=1} END {exit !f}' /proc/meminfo &&
	awk '$3 == "hugetlbfs" {f=1} END {exit !f}' /proc/mounts; then huge=1; fi
export RTEMEM_TEST_HUGE=$huge
dpdk=0
if pkg-config --exists libdpdk 2>/dev/null && [ -e /usr/lib/x86_64-linux-gnu/librte_eal.so.23 ]; then dpdk=1; fi
if [ "${CI:-}" = true ]; then
	[ $huge = 1 ] && ok env-ci-has-hugepages || bad env-ci-has-hugepages "CI must reserve hugepages and mount hugetlbfs"
	[ $dpdk = 1 ] && ok env-ci-has-dpdk-oracle || bad env-ci-has-dpdk-oracle "CI must install libdpdk-dev"
fi
[ $huge = 1 ] || notrun+=("hugepage modes: no hugepages reserved or no hugetlbfs mount (tests ran with --no-huge)")
[ $dpdk = 1 ] || notrun+=("differential tests: Debian's libdpdk-dev (DPDK 22.11) is not installed")

# --- checks: formatting, lints, generated header, exported symbol versions ---------------------
if [ "$filter" = . ]; then
	cargo fmt --check >"$out/log/fmt.log" 2>&1 && ok check::cargo-fmt || bad check::cargo-fmt "run cargo fmt"
	cargo clippy --release --all-targets -- -D warnings >"$out/log/clippy.log" 2>&1 &&
		ok check::clippy || bad check::clippy "build/test/log/clippy.log"
	if git rev-parse --git-dir >/dev/null 2>&1 && ! git diff --quiet -- include/rtemem.h; then
		bad check::header-fresh "include/rtemem.h differs from what cbindgen generates: commit the regenerated file"
	else
		ok check::header-fresh
	fi
	scripts/check-abi.sh build/lib/librte_eal.so.23 abi/librte_eal.so.23.symbols >"$out/log/abi.log" 2>&1 &&
		ok check::symbol-versions || bad check::symbol-versions "build/test/log/abi.log"
fi

# --- tier 1: cargo test ----------------------------------------------------------------------
if [ "$filter" = . ]; then
	cargo test --release --no-fail-fast >"$out/log/cargo.log" 2>&1
	while read -r name result; do
		case $result in
			ok) ok "rust::$name" ;;
			FAILED) bad "rust::$name" "see build/test/log/cargo.log" ;;
		esac
	done < <(sed -n 's/^test \(.*\) \.\.\. \(ok\|FAILED\)$/\1 \2/p' "$out/log/cargo.log")
	grep -q '^error' "$out/log/cargo.log" && bad rust::build "cargo test did not build"
	# Rust tests that need real hugepages are #[ignore]d and run here when there are some.
	if [ $huge = 1 ]; then
		cargo test --release --test memory_dynamic -- --ignored >"$out/log/cargo-huge.log" 2>&1
		n=0
		while read -r name result; do
			n=$((n + 1))
			case $result in
				ok) ok "rust-huge::$name" ;;
				*) bad "rust-huge::$name" "see build/test/log/cargo-huge.log" ;;
			esac
		done < <(sed -n 's/^test \(.*\) \.\.\. \(ok\|FAILED\)$/\1 \2/p' "$out/log/cargo-huge.log")
		[ $n -gt 0 ] || bad rust-huge::build "build/test/log/cargo-huge.log"
	else
		notrun+=("rust-huge: tests/memory_dynamic.rs (needs hugepages)")
	fi
	# Rust tests that need root (a fresh pid namespace: src/sync/tests.rs) are #[ignore]d and
	# run here as root.
	if [ "$(id -u)" = 0 ]; then
		cargo test --release --lib -- --ignored sync::tests:: >"$out/log/cargo-root.log" 2>&1
		n=0
		while read -r name result; do
			n=$((n + 1))
			case $result in
				ok) ok "rust-root::$name" ;;
				*) bad "rust-root::$name" "see build/test/log/cargo-root.log" ;;
			esac
		done < <(sed -n 's/^test \(.*\) \.\.\. \(ok\|FAILED\)$/\1 \2/p' "$out/log/cargo-root.log")
		[ $n -gt 0 ] || bad rust-root::build "build/test/log/cargo-root.log"
	elif [ "${CI:-}" = true ]; then
		bad rust-root "CI must run as root (the pid-reuse test needs a pid namespace)"
	else
		notrun+=("rust-root: src/sync/tests.rs (needs root for a pid namespace)")
	fi
fi

# --- tier 2: C tests against include/ ---------------------------------------------------------
asan="-fsanitize=address,undefined -fno-omit-frame-pointer"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
run_one() { # name logfile cmd...
	local name=$1 log=$2; shift 2
	RTEMEM_TEST_PREFIX="rtm-$name-$$" timeout -k 10 300 "$@" >"$log" 2>&1
}
for src in c-tests/test_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[[ $name =~ $filter ]] || continue
	bin=$out/bin/$name
	if ! cc -std=gnu11 -O1 -g -Wall -Wextra -Werror $asan -Iinclude -Ic-tests -include rte_config.h \
		"$src" -o "$bin" -Lbuild/lib -lrtemem -lpthread >"$out/log/$name.build" 2>&1; then
		bad "c::$name" "does not compile: build/test/log/$name.build"; continue
	fi
	run_one "$name" "$out/log/$name.log" env LD_LIBRARY_PATH="$root/build/lib" "$bin"
	case $? in
		0) ok "c::$name"
			partial=$(sed -n 's/^not run: //p' "$out/log/$name.log" | head -1)
			[ -z "$partial" ] || notrun+=("c::$name (part): $partial") ;;
		77) notrun+=("c::$name: $(tail -1 "$out/log/$name.log")") ;;
		*) bad "c::$name" "build/test/log/$name.log" ;;
	esac
done

# --- tier 3: differential tests against real DPDK 22.11 ----------------------------------------
for src in c-tests/diff_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[[ $name =~ $filter ]] || continue
	[ $dpdk = 1 ] || { notrun+=("diff::$name (no DPDK oracle)"); continue; }
	bin=$out/bin/$name
	libs=$(sed -n 's|^/\* *LIBS: *\(.*\) *\*/|\1|p' "$src")
	if ! cc -std=gnu11 -O1 -g -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) -Ic-tests \
		"$src" -o "$bin" -lrte_eal $libs -lpthread >"$out/log/$name.build" 2>&1; then
		bad "diff::$name" "does not compile against DPDK's headers: build/test/log/$name.build"; continue
	fi
	run_one "$name-real" "$out/log/$name.real" "$bin"; rc_real=$?
	run_one "$name-ours" "$out/log/$name.ours" env LD_LIBRARY_PATH="$root/build/lib" "$bin"; rc_ours=$?
	{ grep '^@ ' "$out/log/$name.real"; echo "@ exit $rc_real"; } >"$out/log/$name.real.obs"
	{ grep '^@ ' "$out/log/$name.ours"; echo "@ exit $rc_ours"; } >"$out/log/$name.ours.obs"
	if [ $rc_real = 77 ] && [ $rc_ours = 77 ]; then
		notrun+=("diff::$name: $(sed -n 's/^not run: //p' "$out/log/$name.ours" | head -1)")
	elif [ $rc_real -ne 0 ]; then
		bad "diff::$name" "failed on real DPDK (exit $rc_real): build/test/log/$name.real"
	elif ! diff -u "$out/log/$name.real.obs" "$out/log/$name.ours.obs" >"$out/log/$name.diff"; then
		bad "diff::$name" "differs from DPDK: build/test/log/$name.diff"
		head -20 "$out/log/$name.diff"
	else
		ok "diff::$name"
		partial=$(sed -n 's/^not run: //p' "$out/log/$name.ours" | head -1)
		[ -z "$partial" ] || notrun+=("diff::$name (part): $partial")
	fi
done

# --- tier 4: shell-driven tests ------------------------------------------------------------------
for t in c-tests/sh_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	[[ $name =~ $filter ]] || continue
	RTEMEM_ROOT=$root RTEMEM_DPDK=$dpdk timeout -k 10 900 bash "$t" >"$out/log/$name.log" 2>&1; rc=$?
	case $rc in
		0) ok "sh::$name" ;;
		77) notrun+=("sh::$name: $(tail -1 "$out/log/$name.log")") ;;
		*) bad "sh::$name" "build/test/log/$name.log" ;;
	esac
done

echo
if [ ${#notrun[@]} -gt 0 ]; then
	echo "Not run on this machine:"
	printf '  - %s\n' "${notrun[@]}"
fi
if [ ${#failed[@]} -gt 0 ]; then
	echo "Failed:"
	printf '  - %s\n' "${failed[@]}"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
