/*
 * Shared helpers for rtemem's C tests.
 *
 * The same sources build against rtemem's include/ (test_*.c) and against Debian's DPDK 22.11
 * headers (diff_*.c, run on both implementations). Only DPDK header names are used here.
 *
 *   OBS(fmt, ...)    an observation: a line "@ ..." that the differential runner compares
 *   CHECK(cond, ...) an assertion: prints the reason and exits 1 when cond is false
 *   test_eal_init()  rte_eal_init with this test's own --file-prefix and memory mode
 */
#ifndef RTEMEM_TEST_COMMON_H
#define RTEMEM_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>

#define OBS(...) do { printf("@ " __VA_ARGS__); printf("\n"); fflush(stdout); } while (0)

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		exit(1); \
	} \
} while (0)

/* The --file-prefix this run must use (the runner makes it unique per test and side). */
static inline const char *test_prefix(void)
{
	const char *p = getenv("RTEMEM_TEST_PREFIX");
	return p && *p ? p : "rtemem-test";
}

/* True when the runner found reserved hugepages and a hugetlbfs mount. */
static inline int test_have_hugepages(void)
{
	const char *h = getenv("RTEMEM_TEST_HUGE");
	return h && strcmp(h, "1") == 0;
}

/*
 * Builds "prog -l 0-1 --file-prefix P [--no-huge] --no-pci --no-telemetry <extra...>" and calls
 * rte_eal_init. Returns its result.
 */
static inline int test_eal_init_argv(int nextra, const char *const *extra, int use_huge)
{
	static char *argv[64];
	int argc = 0;

	argv[argc++] = (char *)"rtemem-test";
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)"0-1";
	argv[argc++] = (char *)"--file-prefix";
	argv[argc++] = (char *)test_prefix();
	if (!use_huge)
		argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-telemetry";
#ifdef __SANITIZE_ADDRESS__
	/* ASan's shadow memory covers DPDK's default base (4 GiB), so the memseg lists would land
	 * wherever the kernel puts them, often where a secondary already has something: put them
	 * in a range ASan leaves alone in every process. */
	argv[argc++] = (char *)"--base-virtaddr";
	argv[argc++] = (char *)"0x300000000000";
#endif
	for (int i = 0; i < nextra && argc < 63; i++)
		argv[argc++] = (char *)extra[i];
	argv[argc] = NULL;
	return rte_eal_init(argc, argv);
}

static inline int test_eal_init(void)
{
	return test_eal_init_argv(0, NULL, test_have_hugepages());
}

/*
 * Runs child(argc, argv) in a forked process with the EAL arguments "<fixed> <mode>" (split at
 * spaces), OBServing the mode and the child's exit status: rte_eal_init runs once per process,
 * so each mode needs its own.
 */
static inline void test_run_mode(const char *fixed, const char *mode, int (*child)(int, char **))
{
	char buf[512];
	char *args[32];
	int n = 0;
	snprintf(buf, sizeof(buf), "%s %s", fixed, mode);
	for (char *t = strtok(buf, " "); t && n < 31; t = strtok(NULL, " "))
		args[n++] = t;
	args[n] = NULL;
	OBS("mode: %s", mode[0] ? mode : "(default)");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child(n, args));
	int st = 0;
	waitpid(pid, &st, 0);
	OBS("exit %d", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

#endif
