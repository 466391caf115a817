#!/usr/bin/env bash
# The README's own commands, run exactly as written, in order, in one shell, as a newcomer
# would paste them: starting at the top of the checkout, with PREFIX (the install step's
# variable) set to a temporary prefix and TMPDIR to a temporary directory (the scratch
# directory comes from mktemp). The README marks what to run:
#
#   <!-- readme-test: NAME -->              the next fenced block is shell: run it
#   <!-- readme-test: NAME file=PATH -->    the next fenced block is written to PATH
#   <!-- readme-test: NAME output -->       the next fenced block is what step NAME prints
#                                           on stdout, exactly
#
# Fails when a step fails, when a step prints something other than its output block, when a
# step the README must have is missing, when a program is run without --no-pci or without a
# --file-prefix made unique with $$, when the installed program does not use the temporary
# prefix, or when the README's version is not the library's.
set -u
root=${RTEMEM_ROOT:-$(pwd)}
readme=$root/README.md
if ! pkg-config --exists libdpdk 2>/dev/null; then
	[ "${CI:-}" = true ] && { echo "CI must have libdpdk-dev"; exit 1; }
	echo "the README's DPDK steps need Debian's libdpdk-dev (DPDK 22.11)"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
steps=$tmp/steps
mkdir -p "$steps" "$tmp/scratch"
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

# Turn the marked blocks into one script; expected outputs go to $steps/NAME.expected.
awk -v steps="$steps" '
	function fail(msg) { printf "README.md:%d: %s\n", NR, msg > "/dev/stderr"; bad = 1 }
	/^<!-- readme-test: .* -->$/ {
		n = split($0, f, " ")
		name = f[3]; kind = "sh"; path = ""
		if (n == 5 && f[4] == "output") kind = "output"
		else if (n == 5 && f[4] ~ /^file=/) { kind = "file"; path = substr(f[4], 6) }
		else if (n != 4) fail("bad marker: " $0)
		want_fence = 1
		next
	}
	want_fence {
		if ($0 !~ /^```/) fail("a readme-test marker must be followed by a fenced block")
		want_fence = 0; inside = 1; body = ""
		next
	}
	inside && /^```$/ {
		inside = 0
		if (kind == "output") {
			printf "%s", body > (steps "/" name ".expected")
			print name >> (steps "/outputs")
		} else if (kind == "file") {
			printf "cat >%s <<'\''README_EOF'\''\n%sREADME_EOF\n", path, body >> (steps "/script.sh")
			print name >> (steps "/files")
		} else {
			printf "echo \"== step %s\" >&2\n{\n%s} >%s/%s.stdout\ncat %s/%s.stdout\n", name, body, steps, name, steps, name >> (steps "/script.sh")
			print name >> (steps "/names")
			printf "%s", body >> (steps "/commands")
		}
		next
	}
	inside { body = body $0 "\n" }
	END { if (inside || want_fence) fail("unterminated readme-test block"); exit bad }
' "$readme" || { echo "FAIL: the README's readme-test blocks do not parse"; exit 1; }

# The README must show each of these.
for s in build hello-build-tree install hello-installed ring-mempool timer drop-in which-eal; do
	grep -qx "$s" "$steps/names" && ok "README has step '$s'" || bad "README has no readme-test step '$s'"
done
grep -qx hello "$steps/files" && ok "README has the hello.c file" || bad "README has no hello.c file block"
for s in hello-build-tree hello-installed ring-mempool timer drop-in which-eal; do
	grep -qx "$s" "$steps/outputs" && ok "step '$s' shows its output" || bad "step '$s' has no output block"
done
grep -q 'pkg-config --cflags --libs rtemem' "$steps/commands" && grep -q 'pkg-config --cflags --libs libdpdk' "$steps/commands" &&
	ok "README builds with pkg-config rtemem and libdpdk" || bad "README lacks a pkg-config rtemem or libdpdk build"
grep -q 'make -C "$RTEMEM" install PREFIX="$PREFIX"' "$steps/commands" && ok "the install step installs to \$PREFIX" ||
	bad "the install step does not install to \$PREFIX"
# Every program run: --no-pci and a --file-prefix unique to the run.
while read -r line; do
	case $line in
	*--no-pci*--file-prefix\ [a-z]*\$\$* | *--file-prefix\ [a-z]*\$\$*--no-pci*) ;;
	*) bad "a program runs without --no-pci or a unique --file-prefix: $line" ;;
	esac
done < <(grep -E '(^|[ =])\./[a-z_]+ ' "$steps/commands")

# Run it.
(cd "$root" && env -u PKG_CONFIG_PATH -u RTEMEM PREFIX="$tmp/prefix" TMPDIR="$tmp/scratch" \
	timeout -k 10 600 bash -euo pipefail "$steps/script.sh") >"$tmp/log" 2>&1
rc=$?
if [ $rc = 0 ]; then
	ok "all $(wc -l <"$steps/names") steps ran"
else
	bad "the README's commands failed (exit $rc) in step $(grep '^== step' "$tmp/log" | tail -1 | cut -d' ' -f3):"
	tail -15 "$tmp/log"
fi
while read -r s; do
	if [ ! -e "$steps/$s.stdout" ]; then
		bad "step '$s' did not run"
	elif diff -u "$steps/$s.expected" "$steps/$s.stdout" >"$tmp/$s.diff"; then
		ok "step '$s' prints what the README shows"
	else
		bad "step '$s' prints something else than the README shows (- README, + printed):"
		cat "$tmp/$s.diff"
	fi
done <"$steps/outputs"

# The install went to the temporary prefix, and the installed build uses it.
[ -e "$tmp/prefix/lib/librte_eal.so.23" ] && [ -e "$tmp/prefix/lib/pkgconfig/libdpdk.pc" ] &&
	ok "installed to the temporary \$PREFIX" || bad "nothing installed to \$PREFIX"
hello=$(find "$tmp/scratch" -name hello -type f | head -1)
if [ -n "$hello" ] && ldd "$hello" | grep -q "librtemem.so.0 => $tmp/prefix/lib/"; then
	ok "the installed hello runs on the installed librtemem.so.0 (rpath)"
else
	bad "the installed hello does not use $tmp/prefix/lib: $(ldd "$hello" 2>&1 | grep rtemem)"
fi
# The README's version is the library's.
ver=$(PKG_CONFIG_PATH=$root/build/lib/pkgconfig pkg-config --modversion rtemem)
grep -q "^Version $ver (see \[CHANGELOG.md\]" "$readme" && ok "README's Status names version $ver" ||
	bad "README's Status does not say 'Version $ver'"
grep -q "^## \[$ver\]\|^## Unreleased ($ver)\|^## Unreleased" "$root/CHANGELOG.md" && ok "CHANGELOG.md has a section for $ver" ||
	bad "CHANGELOG.md has no section for $ver"
exit $fail
