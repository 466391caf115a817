/*
 * Differential test of the EAL's small utilities, built against DPDK 22.11's headers and run on
 * real DPDK and on rtemem: UUIDs, reciprocals, the keepalive state machine, sysfs values,
 * firmware files, rte_eal_parse_coremask, rte_eal_iopl_init, rte_eal_create_uio_dev and
 * rte_eal_mbuf_user_pool_ops (also in a child started with --create-uio-dev and
 * --mbuf-pool-ops-name).
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API
#define ALLOW_INTERNAL_API
#include <sys/stat.h>

#include <rte_eal.h>
#include <rte_keepalive.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_reciprocal.h>
#include <rte_uuid.h>

#include "common.h"

/* Exported by the EAL for bus drivers; declared in DPDK's private headers. */
int eal_parse_sysfs_value(const char *filename, unsigned long *val);
int rte_firmware_read(const char *name, void **buf, size_t *bufsz);

static int sign(int v)
{
	return v < 0 ? -1 : v > 0;
}

static void uuids(void)
{
	static const char *const good[] = {
		"01234567-89ab-cdef-0123-456789abcdef", "01234567-89AB-CDEF-0123-456789ABCDEF",
		"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
		"01234567-89ab-cdef-0123-456789abcdee", "01234568-0000-0000-0000-000000000000",
		"01234567-89ab-cdef-0124-000000000000",
	};
	static const char *const bad[] = {
		"01234567-89ab-cdef-0123-456789abcdeX", "0123456789abcdef0123456789abcdef",
		"01234567-89ab-cdef-0123-456789abcdef0", "01234567-89ab-cdef-0123_456789abcdef",
		"0123456-789ab-cdef-0123-456789abcdef", "01234567-89ab-cdef-0123-456789abcde", "",
		"+1234567-89ab-cdef-0123-456789abcdef", " 1234567-89ab-cdef-0123-456789abcdef",
	};
	rte_uuid_t u[7], init = RTE_UUID_INIT(0x01234567, 0x89ab, 0xcdef, 0x0123, 0x456789abcdefULL);
	rte_uuid_t zero, copy;
	char text[RTE_UUID_STRLEN + 4];

	for (unsigned i = 0; i < RTE_DIM(good); i++) {
		char bytes[64] = "";

		rte_errno = 0;
		int r = rte_uuid_parse(good[i], u[i]);
		for (int b = 0; b < 16; b++)
			sprintf(bytes + 2 * b, "%02x", u[i][b]);
		rte_uuid_unparse(u[i], text, sizeof(text));
		OBS("uuid parse %s => %d errno %d bytes %s unparse %s null %d", good[i], r, rte_errno,
		    bytes, text, rte_uuid_is_null(u[i]));
	}
	for (unsigned i = 0; i < RTE_DIM(good); i++)
		for (unsigned j = 0; j < RTE_DIM(good); j++)
			OBS("uuid compare %u %u => %d", i, j, sign(rte_uuid_compare(u[i], u[j])));
	for (unsigned i = 0; i < RTE_DIM(bad); i++) {
		rte_uuid_t x;

		memset(x, 0xab, sizeof(x));
		rte_errno = 0;
		int r = rte_uuid_parse(bad[i], x);
		OBS("uuid parse \"%s\" => %d errno %d untouched %d", bad[i], r, rte_errno,
		    x[0] == 0xab && x[15] == 0xab);
	}
	OBS("RTE_UUID_INIT equals parse: %d", rte_uuid_compare(init, u[0]) == 0);
	memset(zero, 0, sizeof(zero));
	rte_uuid_copy(copy, u[0]);
	OBS("copy compare %d zero null %d", rte_uuid_compare(copy, u[0]), rte_uuid_is_null(zero));
	for (size_t len = 0; len <= 38; len += (len < 12 ? 1 : 12)) {
		memset(text, '#', sizeof(text));
		text[sizeof(text) - 1] = 0;
		rte_uuid_unparse(u[0], text, len);
		OBS("unparse len %zu => \"%s\"", len, len ? text : "(untouched)");
	}
}

static void reciprocals(void)
{
	static const uint32_t d32[] = { 1, 2, 3, 5, 7, 10, 64, 100, 1000, 65537, 0x7fffffff,
					0x80000000, 0x80000001, 0xfffffffe, 0xffffffff };
	static const uint64_t d64[] = { 1, 2, 3, 7, 1000, 1ULL << 32, (1ULL << 32) + 1,
					1ULL << 40, (1ULL << 40) + 1, 0x123456789abcdefULL,
					UINT64_MAX / 3, 1ULL << 63, (1ULL << 63) + 1, UINT64_MAX };
	static const uint64_t xs[] = { 0, 1, 6, 7, 1000000, 0xffffffffULL, 1ULL << 40,
				       0x8000000000000001ULL, UINT64_MAX };

	for (unsigned i = 0; i < RTE_DIM(d32); i++) {
		struct rte_reciprocal r = rte_reciprocal_value(d32[i]);
		int exact = 1;

		for (unsigned k = 0; k < RTE_DIM(xs); k++)
			exact &= rte_reciprocal_divide((uint32_t)xs[k], r) == (uint32_t)xs[k] / d32[i];
		OBS("reciprocal(%u) m %u sh1 %u sh2 %u exact %d", d32[i], r.m, r.sh1, r.sh2, exact);
	}
	for (unsigned i = 0; i < RTE_DIM(d64); i++) {
		struct rte_reciprocal_u64 r = rte_reciprocal_value_u64(d64[i]);
		int exact = 1;

		for (unsigned k = 0; k < RTE_DIM(xs); k++)
			exact &= rte_reciprocal_divide_u64(xs[k], &r) == xs[k] / d64[i];
		OBS("reciprocal_u64(%llu) m %llu sh1 %u sh2 %u exact %d", (unsigned long long)d64[i],
		    (unsigned long long)r.m, r.sh1, r.sh2, exact);
	}
}

static char dir[256];

static const char *file(const char *name, const char *content, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CHECK(f != NULL, "%s: %s", path, strerror(errno));
	CHECK(fwrite(content, 1, len, f) == len, "write %s", path);
	fclose(f);
	return path;
}

static void sysfs(void)
{
	static const struct {
		const char *name, *content;
	} cases[] = {
		{ "dec", "512\n" }, { "hex", "0x1af4\n" }, { "HEX", "0X1AF4\n" }, { "oct", "010\n" },
		{ "blanks", "  42\nmore\n" }, { "newline", "\n" }, { "minus", "-1\n" },
		{ "plus", "+7\n" }, { "huge", "99999999999999999999999\n" },
		{ "nonl", "12" }, { "trailing", "12 \n" }, { "junk", "abc\n" }, { "0x", "0x\n" },
		{ "float", "1.5\n" }, { "empty", "" }, { "crlf", "5\r\n" },
	};
	unsigned long v;
	char path[512];

	for (unsigned i = 0; i < RTE_DIM(cases); i++) {
		const char *p = file(cases[i].name, cases[i].content, strlen(cases[i].content));

		v = 0xdead;
		rte_errno = 0;
		int r = eal_parse_sysfs_value(p, &v);
		if (r == 0)
			OBS("sysfs %s => 0 errno %d value %lu", cases[i].name, rte_errno, v);
		else
			OBS("sysfs %s => %d errno %d", cases[i].name, r, rte_errno);
	}
	snprintf(path, sizeof(path), "%s/missing", dir);
	rte_errno = 0;
	int r = eal_parse_sysfs_value(path, &v);
	OBS("sysfs missing => %d errno %d", r, rte_errno);
	rte_errno = 0;
	r = eal_parse_sysfs_value(dir, &v);
	OBS("sysfs directory => %d errno %d", r, rte_errno);
	r = eal_parse_sysfs_value("/sys/devices/system/cpu/online", &v);
	OBS("sysfs /sys/devices/system/cpu/online (\"0-1\") => %d", r);
	r = eal_parse_sysfs_value("/proc/self/comm", &v);
	OBS("sysfs /proc/self/comm => %d", r);
}

static void firmware(void)
{
	char big[10000], path[512];
	void *buf;
	size_t sz;
	int r;

	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	file("fw.bin", big, sizeof(big));
	snprintf(path, sizeof(path), "%s/fw.bin", dir);
	buf = NULL;
	sz = 0;
	rte_errno = 0;
	r = rte_firmware_read(path, &buf, &sz);
	OBS("firmware fw.bin => %d errno %d size %zu same %d", r, rte_errno, sz,
	    buf != NULL && sz == sizeof(big) && memcmp(buf, big, sz) == 0);
	free(buf);
	file("empty.bin", "", 0);
	snprintf(path, sizeof(path), "%s/empty.bin", dir);
	buf = NULL;
	sz = 99;
	r = rte_firmware_read(path, &buf, &sz);
	OBS("firmware empty => %d size %zu buf %s", r, sz, buf ? "set" : "NULL");
	free(buf);
	snprintf(path, sizeof(path), "%s/missing", dir);
	buf = (void *)1;
	sz = 99;
	rte_errno = 0;
	r = rte_firmware_read(path, &buf, &sz);
	OBS("firmware missing => %d errno %d size %zu buf %s", r, rte_errno, sz,
	    buf ? "set" : "NULL");
	file("packed.xz", "\xfd" "7zXZ", 5);
	snprintf(path, sizeof(path), "%s/packed", dir);
	buf = (void *)1;
	sz = 99;
	r = rte_firmware_read(path, &buf, &sz);
	OBS("firmware with only a .xz copy => %d size %zu buf %s", r, sz, buf ? "set" : "NULL");
	file("z.zst", "", 0);
	snprintf(path, sizeof(path), "%s/z", dir);
	r = rte_firmware_read(path, &buf, &sz);
	OBS("firmware with only a .zst copy => %d", r);
	buf = (void *)1;
	r = rte_firmware_read(dir, &buf, &sz);
	OBS("firmware directory => %d buf %s", r, buf ? "set" : "NULL");
}

static void coremasks(void)
{
	static const char *const masks[] = {
		"0x3", "3", " 0x3 ", "\t0X5\t", "A", "0xa", "zz", "", "  ", "0x", "0x100",
		"0x 1", "1 1", "0", "0x0", "ffffffffffffffffffffffffffffffff",
		"100000000000000000000000000000000", "1ffffffffffffffffffffffffffffffff",
		"80000000000000000000000000000000", "0xfg",
	};
	int cores[RTE_MAX_LCORE];

	for (unsigned i = 0; i < RTE_DIM(masks); i++) {
		char set[1024] = "";
		size_t n = 0;

		for (int c = 0; c < RTE_MAX_LCORE; c++)
			cores[c] = 7777;
		rte_errno = 0;
		int r = rte_eal_parse_coremask(masks[i], cores);
		for (int c = 0; c < RTE_MAX_LCORE && n < sizeof(set) - 16; c++)
			if (cores[c] != -1)
				n += snprintf(set + n, sizeof(set) - n, " %d:%d", c, cores[c]);
		OBS("parse_coremask \"%s\" => %d errno %d%s", masks[i], r, rte_errno,
		    r == 0 ? set : "");
	}
}

/* Keepalive: what the relay and failure callbacks are told. */
static void on_relay(void *data, const int core, enum rte_keepalive_state state, uint64_t seen)
{
	(void)seen;
	OBS("relay data %p core %d state %d", data, core, (int)state);
}

static void on_failure(void *data, const int core)
{
	OBS("failure data %p core %d", data, core);
}

static int worker_sleep(void *arg)
{
	rte_keepalive_mark_sleep(arg);
	return 0;
}

static int worker_alive(void *arg)
{
	rte_keepalive_mark_alive(arg);
	return 0;
}

static void keepalive(void)
{
	struct rte_keepalive *ka = rte_keepalive_create(on_failure, (void *)0x11);

	CHECK(ka != NULL, "rte_keepalive_create: %d", rte_errno);
	rte_keepalive_register_relay_callback(ka, on_relay, (void *)0x22);
	rte_keepalive_register_core(ka, 0);
	rte_keepalive_register_core(ka, 1);
	rte_keepalive_register_core(ka, RTE_KEEPALIVE_MAXCORES); /* ignored */
	OBS("keepalive: check 1 (nobody marked)");
	rte_keepalive_dispatch_pings(NULL, ka);
	rte_keepalive_mark_alive(ka);
	CHECK(rte_eal_remote_launch(worker_sleep, ka, 1) == 0, "launch");
	CHECK(rte_eal_wait_lcore(1) == 0, "wait");
	for (int i = 2; i <= 6; i++) {
		OBS("keepalive: check %d", i);
		rte_keepalive_dispatch_pings(NULL, ka);
		if (i == 3) {
			CHECK(rte_eal_remote_launch(worker_alive, ka, 1) == 0, "launch");
			CHECK(rte_eal_wait_lcore(1) == 0, "wait");
		}
	}
	rte_keepalive_register_relay_callback(ka, NULL, NULL);
	OBS("keepalive: check 7 (no relay)");
	rte_keepalive_dispatch_pings(NULL, ka);
	rte_free(ka);
}

static int child(void)
{
	const char *extra[] = { "--create-uio-dev", "--mbuf-pool-ops-name", "ring_sp_sc",
				"--file-prefix", NULL };
	char prefix[128];
	const char *ops;

	snprintf(prefix, sizeof(prefix), "%s-c", test_prefix());
	extra[4] = prefix;
	CHECK(test_eal_init_argv(5, extra, 0) >= 0, "rte_eal_init: %d", rte_errno);
	ops = rte_eal_mbuf_user_pool_ops();
	OBS("child: create_uio_dev %d mbuf_user_pool_ops %s same pointer %d",
	    rte_eal_create_uio_dev(), ops ? ops : "(NULL)", ops == rte_eal_mbuf_user_pool_ops());
	CHECK(rte_eal_cleanup() == 0, "rte_eal_cleanup: %d", rte_errno);
	return 0;
}

int main(void)
{
	const char *ops;
	pid_t pid;

	snprintf(dir, sizeof(dir), "/tmp/rtemem-diff-util-%d", (int)getpid());
	CHECK(mkdir(dir, 0700) == 0, "mkdir %s: %s", dir, strerror(errno));

	uuids();
	reciprocals();
	sysfs();
	firmware();
	coremasks();
	OBS("before init: mbuf_user_pool_ops %s create_uio_dev %d",
	    rte_eal_mbuf_user_pool_ops() ? "set" : "(NULL)", rte_eal_create_uio_dev());

	pid = test_fork();
	if (pid == 0)
		_exit(child());
	OBS("child exit %d", test_wait(pid, -1));

	CHECK(test_eal_init() >= 0, "rte_eal_init: %d", rte_errno);
	ops = rte_eal_mbuf_user_pool_ops();
	OBS("after init: mbuf_user_pool_ops %s create_uio_dev %d", ops ? ops : "(NULL)",
	    rte_eal_create_uio_dev());
	OBS("rte_eal_iopl_init %d", rte_eal_iopl_init());
	keepalive();
	CHECK(rte_eal_cleanup() == 0, "rte_eal_cleanup: %d", rte_errno);

	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK(system(cmd) == 0, "%s", cmd);
	}
	return 0;
}
