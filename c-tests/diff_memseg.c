/* Memory layout and the rte_memory.h API in every backing mode, compared with DPDK 22.11:
 * memseg lists (count, page size, socket, slots, length), walks, contiguous runs, physmem size,
 * IOVA mode and translation, look-ups, descriptors, DMA masks, events/validators and external
 * memory. Each mode runs in its own process (rte_eal_init runs once per process). */
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <rte_memory.h>
#include "common.h"

static int n_lists, n_segs, n_runs;
static size_t total;
static const struct rte_memseg *first_ms;
static const struct rte_memseg_list *first_msl;

static int list_cb(const struct rte_memseg_list *msl, void *arg)
{
	(void)arg;
	if (msl->external)
		return 0;
	OBS("  list %d: page %" PRIu64 "K socket %d slots %u len %zuM", n_lists++, msl->page_sz >> 10,
	    msl->socket_id, msl->memseg_arr.len, msl->len >> 20);
	return 0;
}

static int seg_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)arg;
	if (msl->external)
		return 0;
	if (!first_ms) {
		first_ms = ms;
		first_msl = msl;
	}
	n_segs++;
	total += ms->len;
	return 0;
}

static int run_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, size_t len, void *arg)
{
	(void)ms;
	(void)len;
	(void)arg;
	if (!msl->external)
		n_runs++;
	return 0;
}

static int stop_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl;
	(void)ms;
	return *(int *)arg;
}

static void dummy_event(enum rte_mem_event t, const void *a, size_t l, void *arg)
{
	(void)t;
	(void)a;
	(void)l;
	(void)arg;
}

static int dummy_validator(int s, size_t c, size_t n)
{
	(void)s;
	(void)c;
	(void)n;
	return 0;
}

static int child(int argc, char **argv)
{
	int legacy = 0, huge = 1;
	for (int i = 0; i < argc; i++) {
		legacy |= strcmp(argv[i], "--legacy-mem") == 0 || strcmp(argv[i], "--no-huge") == 0;
		huge &= strcmp(argv[i], "--no-huge") != 0;
	}
	int ret = test_eal_init_argv(argc, (const char *const *)argv, huge);
	CHECK(ret >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	rte_memseg_list_walk(list_cb, NULL);
	OBS("lists %d", n_lists);
	rte_memseg_walk(seg_cb, NULL);
	rte_memseg_contig_walk(run_cb, NULL);
	/* DPDK's legacy mode lays pages out by physical address, so its run count depends on
	 * the machine; rtemem's equals DPDK's only in the other modes. */
	OBS("segs %d total %zuM physmem %" PRIu64 "M", n_segs, total >> 20,
	    rte_eal_get_physmem_size() >> 20);
	if (!legacy)
		OBS("contiguous runs %d", n_runs);
	int one = 1, minus = -1;
	OBS("walk stop %d, walk error %d", rte_memseg_walk(stop_cb, &one), rte_memseg_walk(stop_cb, &minus));
	OBS("iova mode %d, nchannel %u, nrank %u", rte_eal_iova_mode(), rte_memory_get_nchannel(),
	    rte_memory_get_nrank());
	if (first_ms) {
		const char *a = first_ms->addr;
		OBS("virt2memseg finds the segment: %d, mid-page too: %d",
		    rte_mem_virt2memseg(a, NULL) == first_ms,
		    rte_mem_virt2memseg(a + first_ms->len / 2, first_msl) == first_ms);
		OBS("virt2memseg_list finds the list: %d", rte_mem_virt2memseg_list(a) == first_msl);
		OBS("hugepage_sz %" PRIu64 "K len %zuK socket %d", first_ms->hugepage_sz >> 10,
		    first_ms->len >> 10, first_ms->socket_id);
		OBS("virt2iova == ms->iova: %d, iova2virt back: %d",
		    rte_mem_virt2iova(a) == first_ms->iova, rte_mem_iova2virt(first_ms->iova) == a);
		size_t off = 99;
		int fd = rte_memseg_get_fd(first_ms);
		OBS("get_fd ok %d, offset call %d", fd >= 0, rte_memseg_get_fd_offset(first_ms, &off));
		OBS("lock page %d", rte_mem_lock_page(a));
	}
	int outside = 0;
	OBS("virt2memseg of a stack address: %p, list %p", (void *)rte_mem_virt2memseg(&outside, NULL),
	    (void *)rte_mem_virt2memseg_list(&outside));
	OBS("dma mask 63: %d", rte_mem_check_dma_mask(63));
	rte_errno = 0;
	ret = rte_mem_event_callback_register("diff-cb", dummy_event, NULL);
	OBS("event register %d errno %d", ret, ret < 0 ? rte_errno : 0);
	if (ret == 0) {
		ret = rte_mem_event_callback_register("diff-cb", dummy_event, NULL);
		OBS("event register again %d errno %d", ret, rte_errno);
		OBS("event unregister %d", rte_mem_event_callback_unregister("diff-cb", NULL));
		ret = rte_mem_event_callback_unregister("diff-cb", NULL);
		OBS("event unregister again %d errno %d", ret, rte_errno);
	}
	rte_errno = 0;
	ret = rte_mem_alloc_validator_register("diff-v", dummy_validator, 0, 1 << 30);
	OBS("validator register %d errno %d", ret, ret < 0 ? rte_errno : 0);
	if (ret == 0)
		OBS("validator unregister %d", rte_mem_alloc_validator_unregister("diff-v", 0));

	/* External memory: 4 pages of 4 KiB the application owns. */
	size_t pg = 4096, len = 4 * pg;
	void *ext = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ret = rte_extmem_register(ext, len, NULL, 0, pg);
	OBS("extmem register %d", ret);
	const struct rte_memseg_list *xl = rte_mem_virt2memseg_list(ext);
	OBS("extmem list external %d len %zu page %" PRIu64, xl ? (int)xl->external : -1,
	    xl ? xl->len : 0, xl ? xl->page_sz : 0);
	rte_errno = 0;
	ret = rte_extmem_register(ext, len, NULL, 0, pg);
	OBS("extmem register again %d errno %d", ret, rte_errno);
	rte_errno = 0;
	ret = rte_extmem_register((char *)ext + 1, len, NULL, 0, pg);
	OBS("extmem unaligned %d errno %d", ret, rte_errno);
	OBS("extmem unregister %d", rte_extmem_unregister(ext, len));
	rte_errno = 0;
	ret = rte_extmem_unregister(ext, len);
	OBS("extmem unregister again %d errno %d", ret, rte_errno);
	OBS("physmem unchanged by external memory: %d", rte_eal_get_physmem_size() == total);
	munmap(ext, len);
	rte_eal_cleanup();
	return 0;
}

static void run_mode(const char *mode)
{
	test_run_mode("", mode, child);
}

int main(void)
{
	run_mode("--no-huge");
	run_mode("--no-huge -m 32 -n 4 -r 2");
	if (!test_have_hugepages()) {
		fprintf(stderr, "not run: the hugepage modes (no hugepages)\n");
		return 0;
	}
	run_mode("-m 64");
	run_mode("-m 64 --single-file-segments");
	run_mode("-m 64 --in-memory");
	run_mode("-m 64 --legacy-mem");
	run_mode("-m 64 --iova-mode va");
	run_mode("--socket-mem 32 -n 2");
	/* 1 GiB pages, where the machine has a free one mounted at /dev/hugepages1G. */
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "r");
	int free1g = 0;
	if (f) {
		if (fscanf(f, "%d", &free1g) != 1)
			free1g = 0;
		fclose(f);
	}
	if (free1g >= 1 && access("/dev/hugepages1G", F_OK) == 0) {
		run_mode("--huge-dir /dev/hugepages1G -m 1024");
		run_mode("--huge-dir /dev/hugepages1G -m 1024 --single-file-segments");
	} else {
		fprintf(stderr, "no free 1 GiB hugepage: 1 GiB modes not run\n");
	}
	return 0;
}
