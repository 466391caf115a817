#!/usr/bin/env bash
# check::layers: the crate's folders are layers, and a module imports only from its own layer or
# the ones below it. Reads every `use crate::...`, `crate::x::` and `$crate::x::` path (grouped
# imports and `super::` paths included; comments and string literals are skipped) in src/, and
# fails naming the file, the line and the upward import. Test code is held to the same order.
# Also fails on a libc or nix *function call* outside src/sys/: a call, a `use nix::`, an import
# of a libc function, or a hand-written `extern "C"` declaration of a C library function
# (libc's constants and types are fine anywhere; #[cfg(test)] code and test-only files may call
# libc directly).
#
# Usage: scripts/check-layers.sh [src dir]     exit 0 = clean, 1 = violations (listed)
#        scripts/check-layers.sh --self-test    checks the checker on a tree of known violations
set -u
cd "$(dirname "$0")/.."
if [ "${1:-}" = --self-test ]; then
	t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
	mkdir -p "$t/src/base" "$t/src/mem" "$t/src/sys" "$t/src/foo"
	printf 'pub mod base;\npub mod mem;\n' >"$t/src/lib.rs"
	cat >"$t/src/base/mod.rs" <<-'EOF'
		use super::mem::memseg; // up through super
		pub mod clean;
		#[cfg(test)]
		mod tests;
	EOF
	cat >"$t/src/base/clean.rs" <<-'EOF'
		//! Mentions crate::mem::memseg in a comment only.
		use crate::sys::page_size;
		const S: &str = "crate::malloc::x and libc::mmap(";
		fn f() -> usize { let _: libc::c_int = libc::EINVAL; page_size() }
		#[cfg(test)]
		mod tests {
		    fn t() { let _ = unsafe { libc::getpid() }; }
		}
	EOF
	cat >"$t/src/base/tests.rs" <<-'EOF'
		fn t() { let _ = unsafe { libc::getpid() }; }
	EOF
	cat >"$t/src/mem/mod.rs" <<-'EOF'
		use crate::{base::log, malloc::{Heap, X}};
		fn g() { let p = unsafe { libc::mmap(0 as _, 0, 0, 0, 0, 0) }; }
		fn h() { let n = libc::off_t::try_from(3u64); let _ = $crate::mp::y; }
		extern "C" { fn vasprintf(); fn rtemem__own(); }
		use nix::fcntl::Flock;
	EOF
	cat >"$t/src/sys/mod.rs" <<-'EOF'
		pub fn page_size() -> usize { unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize } }
	EOF
	echo 'use crate::base::log;' >"$t/src/foo/mod.rs"
	cat >"$t/want" <<-'EOF'
		src/base/mod.rs:1: base (layer 6) imports super::mem from mem (layer 7), above it
		src/foo/mod.rs: 'foo' is not in the layer table of scripts/check-layers.sh
		src/mem/mod.rs:1: mem (layer 7) imports crate::malloc::{Heap, X} from malloc (layer 9), above it
		src/mem/mod.rs:2: call of libc::mmap() outside src/sys/: add a wrapper to sys
		src/mem/mod.rs:3: mem (layer 7) imports crate::mp from mp (layer 12), above it
		src/mem/mod.rs:4: declaration of the C library's vasprintf outside src/sys/: add a wrapper to sys
		src/mem/mod.rs:5: use of nix outside src/sys/: add a wrapper to sys
	EOF
	(cd "$t" && perl -x "$OLDPWD/$0" src) | grep -v '^check-layers:' | sort >"$t/got"
	if diff -u "$t/want" "$t/got"; then
		echo "check-layers self-test: every planted violation found, nothing else"
		exit 0
	fi
	echo "check-layers self-test failed"
	exit 1
fi
exec perl -x "$0" "${1:-src}"
#!perl
use strict;
use warnings;
use File::Find;

# ---- the layer table, bottom to top ----------------------------------------------------------
# One name per folder (or top-level file) of src/. Later layers that have no code yet keep their
# place so the order is fixed before they arrive.
my @LAYERS = (
    'error',        #  0  Error / Result / err!
    'sys',          #  1  the only code that calls libc or nix
    'abi',          #  2  DPDK's public layouts; rtemem's shared layouts
    'options',      #  3  argv -> EalConfig; value parsers
    'config',       #  4  the process's EalConfig and EalState
    'sync',         #  5  process-shared robust locks
    'base',         #  6  rte_errno, log, lcores, tailqs, runtime dir, mcfg, ...
    'mem',          #  7  hugepages, fbarray, memseg lists, page allocation, page sync trait
    'heap',         #  8  the allocator core
    'malloc',       #  9  rte_malloc semantics
    'memzone',      # 10  memzones
    'intr',         # 11  (reserved) interrupts, alarms
    'mp',           # 12  rte_mp IPC; implements mem's page sync
    'trace',        # 13  trace init, CTF metadata, rte_trace_save
    'telemetry',    # 14  (reserved)
    'service',      # 15  (reserved)
    'dev',          # 16  buses, devices, drivers, classes, devargs, hotplug
    'init',         # 17  rte_eal_init / rte_eal_cleanup: wires the layers
    'ffi',          # 18  extern "C" shims only
);
my %LAYER;
@LAYER{@LAYERS} = (0 .. $#LAYERS);
# Macros exported at the crate root (#[macro_export]) and the layer that defines them.
my %ROOT_MACRO = (err => 'error', eal_log => 'base');
# libc items that may be imported by name: types and constants, never functions.
my $LIBC_TYPE = qr/^(?:c_\w+|\w+_t|[A-Z_0-9]+|FILE|stat|pollfd|flock|timespec|iovec|msghdr|cmsghdr|sockaddr\w*|rlimit)$/;

my $root = shift @ARGV;
my @files;
find({ wanted => sub { push @files, $File::Find::name if /\.rs$/ }, no_chdir => 1 }, $root);
@files = sort @files;

my (%test_file, @problems);

# Replaces comments, string and char literals by blanks, keeping every newline (line numbers).
sub strip {
    my ($s) = @_;
    my $out = '';
    my $n = length $s;
    my $i = 0;
    while ($i < $n) {
        my $c = substr($s, $i, 1);
        my $two = substr($s, $i, 2);
        if ($two eq '//') {
            my $e = index($s, "\n", $i);
            $e = $n if $e < 0;
            $out .= ' ' x ($e - $i);
            $i = $e;
        } elsif ($two eq '/*') {
            my $depth = 0;
            my $j = $i;
            while ($j < $n) {
                my $t = substr($s, $j, 2);
                if ($t eq '/*') { $depth++; $j += 2; next }
                if ($t eq '*/') { $depth--; $j += 2; last if $depth == 0; next }
                $j++;
            }
            (my $blank = substr($s, $i, $j - $i)) =~ s/[^\n]/ /g;
            $out .= $blank;
            $i = $j;
        } elsif (substr($s, $i) =~ /^(b?r(#*)")/ && ($i == 0 || substr($s, $i - 1, 1) !~ /\w/)) {
            my ($open, $hashes) = ($1, $2);
            my $close = '"' . $hashes;
            my $e = index($s, $close, $i + length $open);
            $e = $n - length($close) if $e < 0;
            my $j = $e + length $close;
            (my $blank = substr($s, $i, $j - $i)) =~ s/[^\n]/ /g;
            $out .= $blank;
            $i = $j;
        } elsif ($c eq '"') {
            my $j = $i + 1;
            while ($j < $n) {
                my $d = substr($s, $j, 1);
                if ($d eq '\\') { $j += 2; next }
                last if $d eq '"';
                $j++;
            }
            $j++;
            (my $blank = substr($s, $i, $j - $i)) =~ s/[^\n]/ /g;
            $out .= $blank;
            $i = $j;
        } elsif ($c eq "'" && substr($s, $i) =~ /^('(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'\n])')/) {
            $out .= ' ' x length $1;
            $i += length $1;
        } else {
            $out .= $c;
            $i++;
        }
    }
    return $out;
}

sub line_of { my ($s, $pos) = @_; return 1 + (substr($s, 0, $pos) =~ tr/\n//) }

# Module path segments of a file: src/a/b.rs -> (a, b); src/a/mod.rs -> (a); src/lib.rs -> ().
sub module_of {
    my ($f) = @_;
    (my $rel = $f) =~ s{^\Q$root\E/}{};
    $rel =~ s{\.rs$}{};
    my @seg = split m{/}, $rel;
    pop @seg if @seg && ($seg[-1] eq 'mod' || $seg[-1] eq 'lib');
    return @seg;
}

# Directory that holds the files of `mod x;` declared in $f.
sub child_dir {
    my ($f) = @_;
    (my $d = $f) =~ s{/[^/]+$}{};
    return $d if $f =~ m{/(?:mod|lib)\.rs$};
    (my $stem = $f) =~ s{\.rs$}{};
    return $stem;
}

# [start, end) byte ranges of #[cfg(test)] items in stripped text.
sub test_ranges {
    my ($s, $f) = @_;
    my @r;
    while ($s =~ /#\[cfg\(test\)\]/g) {
        my $start = $-[0];
        my $j = $+[0];
        my $n = length $s;
        # Skip further attributes, then find the item's end: `;` or the matching `}`.
        while ($j < $n) {
            my $c = substr($s, $j, 1);
            last if $c eq '{' || $c eq ';';
            $j++;
        }
        my $item = substr($s, $+[0], $j - $+[0]);
        if ($j < $n && substr($s, $j, 1) eq ';') {
            if ($item =~ /\bmod\s+(\w+)\s*$/) {
                my $d = child_dir($f);
                $test_file{"$d/$1.rs"} = 1;
                $test_file{"$d/$1/mod.rs"} = 1;
                $test_file{$_} = 1 for grep { index($_, "$d/$1/") == 0 } @files;
            }
            push @r, [$start, $j + 1];
            next;
        }
        my $depth = 0;
        while ($j < $n) {
            my $c = substr($s, $j, 1);
            $depth++ if $c eq '{';
            if ($c eq '}') { $depth--; if ($depth == 0) { $j++; last } }
            $j++;
        }
        push @r, [$start, $j];
    }
    return @r;
}

sub in_ranges {
    my ($pos, $r) = @_;
    for (@$r) { return 1 if $pos >= $_->[0] && $pos < $_->[1] }
    return 0;
}

# Top-level names of a `{a, b::c, d::{e, f}}` group.
sub group_heads {
    my ($g) = @_;
    my (@heads, $depth, $cur);
    $depth = 0; $cur = '';
    for my $c (split //, $g) {
        if ($c eq '{') { $depth++; $cur .= $c if $depth > 1; next }
        if ($c eq '}') { $depth--; $cur .= $c if $depth > 0; next }
        if ($c eq ',' && $depth == 1) { push @heads, $cur; $cur = ''; next }
        $cur .= $c;
    }
    push @heads, $cur;
    return grep { length } map { s/^\s+|\s+$//gr } @heads;
}

my %stripped;
for my $f (@files) {
    open my $fh, '<', $f or die "$f: $!";
    local $/;
    my $text = <$fh>;
    close $fh;
    $stripped{$f} = strip($text);
}
my %ranges;
# Declarations first, so that test-only files are known before they are checked.
$ranges{$_} = [test_ranges($stripped{$_}, $_)] for @files;

for my $f (@files) {
    my @mod = module_of($f);
    next unless @mod;    # lib.rs declares the layers
    my $s = $stripped{$f};
    my $r = $ranges{$f};
    my $is_test = $test_file{$f} || 0;
    my $me = $mod[0];
    unless (exists $LAYER{$me}) {
        push @problems, "$f: '$me' is not in the layer table of scripts/check-layers.sh";
        next;
    }
    my $mine = $LAYER{$me};
    my $check = sub {
        my ($pos, $target, $shown) = @_;
        my $layer = exists $LAYER{$target} ? $target : $ROOT_MACRO{$target};
        my $line = line_of($s, $pos);
        if (!defined $layer) {
            push @problems, "$f:$line: '$shown': '$target' is not in the layer table";
            return;
        }
        if ($LAYER{$layer} > $mine) {
            push @problems, "$f:$line: $me (layer $mine) imports $shown from $layer (layer $LAYER{$layer}), above it";
        }
    };
    # crate::{a, b::c} groups.
    while ($s =~ /(?<![\w:])\$?crate::\{/g) {
        my $start = $-[0];
        my $j = $+[0] - 1;
        my ($depth, $k) = (0, $j);
        while ($k < length $s) {
            my $c = substr($s, $k, 1);
            $depth++ if $c eq '{';
            if ($c eq '}') { $depth--; last if $depth == 0 }
            $k++;
        }
        my $group = substr($s, $j, $k - $j + 1);
        for my $h (group_heads($group)) {
            my ($first) = $h =~ /^(\w+)/ or next;
            next if $first eq 'self';
            $check->($start, $first, "crate::$h");
        }
    }
    # crate::x paths.
    while ($s =~ /(?<![\w:])\$?crate::(\w+)/g) {
        $check->($-[0], $1, "crate::$1");
    }
    # super::x paths that climb out of the layer (only from a layer's top file).
    my $depth = scalar @mod;
    while ($s =~ /(?<![\w:])((?:super::)+)(\w+)/g) {
        my ($pos, $supers, $target) = ($-[0], $1, $2);
        my $ups = () = $supers =~ /super/g;
        my $d = $depth + (in_ranges($pos, $r) ? 1 : 0);
        next if $ups < $d;
        $check->($pos, $target, "super::$target");
    }

    # libc / nix function calls outside sys/.
    next if $me eq 'sys' || $is_test;
    my $flag = sub {
        my ($pos, $what) = @_;
        return if in_ranges($pos, $r);
        push @problems, sprintf("%s:%d: %s outside src/sys/: add a wrapper to sys", $f, line_of($s, $pos), $what);
    };
    while ($s =~ /(?<![\w:])((libc|nix)((?:::\w+)*)::([a-z_]\w*))\s*(?:::<[^>]*>)?\s*\(/g) {
        my ($pos, $path, $crate, $mid) = ($-[0], $1, $2, $3);
        # libc::off_t::try_from(..) is a method of a type, not a C function.
        next if $crate eq 'libc' && $mid =~ /::(?:\w+_t|c_\w+)\b/;
        $flag->($pos, "call of $path()");
    }
    while ($s =~ /(?<![\w:])use\s+nix::/g) {
        $flag->($-[0], 'use of nix');
    }
    while ($s =~ /(?<![\w:])use\s+libc::([^;]+);/g) {
        my ($pos, $items) = ($-[0], $1);
        $items =~ s/[{}]//g;
        for my $it (map { s/^\s+|\s+$//gr } split /,/, $items) {
            next if $it eq '' || $it =~ $LIBC_TYPE;
            $flag->($pos, "import of libc::$it");
        }
    }
    # `extern "C" { ... }` (the "C" is blanked with the other string literals).
    while ($s =~ /\bextern\s*\{([^}]*)\}/g) {
        my ($pos, $body) = ($-[0], $1);
        while ($body =~ /\b(?:fn|static(?:\s+mut)?)\s+(\w+)/g) {
            next if $1 =~ /^rtemem__/;    # our own C shim (csrc/)
            $flag->($pos, "declaration of the C library's $1");
        }
    }
}

if (@problems) {
    print "$_\n" for @problems;
    printf "check-layers: %d problem(s); the layer order is in scripts/check-layers.sh\n", scalar @problems;
    exit 1;
}
printf "check-layers: %d files, no upward import, no libc/nix call outside src/sys/\n", scalar @files;
exit 0;
