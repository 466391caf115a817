/* A secondary that misses a page sync (stopped past the sync timeout) must never keep reading
 * an old page where another process now has a new one. The primary frees a block while the
 * secondary is stopped (the sync times out), then allocates again at once while the secondary
 * wakes up and answers the old request late. A late answer must not pass for the new one, and
 * the secondary must end up seeing the new contents at the block's address. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <rte_malloc.h>
#include "common.h"

#define BIG (8 << 20)

/* Secondary: answers "read the byte at this address" requests from the pipe. */
static int secondary(int rfd, int wfd)
{
	const char *extra[] = { "--proc-type", "secondary" };
	CHECK(test_eal_init_argv(2, extra, 1) >= 0, "secondary init: %s", rte_strerror(rte_errno));
	uintptr_t a;
	unsigned char c = 'r';
	CHECK(write(wfd, &c, 1) == 1, "ready");
	while (test_read(rfd, &a, sizeof(a), -1) == sizeof(a) && a) {
		const unsigned char *p = (const unsigned char *)a;
		c = p[0] == p[BIG / 2] && p[0] == p[BIG - 1] ? p[0] : 0;
		CHECK(write(wfd, &c, 1) == 1, "answer");
	}
	rte_eal_cleanup();
	return 0;
}

/* Waits until process `pid` is stopped (SIGSTOP takes effect asynchronously). */
static int stopped(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 2000; i++) {
		FILE *f = fopen(path, "r");
		if (!f)
			return 0;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = 0;
		const char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'T')
			return 1;
		usleep(1000);
	}
	return 0;
}

static unsigned char ask(int to, int from, const void *p)
{
	uintptr_t a = (uintptr_t)p;
	unsigned char c = 0;
	CHECK(write(to, &a, sizeof(a)) == sizeof(a), "ask");
	CHECK(test_read(from, &c, 1, -1) == 1, "answer");
	return c;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "secondary") == 0)
		return secondary(atoi(argv[2]), atoi(argv[3]));
	if (!test_have_hugepages()) {
		printf("not run: needs hugepages (--no-huge memory never changes after init)\n");
		return 77;
	}
	setenv("RTEMEM_SYNC_TIMEOUT_MS", "600", 1);
	CHECK(test_eal_init_argv(0, NULL, 1) >= 0, "primary init: %s", rte_strerror(rte_errno));
	struct test_link link;
	pid_t sec = test_spawn_self(&link, "secondary", (char *)NULL);
	CHECK(test_recv_byte(link.from) == 'r', "secondary ready");

	void *warm = rte_malloc(NULL, 64, 0); /* small blocks get a region of their own */
	CHECK(warm != NULL, "warm-up");
	unsigned char *a = NULL;
	int attempt;
	for (attempt = 0; attempt < 10; attempt++) {
		a = rte_malloc(NULL, BIG, 0);
		CHECK(a != NULL, "first block");
		memset(a, 0xaa, BIG);
		CHECK(ask(link.to, link.from, a) == 0xaa, "the secondary reads the first block");
		struct rte_malloc_socket_stats before, after;
		CHECK(rte_malloc_get_socket_stats(0, &before) == 0, "stats");
		/* The secondary misses the free: its sync times out. */
		CHECK(kill(sec, SIGSTOP) == 0 && stopped(sec), "stop");
		rte_free(a);
		CHECK(rte_malloc_get_socket_stats(0, &after) == 0, "stats");
		if (after.heap_totalsz_bytes < before.heap_totalsz_bytes)
			break; /* the pages went back: the case to test */
		/* the block's region held something else too: try again */
		CHECK(kill(sec, SIGCONT) == 0, "continue");
	}
	CHECK(attempt < 10, "a freed block's pages never went back to the pool");
	/* It wakes up while the next allocation's sync waits, and answers the old request first. */
	pid_t waker = test_fork();
	if (waker == 0) {
		usleep(200 * 1000);
		kill(sec, SIGCONT);
		_exit(0);
	}
	unsigned char *b = NULL;
	int tries;
	for (tries = 0; tries < 5 && !b; tries++)
		b = rte_malloc(NULL, BIG, 0);
	CHECK(b != NULL, "second block after %d tries", tries);
	memset(b, 0xbb, BIG);
	CHECK(test_wait(waker, -1) == 0, "waker");
	unsigned char got = ask(link.to, link.from, b);
	CHECK(got == 0xbb, "the secondary reads the new block's contents (got %#x%s)", got,
	      b == a ? ", same address as the freed block" : "");
	printf("second block %s the freed one's address, %d tries, %d attempts\n",
	       b == a ? "at" : "not at", tries, attempt + 1);

	rte_free(b);
	rte_free(warm);
	uintptr_t zero = 0;
	CHECK(write(link.to, &zero, sizeof(zero)) == sizeof(zero), "stop the secondary");
	int st = test_wait(sec, -1);
	CHECK(st == 0, "secondary status %d", st);
	test_link_close(&link);
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}
