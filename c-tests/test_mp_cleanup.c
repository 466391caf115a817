/* rte_eal_cleanup never hangs in a process whose IPC peers die or stop. cleanup stops the
 * rte_mp_handle thread and joins it; that thread sleeps in poll() and must always learn that it
 * has to stop.
 * - Full send buffer: a primary whose datagrams sit in a stopped secondary's queue has no room
 *   left to send anything, not even to itself (its send buffer is made small to get there
 *   quickly). It used to wake its IPC thread with a datagram to its own socket: that send
 *   failed, the thread slept on, and cleanup waited in pthread_join forever.
 * - Hammer: rounds of a primary with secondaries that request and answer all the time; some are
 *   killed, one is stopped, and the primary cleans up at once, with requests still pending.
 * Each primary runs in its own process (rte_eal_init runs once per process) and must end within
 * a bound; cleanup itself must take less than CLEANUP_MAX_MS. IPC only: the secondaries do not
 * allocate, so no lock of the memory layer is involved. */
#include <signal.h>
#include <stdint.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>
#include "common.h"

#define ROUNDS 20
#define SECONDARIES 3
#define CLEANUP_MAX_MS 4000
#define ROUND_MAX_MS 30000

static void fill(struct rte_mp_msg *m, const char *name)
{
	memset(m, 0, sizeof(*m));
	strlcpy(m->name, name, sizeof(m->name));
	m->len_param = 8;
}

static int echo(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg r;
	fill(&r, msg->name);
	return rte_mp_reply(&r, peer);
}

static int on_async(const struct rte_mp_msg *req, const struct rte_mp_reply *reply)
{
	(void)req, (void)reply;
	return 0;
}

/* Secondary: answers tmc_ping, and asks the primary for tmc_echo until it is killed (or its
 * parent dies: PR_SET_PDEATHSIG). */
static int secondary(int rfd, int wfd)
{
	(void)rfd;
	const char *extra[] = { "--proc-type", "secondary" };
	CHECK(test_eal_init_argv(2, extra, test_have_hugepages()) >= 0, "secondary init: %s",
	      rte_strerror(rte_errno));
	CHECK(rte_mp_action_register("tmc_ping", echo) == 0, "register");
	CHECK(test_send_byte(wfd, 'r') == 0, "ready");
	struct rte_mp_msg m;
	fill(&m, "tmc_echo");
	struct timespec ts = { 0, 100 * 1000000L };
	for (long long end = test_now_ms() + test_wait_ms(); test_now_ms() < end;) {
		struct rte_mp_reply r;
		if (rte_mp_request_sync(&m, &r, &ts) == 0)
			free(r.msgs);
		else
			usleep(10 * 1000); /* the primary is gone or busy */
	}
	return 0;
}

/* Waits until `pid` is stopped (SIGSTOP takes effect asynchronously). */
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

/* This process's IPC socket: the one bound to <runtime dir>/mp_socket. */
static int mp_socket_fd(struct sockaddr_un *addr)
{
	DIR *d = opendir("/proc/self/fd");
	CHECK(d != NULL, "/proc/self/fd");
	int found = -1;
	for (struct dirent *e; found < 0 && (e = readdir(d));) {
		int fd = atoi(e->d_name);
		socklen_t len = sizeof(*addr);
		memset(addr, 0, sizeof(*addr));
		if (e->d_name[0] == '.' || getsockname(fd, (struct sockaddr *)addr, &len) != 0 ||
		    addr->sun_family != AF_UNIX)
			continue;
		size_t n = strlen(addr->sun_path);
		if (n >= 10 && strcmp(addr->sun_path + n - 10, "/mp_socket") == 0)
			found = fd;
	}
	closedir(d);
	return found;
}

static pid_t spawn_secondary(struct test_link *link)
{
	pid_t pid = test_spawn_self(link, "secondary", (char *)NULL);
	CHECK(test_recv_byte(link->from) == 'r', "secondary %d ready", (int)pid);
	return pid;
}

static long long timed_cleanup(void)
{
	long long t0 = test_now_ms();
	CHECK(rte_eal_cleanup() == 0, "cleanup: %s", rte_strerror(rte_errno));
	return test_now_ms() - t0;
}

/* The primary's send buffer is full when cleanup runs. */
static int full_send_buffer(int argc, char **argv)
{
	(void)argc, (void)argv;
	CHECK(test_eal_init_argv(0, NULL, test_have_hugepages()) >= 0, "primary init: %s",
	      rte_strerror(rte_errno));
	struct test_link link;
	pid_t sec = spawn_secondary(&link);
	CHECK(kill(sec, SIGSTOP) == 0 && stopped(sec), "stop the secondary");
	struct sockaddr_un self;
	int fd = mp_socket_fd(&self);
	CHECK(fd >= 0, "found the IPC socket");
	int tiny = 1; /* the kernel rounds it up to its minimum */
	CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &tiny, sizeof(tiny)) == 0, "SO_SNDBUF");
	/* Messages to the stopped secondary pile up in its queue, charged to our send buffer,
	 * until a send fails (after waiting for room). */
	struct rte_mp_msg m;
	fill(&m, "tmc_note");
	int sent = 0;
	while (sent < 20 && rte_mp_sendmsg(&m) == 0)
		sent++;
	CHECK(sent < 20, "the stopped secondary's queue never filled");
	/* The condition that lost the wake-up: nothing can be sent, not even to ourselves. */
	char b = 0;
	ssize_t r = sendto(fd, &b, 1, MSG_DONTWAIT, (struct sockaddr *)&self, sizeof(self));
	CHECK(r < 0 && errno == EAGAIN, "our own socket still takes a datagram (%zd, %s)", r,
	      strerror(errno));
	long long ms = timed_cleanup();
	printf("full send buffer: %d messages queued, cleanup took %lld ms\n", sent, ms);
	CHECK(ms < CLEANUP_MAX_MS, "cleanup took %lld ms", ms);
	kill(sec, SIGKILL);
	test_wait(sec, -1);
	return 0;
}

/* One hammer round: peers busy, then dying or stopped, and cleanup at once. */
static int hammer_round(int argc, char **argv)
{
	int round = argc > 0 ? atoi(argv[0]) : 0;
	CHECK(test_eal_init_argv(0, NULL, test_have_hugepages()) >= 0, "primary init: %s",
	      rte_strerror(rte_errno));
	CHECK(rte_mp_action_register("tmc_echo", echo) == 0, "register");
	struct test_link link[SECONDARIES];
	pid_t sec[SECONDARIES];
	for (int i = 0; i < SECONDARIES; i++)
		sec[i] = spawn_secondary(&link[i]);
	struct rte_mp_msg m;
	fill(&m, "tmc_ping");
	struct timespec ts = { 0, 200 * 1000000L };
	CHECK(rte_mp_request_async(&m, &ts, on_async) == 0, "async request: %s",
	      rte_strerror(rte_errno));
	usleep(1000 * (round * 7 % 40)); /* the secondaries' requests keep the IPC thread busy */
	kill(sec[0], SIGKILL);
	if (round % 2)
		kill(sec[1], SIGKILL);
	else
		kill(sec[1], SIGSTOP);
	/* some traffic to the dead and the stopped, and a request left pending at cleanup */
	fill(&m, "tmc_note");
	for (int i = 0; i < 3; i++)
		rte_mp_sendmsg(&m);
	fill(&m, "tmc_ping");
	ts.tv_nsec = 0;
	ts.tv_sec = 5;
	rte_mp_request_async(&m, &ts, on_async);
	long long ms = timed_cleanup();
	CHECK(ms < CLEANUP_MAX_MS, "round %d: cleanup took %lld ms", round, ms);
	for (int i = 0; i < SECONDARIES; i++) {
		kill(sec[i], SIGKILL);
		test_wait(sec[i], -1);
		test_link_close(&link[i]);
	}
	return 0;
}

static void run(const char *what, int (*fn)(int, char **), int round)
{
	char arg[16];
	char *argv[] = { arg, NULL };
	int st;
	snprintf(arg, sizeof(arg), "%d", round);
	pid_t pid = test_fork();
	if (pid == 0)
		_exit((st = fn(1, argv), fflush(NULL), st));
	st = test_wait(pid, ROUND_MAX_MS);
	CHECK(st == 0, "%s %d: exit %d (-1: hung, killed after %d ms)", what, round, st,
	      ROUND_MAX_MS);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "secondary") == 0)
		return secondary(atoi(argv[2]), atoi(argv[3]));
	/* A page sync that a stopped secondary cannot answer must not eat the cleanup bound. */
	setenv("RTEMEM_SYNC_TIMEOUT_MS", "300", 1);
	long long t0 = test_now_ms();
	run("full send buffer", full_send_buffer, 0);
	for (int round = 0; round < ROUNDS; round++)
		run("hammer round", hammer_round, round);
	printf("%d hammer rounds, %lld ms in all\n", ROUNDS, test_now_ms() - t0);
	return 0;
}
