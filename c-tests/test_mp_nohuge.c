/* Secondaries of a --no-huge primary (rtemem only: DPDK 22.11 refuses them). The primary's
 * memory is a memfd that a secondary gets over IPC, so this runs without any hugepage:
 * - a secondary started without --no-huge takes it from the primary, one started with it
 *   attaches the same way;
 * - the primary's memzone contents are visible in the secondary; a block the secondary
 *   allocates is readable in the primary, and each side frees the other's blocks;
 * - with hugepages, a --no-huge secondary of a hugepage primary is refused at init (EINVAL). */
#include <stdint.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include "common.h"

#define BLK (1 << 20)

struct box {
	char greeting[32];
	char *from_secondary;
	char *from_primary;
};

static int filled(const char *p, char v)
{
	for (size_t i = 0; i < BLK; i += 512)
		if (p[i] != v)
			return 0;
	return p[BLK - 1] == v;
}

static int secondary(int rfd, int wfd, int pass_no_huge)
{
	const char *extra[] = { "--proc-type", "secondary" };
	/* use_huge = 1 adds no --no-huge flag: the mode must come from the primary */
	CHECK(test_eal_init_argv(2, extra, !pass_no_huge) >= 0, "secondary init: %s",
	      rte_strerror(rte_errno));
	CHECK(rte_eal_process_type() == RTE_PROC_SECONDARY, "is a secondary");
	CHECK(rte_eal_has_hugepages() == 0, "the secondary runs in the primary's --no-huge mode");
	const struct rte_memzone *mz = rte_memzone_lookup("nh_box");
	CHECK(mz != NULL, "the primary's zone is visible");
	struct box *b = mz->addr;
	CHECK(strcmp(b->greeting, "from the primary") == 0, "zone contents: '%.31s'", b->greeting);
	CHECK(rte_mem_virt2memseg(b, NULL) != NULL, "the zone's memseg is known here");
	char *p = rte_malloc(NULL, BLK, 0);
	CHECK(p != NULL, "secondary allocation: %s", rte_strerror(rte_errno));
	memset(p, 0x5a, BLK);
	b->from_secondary = p;
	CHECK(test_send_byte(wfd, 'r') == 0, "ready");
	CHECK(test_recv_byte(rfd) == 'g', "go");
	CHECK(filled(b->from_primary, (char)0xa5), "the primary's block is readable here");
	rte_free(b->from_primary);
	CHECK(test_send_byte(wfd, 'd') == 0, "done");
	rte_eal_cleanup();
	return 0;
}

static void run_secondary(struct box *b, int pass_no_huge)
{
	struct test_link sec;
	pid_t pid = test_spawn_self(&sec, "secondary", pass_no_huge ? "1" : "0", (char *)NULL);
	CHECK(test_recv_byte(sec.from) == 'r', "secondary ready (flag %d)", pass_no_huge);
	CHECK(filled(b->from_secondary, 0x5a), "the secondary's block is readable in the primary");
	rte_free(b->from_secondary);
	b->from_secondary = NULL;
	char *q = rte_malloc(NULL, BLK, 0);
	CHECK(q != NULL, "primary allocation");
	memset(q, 0xa5, BLK);
	b->from_primary = q;
	CHECK(test_send_byte(sec.to, 'g') == 0, "go");
	CHECK(test_recv_byte(sec.from) == 'd', "secondary done");
	int st = test_wait(pid, -1);
	CHECK(st == 0, "secondary exit status %d", st);
	test_link_close(&sec);
}

static int primary_no_huge(int argc, char **argv)
{
	(void)argc, (void)argv;
	const char *extra[] = { "-m", "32" };
	CHECK(test_eal_init_argv(2, extra, 0) >= 0, "primary init: %s", rte_strerror(rte_errno));
	const struct rte_memzone *mz = rte_memzone_reserve("nh_box", sizeof(struct box), SOCKET_ID_ANY, 0);
	CHECK(mz != NULL, "box zone");
	struct box *b = mz->addr;
	memset(b, 0, sizeof(*b));
	strcpy(b->greeting, "from the primary");
	run_secondary(b, 0);
	run_secondary(b, 1);
	void *again = rte_malloc(NULL, 4096, 0);
	CHECK(again != NULL, "the primary's heap still works");
	rte_free(again);
	CHECK(rte_memzone_free(mz) == 0, "free the zone");
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}

/* A --no-huge secondary of a hugepage primary is refused with EINVAL. */
static int conflict(int argc, char **argv)
{
	(void)argc, (void)argv;
	CHECK(test_eal_init_argv(0, NULL, 1) >= 0, "hugepage primary init: %s",
	      rte_strerror(rte_errno));
	pid_t pid = test_spawn_self(NULL, "conflicting-secondary", (char *)NULL);
	int st = test_wait(pid, -1);
	CHECK(st == 0, "the conflicting secondary was refused (%d)", st);
	rte_eal_cleanup();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "secondary") == 0)
		return secondary(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc >= 2 && strcmp(argv[1], "conflicting-secondary") == 0) {
		const char *extra[] = { "--proc-type", "secondary" };
		int r = test_eal_init_argv(2, extra, 0);
		CHECK(r < 0 && rte_errno == EINVAL, "refused with EINVAL (got %d, %s)", r,
		      rte_strerror(rte_errno));
		return 0;
	}
	pid_t pid = test_fork();
	if (pid == 0)
		_exit(primary_no_huge(0, NULL));
	int st = test_wait(pid, -1);
	CHECK(st == 0, "--no-huge primary with two secondaries (status %d)", st);
	if (!test_have_hugepages()) {
		printf("not run: the conflict check needs hugepages\n");
		return 0;
	}
	pid = test_fork();
	if (pid == 0)
		_exit(conflict(0, NULL));
	st = test_wait(pid, -1);
	CHECK(st == 0, "--no-huge secondary of a hugepage primary (status %d)", st);
	return 0;
}
