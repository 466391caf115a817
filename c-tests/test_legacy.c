/* --legacy-mem with real hugepages and IOVA as PA: pages sorted by physical address, so that
 * inside every virtually contiguous run the IOVAs are contiguous too, and runs are separated
 * by a gap. Exits 77 (not run) without hugepages or physical addresses, except under CI. */
#include <stdint.h>
#include <rte_memory.h>
#include "common.h"

static int runs, segs;
static uint64_t last_iova;

static int check_run(const struct rte_memseg_list *msl, const struct rte_memseg *ms, size_t len, void *arg)
{
	(void)arg;
	if (msl->external)
		return 0;
	runs++;
	size_t n = len / msl->page_sz;
	for (size_t i = 0; i < n; i++) {
		const struct rte_memseg *s = ms + i;
		CHECK(s->iova == ms->iova + i * msl->page_sz, "run at %p: segment %zu is not IOVA-contiguous", ms->addr, i);
		segs++;
	}
	CHECK(ms->iova > last_iova || runs == 1, "runs are not in physical order");
	last_iova = ms->iova;
	return 0;
}

int main(void)
{
	const char *ci = getenv("CI");
	int must = ci && strcmp(ci, "true") == 0;
	if (!test_have_hugepages() || geteuid() != 0) {
		printf("needs hugepages and root (physical addresses)\n");
		return must ? 1 : 77;
	}
	const char *extra[] = { "--legacy-mem", "-m", "64", "--iova-mode", "pa" };
	CHECK(test_eal_init_argv(5, extra, 1) >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	CHECK(rte_eal_iova_mode() == RTE_IOVA_PA, "IOVA as PA");
	rte_memseg_contig_walk(check_run, NULL);
	CHECK(segs == 32, "32 pages of 2 MiB, got %d", segs);
	printf("legacy layout: %d pages in %d IOVA-contiguous runs\n", segs, runs);
	rte_eal_cleanup();
	return 0;
}
