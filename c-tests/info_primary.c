/* Primary for c-tests/sh_info.sh: gives rtemem-info something to show.
 *   info_primary <eal args...>
 * Initialises as a primary, reserves the memzones info_zone_a (1 MiB) and info_zone_b
 * (64 KiB, IOVA-contiguous), makes three rte_malloc allocations on socket heaps, creates the
 * external heap "info_ext" over 4 MiB of anonymous memory and allocates 64 KiB from it, then
 * prints "ready" and waits. On SIGTERM it checks that its zones and blocks are intact (the
 * inspector must not have disturbed them), prints "intact", frees everything and exits 0 after
 * rte_eal_cleanup. Exit 3: init failed; 4: setup failed; 5: something was disturbed; 6: no
 * SIGTERM came within HOLD_MAX_S seconds (the test is gone: clean up and give up). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#define EXT_LEN (4u << 20)

#define HOLD_MAX_S 300

static volatile sig_atomic_t stop, expired;

static void on_term(int sig)
{
	if (sig == SIGALRM)
		expired = 1;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		printf("init failed: errno %d: %s\n", rte_errno, rte_strerror(rte_errno));
		return 3;
	}
	signal(SIGTERM, on_term);
	const struct rte_memzone *a = rte_memzone_reserve("info_zone_a", 1 << 20, SOCKET_ID_ANY, 0);
	const struct rte_memzone *b = rte_memzone_reserve("info_zone_b", 64 << 10, SOCKET_ID_ANY,
							  RTE_MEMZONE_IOVA_CONTIG);
	void *blk[3] = {rte_malloc("info", 100, 0), rte_zmalloc("info", 10000, 64),
			rte_malloc("info", 300000, 4096)};
	if (!a || !b || !blk[0] || !blk[1] || !blk[2]) {
		printf("setup failed: errno %d: %s\n", rte_errno, rte_strerror(rte_errno));
		return 4;
	}
	memset(a->addr, 0xa5, a->len);
	memset(blk[2], 0x5a, 300000);
	void *ext = mmap(NULL, EXT_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *eblk = NULL;
	if (ext == MAP_FAILED || rte_malloc_heap_create("info_ext") < 0 ||
	    rte_malloc_heap_memory_add("info_ext", ext, EXT_LEN, NULL, EXT_LEN / 4096, 4096) < 0 ||
	    (eblk = rte_malloc_socket("info", 64 << 10, 0, rte_malloc_heap_get_socket("info_ext"))) == NULL) {
		printf("external heap setup failed: errno %d: %s\n", rte_errno, rte_strerror(rte_errno));
		return 4;
	}
	printf("ready pid=%d ext_socket=%d\n", getpid(), rte_malloc_heap_get_socket("info_ext"));
	fflush(stdout);
	signal(SIGALRM, on_term);
	alarm(HOLD_MAX_S);
	while (!stop)
		pause();
	int bad = rte_memzone_lookup("info_zone_a") != a || rte_memzone_lookup("info_zone_b") != b;
	for (size_t i = 0; i < a->len && !bad; i++)
		bad = ((unsigned char *)a->addr)[i] != 0xa5;
	for (size_t i = 0; i < 300000 && !bad; i++)
		bad = ((unsigned char *)blk[2])[i] != 0x5a;
	printf("%s\n", bad ? "disturbed" : "intact");
	for (int i = 0; i < 3; i++)
		rte_free(blk[i]);
	rte_free(eblk);
	rte_memzone_free(a);
	rte_memzone_free(b);
	if (rte_malloc_heap_memory_remove("info_ext", ext, EXT_LEN) < 0 ||
	    rte_malloc_heap_destroy("info_ext") < 0)
		printf("external heap teardown failed: errno %d\n", rte_errno);
	if (rte_eal_cleanup() < 0)
		return 4;
	return bad ? 5 : expired ? 6 : 0;
}
