/*
 * Shared helpers for rtemem's C tests.
 *
 * The same sources build against rtemem's include/ (test_*.c) and against Debian's DPDK 22.11
 * headers (diff_*.c, run on both implementations). Only DPDK header names are used here.
 *
 *   OBS(fmt, ...)    an observation: a line "@ ..." that the differential runner compares
 *   CHECK(cond, ...) an assertion: prints the reason and exits 1 when cond is false
 *   test_eal_init()  rte_eal_init with this test's own --file-prefix and memory mode
 *
 * Processes: a test that needs more than one process starts them here, never with a bare
 * fork/waitpid/read, so that no wait between processes is unbounded and no child outlives its
 * parent:
 *   test_fork()            fork; the child gets SIGKILL when its parent dies (PR_SET_PDEATHSIG)
 *   test_spawn_self()      test_fork + exec of this binary in a role, optionally with a pipe
 *                          pair (struct test_link) whose ends the child gets as argv[2], argv[3]
 *   test_wait()            waitpid with a deadline; on expiry the child is killed and reaped
 *   test_read(), test_recv_byte()  a pipe read with a deadline: never blocks past it
 * Every deadline is test_wait_ms() (RTEMEM_TEST_WAIT_MS, default 60 s) unless told otherwise.
 */
#ifndef RTEMEM_TEST_COMMON_H
#define RTEMEM_TEST_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
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

/* ---- processes: spawning, bounded waits ---------------------------------------------------- */

/* How long any wait for another process of the test may last (ms). */
static inline int test_wait_ms(void)
{
	const char *v = getenv("RTEMEM_TEST_WAIT_MS");
	int ms = v && *v ? atoi(v) : 0;
	return ms > 0 ? ms : 60000;
}

static inline long long test_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * fork(), and in the child: SIGKILL when the parent dies, so that no child outlives a parent
 * that failed a CHECK or was killed by the runner's timeout. (PR_SET_PDEATHSIG fires when the
 * forking thread exits: call this from the thread that lives as long as the child should.)
 * Returns what fork returns; a fork failure fails the test.
 */
static inline pid_t test_fork(void)
{
	pid_t parent = getpid();
	fflush(NULL); /* nothing buffered is printed twice */
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
			_exit(126);
		if (getppid() != parent) /* the parent died before the prctl */
			_exit(126);
	}
	return pid;
}

/* The parent's ends of the two pipes to a child started by test_spawn_self. */
struct test_link {
	int to;   /* the parent writes, the child reads (its argv[2]) */
	int from; /* the child writes (its argv[3]), the parent reads */
};

/*
 * Starts this binary again as "<prog> role [rfd wfd] args..." (args: NULL-terminated) with
 * test_fork. With `link`, two pipes are made; the child's ends are argv[2] and argv[3] and the
 * parent keeps only its own ends, so that each side reads end-of-file as soon as the other dies.
 * Returns the child's pid.
 */
static inline pid_t test_spawn_self(struct test_link *link, const char *role, ...)
{
	int down[2] = { -1, -1 }, up[2] = { -1, -1 };
	if (link) {
		CHECK(pipe(down) == 0 && pipe(up) == 0, "pipes: %s", strerror(errno));
		for (int i = 0; i < 2; i++)
			CHECK(fcntl(down[i], F_SETFD, FD_CLOEXEC) == 0 &&
			      fcntl(up[i], F_SETFD, FD_CLOEXEC) == 0, "FD_CLOEXEC: %s", strerror(errno));
	}
	pid_t pid = test_fork();
	if (pid == 0) {
		char rfd[16], wfd[16], self[4096];
		const char *argv[32];
		int n = 0;
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[len > 0 ? len : 0] = '\0';
		argv[n++] = len > 0 ? self : "test";
		argv[n++] = role;
		if (link) {
			/* only the child's own ends survive the exec */
			if (fcntl(down[0], F_SETFD, 0) != 0 || fcntl(up[1], F_SETFD, 0) != 0)
				_exit(126);
			snprintf(rfd, sizeof(rfd), "%d", down[0]);
			snprintf(wfd, sizeof(wfd), "%d", up[1]);
			argv[n++] = rfd;
			argv[n++] = wfd;
		}
		va_list ap;
		va_start(ap, role);
		for (const char *a; n < 31 && (a = va_arg(ap, const char *)) != NULL;)
			argv[n++] = a;
		va_end(ap);
		argv[n] = NULL;
		execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	if (link) {
		close(down[0]);
		close(up[1]);
		link->to = down[1];
		link->from = up[0];
	}
	return pid;
}

static inline void test_link_close(struct test_link *link)
{
	close(link->to);
	close(link->from);
	link->to = link->from = -1;
}

/* A wait status as one number: the exit code, or 128 + the signal. */
static inline int test_status_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/*
 * Waits at most `ms` for child `pid` to end. Returns test_status_code of its status, or -1
 * when it did not end in time: then it has been killed (SIGKILL) and reaped, and a line on
 * stderr says so. A negative `ms` means test_wait_ms().
 */
static inline int test_wait(pid_t pid, int ms)
{
	long long end = test_now_ms() + (ms < 0 ? test_wait_ms() : ms);
	int st = 0;
	for (long pause = 1;; pause = pause < 50 ? pause * 2 : 50) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return test_status_code(st);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "waitpid %d: %s\n", (int)pid, strerror(errno));
			return -1;
		}
		if (test_now_ms() >= end)
			break;
		usleep(pause * 1000);
	}
	fprintf(stderr, "process %d still running after %d ms: killed\n", (int)pid,
		ms < 0 ? test_wait_ms() : ms);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return -1;
}

/*
 * Reads `len` bytes from `fd` within `ms` (negative: test_wait_ms()). Returns how many it got:
 * `len`, or fewer when the writers closed the pipe (end of file: 0 if nothing came); -1 on
 * timeout or error (with a line on stderr).
 */
static inline ssize_t test_read(int fd, void *buf, size_t len, int ms)
{
	long long end = test_now_ms() + (ms < 0 ? test_wait_ms() : ms);
	size_t got = 0;
	while (got < len) {
		long long left = end - test_now_ms();
		if (left <= 0) {
			fprintf(stderr, "read from fd %d: nothing for %d ms\n", fd,
				ms < 0 ? test_wait_ms() : ms);
			return -1;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, (int)left);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n <= 0)
			continue;
		ssize_t r = read(fd, (char *)buf + got, len - got);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* One byte from `fd` within test_wait_ms(), or -1 (timeout, end of file or error). */
static inline int test_recv_byte(int fd)
{
	unsigned char c;
	return test_read(fd, &c, 1, -1) == 1 ? c : -1;
}

/* Writes one byte; a writer never blocks on these pipes (they are empty or nearly so). */
static inline int test_send_byte(int fd, char c)
{
	return write(fd, &c, 1) == 1 ? 0 : -1;
}

/*
 * The hugetlbfs mount of the system's default hugepage size (the first one in /proc/mounts),
 * or NULL. Multi-process runs in legacy mode pin their page size with --huge-dir <it>: with
 * mounts of two sizes, DPDK 22.11's legacy secondary can fail to find the primary's pages.
 */
static inline const char *test_default_huge_dir(void)
{
	static char dir[256];
	char line[512];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	if (kb == 0 || !(f = fopen("/proc/mounts", "r")))
		return NULL;
	const char *found = NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char dev[64], mnt[256], type[32], opts[256];
		if (sscanf(line, "%63s %255s %31s %255s", dev, mnt, type, opts) != 4 ||
		    strcmp(type, "hugetlbfs") != 0)
			continue;
		const char *ps = strstr(opts, "pagesize=");
		unsigned long v = kb;
		char unit = 'K';
		if (ps && sscanf(ps + 9, "%lu%c", &v, &unit) >= 1) {
			if (unit == 'M')
				v <<= 10;
			else if (unit == 'G')
				v <<= 20;
			else if (unit != 'K' && unit != 'k')
				v >>= 10;
		}
		if (v == kb) {
			snprintf(dir, sizeof(dir), "%s", mnt);
			found = dir;
		}
	}
	fclose(f);
	return found;
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
	pid_t pid = test_fork();
	if (pid == 0)
		_exit(child(n, args));
	OBS("exit %d", test_wait(pid, -1));
}

#endif
