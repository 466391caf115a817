/* A secondary whose address space already holds something where the primary's second memseg
 * list lives attaches the first list, then fails init with EEXIST (and the range in the log),
 * and undoes only what it did itself: the application's own mapping in that range, and
 * everything else in the process, stay intact. (It once unmapped the whole range it had failed
 * to reserve, taking the application's memory and thread stacks with it.) */
#include <stdint.h>
#include <sys/mman.h>
#include <rte_memory.h>
#include "common.h"

static int nth_list(const struct rte_memseg_list *msl, void *arg)
{
	uintptr_t *want = arg; /* [0] = index to find (counts down), [1] = its base out */
	if (msl->external)
		return 0;
	if (want[0]-- == 0) {
		want[1] = (uintptr_t)msl->base_va;
		return 1;
	}
	return 0;
}

static int secondary(uintptr_t base)
{
	/* The application's own page, right where the primary's second list starts. */
	char *mine = mmap((void *)base, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(mine == (char *)base, "map the application's page at %#lx", (unsigned long)base);
	strcpy(mine, "still mine");
	const char *extra[] = { "--proc-type", "secondary" };
	int r = test_eal_init_argv(2, extra, 1);
	CHECK(r < 0 && rte_errno == EEXIST, "init fails with EEXIST (got %d, %s)", r,
	      rte_strerror(rte_errno));
	CHECK(strcmp(mine, "still mine") == 0, "the application's page is untouched");
	/* The rest of the process works: stacks, heap, threads. */
	char *p = malloc(1 << 20);
	CHECK(p != NULL, "libc malloc");
	memset(p, 1, 1 << 20);
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "secondary") == 0)
		return secondary((uintptr_t)strtoull(argv[2], NULL, 0));
	if (!test_have_hugepages()) {
		printf("not run: needs hugepages (--no-huge has a single memseg list)\n");
		return 77;
	}
	CHECK(test_eal_init_argv(0, NULL, 1) >= 0, "primary init: %s", rte_strerror(rte_errno));
	uintptr_t want[2] = { 1, 0 };
	CHECK(rte_memseg_list_walk(nth_list, want) == 1 && want[1] != 0, "a second list");
	char base[32];
	snprintf(base, sizeof(base), "%#lx", (unsigned long)want[1]);
	pid_t pid = test_spawn_self(NULL, "secondary", base, (char *)NULL);
	int st = test_wait(pid, -1);
	CHECK(st == 0, "secondary status %d", st);
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}
