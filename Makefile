# rtemem: build, test, install.
#
#   make            build/lib/librte_eal.so.23, librtemem.so.0, librtemem.a, pkg-config files,
#                   build/bin/rtemem-info
#   make test       every test tier; ends with "N passed, M failed"
#   make demo       builds examples/ and runs the demo
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean
#
# DPDK_PC_DIR=<dir>  the installed DPDK 22.11 whose libdpdk.pc rtemem's libdpdk.pc chains to for
#                    the non-EAL libraries (default: the one pkg-config finds; none: EAL only).

CARGO     ?= cargo
CC        ?= cc
PREFIX    ?= /usr/local
DESTDIR   ?=
# rtemem's own version (Cargo.toml), and the DPDK release it implements (include/rte_build_config.h,
# which the compiler checks against the Rust constants in rtemem.h).
VERSION   := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
DPDK_VERSION := $(shell sed -n 's/^.define RTE_VER_\(YEAR\|MONTH\|MINOR\) \([0-9]*\).*/\2/p' include/rte_build_config.h | paste -sd.)
ABI       := abi/librte_eal.so.23.symbols
BUILD     := build
LIBDIR    := $(BUILD)/lib
STATIC    := target/release/librtemem.a
SYSLIBS   := -lpthread -ldl -lm -lrt -lgcc_s -lutil -lc

.PHONY: all lib tool cargo-build test demo install clean check-abi check-header bench

all: lib tool

cargo-build:
	$(CARGO) build --release --quiet

$(STATIC): cargo-build

lib: $(STATIC) $(ABI) scripts/mkmap.sh scripts/mkpc.sh
	@mkdir -p $(LIBDIR)/pkgconfig
	scripts/mkmap.sh $(STATIC) $(ABI) $(BUILD)
	$(CC) -shared -o $(LIBDIR)/librte_eal.so.23 -Wl,-soname,librte_eal.so.23 \
		-Wl,--whole-archive $(STATIC) -Wl,--no-whole-archive \
		-Wl,--version-script=$(BUILD)/librte_eal.map -Wl,--undefined-version \
		-Wl,--gc-sections -Wl,--no-undefined -Wl,-z,now -Wl,-z,relro $(SYSLIBS)
	ln -sf librte_eal.so.23 $(LIBDIR)/librte_eal.so
	$(CC) -shared -o $(LIBDIR)/librtemem.so.0 -Wl,-soname,librtemem.so.0 \
		-Wl,--whole-archive $(STATIC) -Wl,--no-whole-archive \
		-Wl,--version-script=$(BUILD)/librtemem.map -Wl,--undefined-version \
		-Wl,--gc-sections -Wl,--no-undefined -Wl,-z,now -Wl,-z,relro $(SYSLIBS)
	ln -sf librtemem.so.0 $(LIBDIR)/librtemem.so
	cp $(STATIC) $(LIBDIR)/librtemem.a
	scripts/mkpc.sh $(LIBDIR)/pkgconfig $(abspath $(BUILD)) $(abspath $(LIBDIR)) $(abspath include) \
		$(VERSION) $(DPDK_VERSION) $(abspath include)

tool: $(BUILD)/bin/rtemem-info

# rtemem-info links librtemem.so.0 (it uses rtemem_info_*) and finds it next door, in the build
# tree and once installed.
$(BUILD)/bin/rtemem-info: tools/rtemem-info.c lib
	@mkdir -p $(BUILD)/bin
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -include rte_config.h $< -o $@ \
		-L$(LIBDIR) -lrtemem -Wl,-rpath,'$$ORIGIN/../lib' -lpthread

check-abi: lib
	scripts/check-abi.sh $(LIBDIR)/librte_eal.so.23 $(ABI)

check-header: lib
	git diff --exit-code -- include/rtemem.h || { echo "include/rtemem.h is stale: run make and commit it"; exit 1; }

test: lib tool
	scripts/run-tests.sh

demo: lib
	scripts/demo.sh

bench: lib
	bench/run.sh

install: lib tool
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/rtemem $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(LIBDIR)/librte_eal.so.23 $(LIBDIR)/librtemem.so.0 $(DESTDIR)$(PREFIX)/lib/
	install -m 0644 $(LIBDIR)/librtemem.a $(DESTDIR)$(PREFIX)/lib/
	install -m 0755 $(BUILD)/bin/rtemem-info $(DESTDIR)$(PREFIX)/bin/
	ln -sf librte_eal.so.23 $(DESTDIR)$(PREFIX)/lib/librte_eal.so
	ln -sf librtemem.so.0 $(DESTDIR)$(PREFIX)/lib/librtemem.so
	install -m 0644 include/*.h $(DESTDIR)$(PREFIX)/include/rtemem/
	scripts/mkpc.sh $(DESTDIR)$(PREFIX)/lib/pkgconfig $(PREFIX) $(PREFIX)/lib $(PREFIX)/include/rtemem \
		$(VERSION) $(DPDK_VERSION) $(abspath include)

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
