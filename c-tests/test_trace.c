/* Trace points as C callers of rtemem's own headers see them, under AddressSanitizer: points
 * registered with <rte_trace_point_register.h> (c-tests/trace_register.c) and recorded by
 * <rte_trace_point.h>'s inline code; the bad-input table (each fails with its errno, a log line,
 * and leaves what is registered alone); a failed or duplicate registration failing rte_eal_init
 * with EFAULT; DISCARD filling a buffer and OVERWRITE wrapping it; the realloc trace sequence;
 * a registered thread's buffer; save and cleanup; emitting after cleanup. */
/* LIBS: c-tests/trace_register.c */
#define ALLOW_EXPERIMENTAL_API
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_trace.h>
#include <rte_trace_point.h>

#include "common.h"
#include "trace_tp.h"

RTE_DECLARE_PER_LCORE(volatile int, trace_point_sz);

static void reg_nothing(void)
{
}

static void reg_one_u64(void)
{
	RTE_PER_LCORE(trace_point_sz) = 8;
	__rte_trace_point_emit_field(8, "v", "uint64_t");
}

static rte_trace_point_t spare_a, spare_b;

/* A child that registers badly (`how`) must then fail rte_eal_init with EFAULT. */
static void child_init_fails(const char *how)
{
	pid_t pid = test_fork();
	if (pid == 0) {
		if (strcmp(how, "ebadf") == 0)
			__rte_trace_point_register(&spare_a, "test.child.nohdr", reg_nothing);
		else
			__rte_trace_point_register(&spare_a, "app.diff.tp", reg_one_u64);
		char prefix[128];
		snprintf(prefix, sizeof(prefix), "%s-%s", test_prefix(), how);
		const char *extra[] = { "--file-prefix", prefix };
		int rc = test_eal_init_argv(2, extra, 0);
		_exit(rc == -1 && rte_errno == EFAULT ? 0 : 1);
	}
	CHECK(test_wait(pid, -1) == 0, "after a %s registration rte_eal_init must fail with EFAULT",
	      how);
}

static struct __rte_trace_header *my_buffer(void)
{
	return (struct __rte_trace_header *)RTE_PER_LCORE(trace_mem);
}

/* Ids of the events in this thread's buffer from byte `from` on. */
static int event_ids(uint32_t from, int *ids, int max)
{
	struct __rte_trace_header *h = my_buffer();
	int n = 0;
	for (uint32_t off = from; off + 8 <= h->offset && n < max;) {
		uint64_t hdr;
		memcpy(&hdr, h->mem + off, 8);
		ids[n++] = (int)(hdr >> 48);
		const char *name = NULL;
		switch (ids[n - 1]) {
		case 19: case 20: off += 64; break; /* mem.zmalloc, mem.malloc */
		case 21: off += 32; break; /* mem.realloc */
		case 22: off += 16; break; /* mem.free */
		default: name = "?"; break;
		}
		if (name)
			break;
		off = (off + 7) & ~7u;
	}
	return n;
}

static void *registered_thread(void *arg)
{
	(void)arg;
	uintptr_t r = 0;
	if (rte_thread_register() == 0 && my_buffer() != NULL)
		r |= 1;
	rte_eal_trace_generic_u64(1);
	rte_thread_unregister();
	if (my_buffer() == NULL)
		r |= 2;
	return (void *)r;
}

int main(void)
{
	/* Registration (constructor, before main) ran the body in register mode. */
	CHECK(app_diff_count == 1, "the body ran once at registration: %d", app_diff_count);
	CHECK((__app_diff_tp & 0xffff) == 110, "event size %llu", (unsigned long long)(__app_diff_tp & 0xffff));
	CHECK(rte_trace_point_lookup("app.diff.tp") == &__app_diff_tp, "lookup finds the word");

	child_init_fails("ebadf");
	child_init_fails("duplicate");

	/* The bad-input table. Failed registrations would fail our own init: do it after. */
	CHECK(rte_trace_point_enable(NULL) == -ERANGE && rte_errno == ERANGE, "enable NULL");
	CHECK(rte_trace_point_disable(NULL) == -ERANGE, "disable NULL");
	rte_trace_point_t fake = 0xffffULL << 16;
	CHECK(rte_trace_point_enable(&fake) == -ERANGE && fake == 0xffffULL << 16,
	      "an unregistered word is refused and left alone");
	CHECK(!rte_trace_point_is_enabled(&fake) && !rte_trace_point_is_enabled(NULL), "is_enabled");
	CHECK(rte_trace_pattern(NULL, true) == -EINVAL && rte_errno == EINVAL, "pattern NULL");
	CHECK(rte_trace_regexp(NULL, true) == -EINVAL, "regexp NULL");
	CHECK(rte_trace_regexp("[", true) == -EINVAL && rte_errno == EINVAL, "regexp [");
	CHECK(rte_trace_regexp("a\\{1", true) == -EINVAL, "regexp a\\{1");
	CHECK(rte_trace_point_lookup(NULL) == NULL, "lookup NULL");
	rte_trace_mode_set((enum rte_trace_mode)7);
	CHECK(rte_trace_mode_get() == RTE_TRACE_MODE_OVERWRITE, "a bad mode is ignored");
	CHECK(rte_trace_metadata_dump(NULL) == -EINVAL, "metadata dump to NULL");
	CHECK(rte_trace_metadata_dump(stdout) == -EINVAL, "metadata before init");
	rte_trace_dump(NULL);
	__rte_trace_point_emit_field(4, NULL, "int32_t");
	CHECK(rte_trace_save() == 0, "nothing to save before any buffer");
	CHECK(!rte_trace_point_is_enabled(&__app_diff_tp), "the point is still there, disabled");

	char dir[] = "/tmp/rtm-ttrace-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	char opt_dir[64];
	snprintf(opt_dir, sizeof(opt_dir), "--trace-dir=%s", dir);
	const char *extra[] = { "--trace=lib.eal.generic", "--trace-bufsz=4K", "--trace-mode=d",
				opt_dir };
	CHECK(test_eal_init_argv(RTE_DIM(extra), extra, 0) >= 0, "rte_eal_init: %s",
	      rte_strerror(rte_errno));
	CHECK(rte_trace_mode_get() == RTE_TRACE_MODE_DISCARD, "--trace-mode=d");
	struct __rte_trace_header *h = my_buffer();
	CHECK(h != NULL && h->len == 4096 && h->stream_header.magic == 0xC1FC1FC1 &&
	      h->stream_header.lcore_id == rte_lcore_id(), "the main lcore's buffer");

	/* DISCARD: the buffer fills and then takes nothing. */
	for (int i = 0; i < 1000; i++)
		rte_eal_trace_generic_u64(i);
	uint32_t full = h->offset;
	CHECK(full <= 4096 && full + 16 >= 4096, "filled to %u of 4096", full);
	rte_eal_trace_generic_u64(1);
	CHECK(h->offset == full, "discard mode: nothing more is written");
	/* OVERWRITE: it wraps. */
	rte_trace_mode_set(RTE_TRACE_MODE_OVERWRITE);
	rte_eal_trace_generic_u64(2);
	CHECK(h->offset == 16, "overwrite mode: wrapped to the start (%u)", h->offset);

	/* Our own point through the inline code, and the NULL-string rule. */
	int before = app_diff_count;
	app_diff_tp("x", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.5f, 2.5, &before, 64);
	CHECK(app_diff_count == before, "disabled: the body does not run");
	CHECK(rte_trace_point_enable(&__app_diff_tp) == 0, "enable");
	app_diff_tp("x", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.5f, 2.5, &before, 64);
	app_diff_tp(NULL, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.5f, 2.5, &before, 64);
	CHECK(app_diff_count == before + 1, "enabled: the body ran, not past a NULL string");

	/* realloc: in place is one realloc event; a move is malloc, free, realloc. */
	CHECK(rte_trace_pattern("lib.eal.mem.*", true) == 1, "enable lib.eal.mem.*");
	char *p = rte_malloc("t", 4096, 0);
	CHECK(p != NULL, "malloc");
	uint32_t from = (h->offset + 7) & ~7u;
	char *q = rte_realloc(p, 1024, 0);
	CHECK(q == p, "shrinking stays in place");
	int ids[8], n = event_ids(from, ids, 8);
	CHECK(n == 1 && ids[0] == 21, "in place: one realloc event (%d events, first id %d)", n, ids[0]);
	char *blocker = rte_malloc("t", 64, 0);
	from = (h->offset + 7) & ~7u;
	char *r = rte_realloc_socket(q, 1 << 20, 4096, SOCKET_ID_ANY);
	CHECK(r != NULL, "grow");
	n = event_ids(from, ids, 8);
	if (r != q)
		CHECK(n == 3 && ids[0] == 20 && ids[1] == 22 && ids[2] == 21,
		      "moved: malloc, free, realloc (%d events)", n);
	else
		CHECK(n == 1 && ids[0] == 21, "grown in place: one realloc event");
	rte_free(r);
	rte_free(blocker);

	/* A registered thread gets a buffer; unregistering frees it. */
	pthread_t t;
	void *res = NULL;
	CHECK(pthread_create(&t, NULL, registered_thread, NULL) == 0 && pthread_join(t, &res) == 0,
	      "thread");
	CHECK((uintptr_t)res == 3, "registered thread: buffer %d, freed %d", (int)((uintptr_t)res & 1),
	      (int)((uintptr_t)res >> 1));

	/* Bad registrations after init: refused, nothing registered is lost. */
	char misaligned[16];
	CHECK(__rte_trace_point_register(NULL, "x", reg_one_u64) == -EINVAL, "register NULL word");
	CHECK(__rte_trace_point_register(&spare_b, NULL, reg_one_u64) == -EINVAL, "register NULL name");
	CHECK(__rte_trace_point_register(&spare_b, "x", NULL) == -EINVAL, "register NULL function");
	CHECK(__rte_trace_point_register((rte_trace_point_t *)(misaligned + 1), "x", reg_one_u64) ==
	      -EINVAL, "register a misaligned word");
	CHECK(__rte_trace_point_register(&spare_b, "test.nohdr", reg_nothing) == -EBADF &&
	      rte_errno == EBADF, "no header");
	CHECK(rte_trace_point_lookup("app.diff.tp") == &__app_diff_tp &&
	      rte_trace_point_is_enabled(&__app_diff_tp), "app.diff.tp intact");

	CHECK(rte_trace_save() == 0, "save");
	CHECK(rte_trace_metadata_dump(stdout) == 0, "metadata dump");
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	CHECK(rte_trace_metadata_dump(stdout) == -EINVAL, "no metadata after cleanup");
	/* The thread's pointer outlives cleanup; the memory behind it stays mapped. */
	rte_eal_trace_generic_u64(3);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0, "rm");
	return 0;
}
