/* Primary and secondary sharing memory, compared with DPDK 22.11, in the default,
 * --single-file-segments and --legacy-mem modes: memory a secondary allocates (growing the heap
 * with new pages) is readable in the primary as soon as the allocation returned; memory the
 * primary allocates while a secondary runs is readable there at once; each side frees the
 * other's blocks; zones, pointers and a DPDK ring cross processes.
 * Legacy mode runs on the default hugepage size's mount alone (--huge-dir, in both processes):
 * with mounts of two sizes, DPDK 22.11's legacy secondary can fail to open the primary's pages.
 * Every wait for the other process is bounded (common.h), so a failing side fails the test at
 * once instead of hanging it. */
/* LIBS: -lrte_ring */
#include <stdint.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_ring.h>
#include "common.h"

#define BIG (16 << 20)

struct box {
	char *from_secondary;
	char *from_primary;
};

static int check_fill(const char *p, char v, size_t n)
{
	for (size_t i = 0; i < n; i += 4096)
		if (p[i] != v || p[n - 1] != v)
			return 0;
	return 1;
}

static int secondary(int rfd, int wfd, const char *huge_dir)
{
	const char *extra[] = { "--proc-type", "secondary", "--huge-dir", huge_dir };
	CHECK(test_eal_init_argv(huge_dir[0] ? 4 : 2, extra, test_have_hugepages()) >= 0,
	      "secondary init: %s", rte_strerror(rte_errno));
	const struct rte_memzone *mz = rte_memzone_lookup("mp_box");
	CHECK(mz != NULL, "box zone visible in the secondary");
	struct box *b = mz->addr;
	struct rte_ring *r = rte_ring_lookup("mp_ring");
	CHECK(r != NULL, "the primary's ring visible in the secondary");
	for (long i = 1; i <= 100; i++)
		CHECK(rte_ring_enqueue(r, (void *)i) == 0, "enqueue %ld", i);
	char *p = rte_malloc(NULL, BIG, 0);
	CHECK(p != NULL, "secondary allocation");
	memset(p, 0x5a, BIG);
	b->from_secondary = p;
	CHECK(test_send_byte(wfd, 'r') == 0, "ready");
	CHECK(test_recv_byte(rfd) == 'g', "go");
	/* The primary allocated while this process was running. */
	printf("@ sec: primary's block readable %d\n", check_fill(b->from_primary, (char)0xa5, BIG));
	rte_free(b->from_primary);
	printf("@ sec: freed the primary's block\n");
	fflush(stdout);
	CHECK(test_send_byte(wfd, 'd') == 0, "done");
	rte_eal_cleanup();
	return 0;
}

static int primary(int argc, char **argv)
{
	const char *args[40];
	const char *huge_dir = "";
	int n = 0;
	for (int i = 0; i < argc && n < 38; i++) {
		args[n++] = argv[i];
		if (strcmp(argv[i], "--legacy-mem") == 0) {
			huge_dir = test_default_huge_dir();
			CHECK(huge_dir != NULL, "no hugetlbfs mount of the default page size");
		}
	}
	if (huge_dir[0]) {
		args[n++] = "--huge-dir";
		args[n++] = huge_dir;
	}
	CHECK(test_eal_init_argv(n, args, 1) >= 0, "primary init: %s", rte_strerror(rte_errno));
	struct rte_ring *ring = rte_ring_create("mp_ring", 256, SOCKET_ID_ANY, 0);
	CHECK(ring != NULL, "ring");
	const struct rte_memzone *mz = rte_memzone_reserve("mp_box", sizeof(struct box), SOCKET_ID_ANY, 0);
	CHECK(mz != NULL, "box zone");
	struct box *b = mz->addr;
	memset(b, 0, sizeof(*b));

	struct test_link sec;
	pid_t pid = test_spawn_self(&sec, "secondary", huge_dir, (char *)NULL);
	CHECK(test_recv_byte(sec.from) == 'r', "secondary ready");
	long sum = 0;
	void *v;
	while (rte_ring_dequeue(ring, &v) == 0)
		sum += (long)v;
	OBS("pri: ring carried the secondary's items: %d", sum == 5050);
	OBS("pri: secondary's block readable %d", check_fill(b->from_secondary, 0x5a, BIG));
	rte_free(b->from_secondary);
	OBS("pri: freed the secondary's block");
	char *q = rte_malloc(NULL, BIG, 0);
	CHECK(q != NULL, "primary allocation");
	memset(q, 0xa5, BIG);
	b->from_primary = q;
	CHECK(test_send_byte(sec.to, 'g') == 0, "go");
	CHECK(test_recv_byte(sec.from) == 'd', "secondary done");
	OBS("pri: secondary exit %d", test_wait(pid, -1));
	test_link_close(&sec);
	char *again = rte_malloc(NULL, 4096, 0);
	OBS("pri: heap still works %d", again != NULL);
	rte_free(again);
	rte_ring_free(ring);
	rte_memzone_free(mz);
	rte_eal_cleanup();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "secondary") == 0)
		return secondary(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (!test_have_hugepages()) {
		/* DPDK has no secondaries of --no-huge primaries: nothing to compare */
		fprintf(stderr, "not run: needs hugepages (DPDK 22.11 has no --no-huge secondaries)\n");
		return 77;
	}
	test_run_mode("", "", primary);
	test_run_mode("", "--single-file-segments", primary);
	test_run_mode("", "--legacy-mem -m 128", primary);
	return 0;
}
