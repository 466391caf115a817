/* Multi-process IPC (rte_mp_*) compared with DPDK 22.11. The primary registers actions, then
 * fork+execs itself as a secondary of the same --file-prefix. The secondary asks the primary for
 * an echo that carries a pipe end (SCM_RIGHTS), asks for an action nobody registered, sends an
 * async request, and then waits. The primary broadcasts, asks the secondary synchronously and
 * asynchronously, lets it quit, and finally checks that a secondary that died without cleanup
 * is noticed at once: its socket file goes away and nobody waits for it.
 *
 * Output order is deterministic: while one process prints, the other waits for a message. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <time.h>
#include "common.h"

static atomic_int got_ready, got_quit, got_note, async_done;
static char note_param[64];
static char async_param[64];
static int async_sent, async_received, async_rc_errno;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int wait_flag(atomic_int *f, double secs)
{
	double end = now_s() + secs;
	while (!atomic_load(f) && now_s() < end)
		usleep(1000);
	return atomic_load(f);
}

static void fill(struct rte_mp_msg *m, const char *name, const char *param)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	if (param) {
		m->len_param = (int)strlen(param);
		memcpy(m->param, param, m->len_param);
	}
}

static struct timespec ms(long v)
{
	struct timespec t = { v / 1000, (v % 1000) * 1000000L };
	return t;
}

/* Replies "echo:<param>" and, when asked ("fd"), a pipe's read end holding "fdok". */
static int echo_action(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg r;
	char buf[80];
	snprintf(buf, sizeof(buf), "echo:%.*s", msg->len_param, (const char *)msg->param);
	fill(&r, msg->name, buf);
	int p[2] = { -1, -1 };
	if (msg->len_param == 2 && memcmp(msg->param, "fd", 2) == 0 && pipe(p) == 0) {
		if (write(p[1], "fdok", 4) != 4)
			return -1;
		r.num_fds = 1;
		r.fds[0] = p[0];
	}
	int rc = rte_mp_reply(&r, peer);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	return rc;
}

static int flag_action(const struct rte_mp_msg *msg, const void *peer)
{
	(void)peer;
	if (strcmp(msg->name, "p_ready") == 0)
		atomic_store(&got_ready, 1);
	else if (strcmp(msg->name, "s_quit") == 0)
		atomic_store(&got_quit, 1);
	else if (strcmp(msg->name, "s_note") == 0) {
		snprintf(note_param, sizeof(note_param), "%.*s", msg->len_param,
			 (const char *)msg->param);
		atomic_store(&got_note, 1);
	}
	return 0;
}

static int async_cb(const struct rte_mp_msg *req, const struct rte_mp_reply *reply)
{
	(void)req;
	async_sent = reply->nb_sent;
	async_received = reply->nb_received;
	async_param[0] = 0;
	if (reply->nb_received > 0)
		snprintf(async_param, sizeof(async_param), "%.*s", reply->msgs[0].len_param,
			 (const char *)reply->msgs[0].param);
	atomic_store(&async_done, 1);
	return 0;
}

static void sync_req(const char *who, const char *name, const char *param, long timeout_ms)
{
	struct rte_mp_msg m;
	struct rte_mp_reply r;
	fill(&m, name, param);
	struct timespec ts = ms(timeout_ms);
	rte_errno = 0;
	double t0 = now_s();
	int rc = rte_mp_request_sync(&m, &r, &ts);
	double took = now_s() - t0;
	OBS("%s request_sync %s: rc %d errno %d sent %d received %d quick %d", who, name, rc,
	    rc ? rte_errno : 0, r.nb_sent, r.nb_received, took < timeout_ms / 1000.0 / 2);
	for (int i = 0; i < r.nb_received; i++) {
		struct rte_mp_msg *x = &r.msgs[i];
		char buf[8] = "";
		if (x->num_fds == 1) {
			ssize_t n = read(x->fds[0], buf, 4);
			buf[n > 0 ? n : 0] = 0;
			close(x->fds[0]);
		}
		OBS("%s   reply %d: name %s param '%.*s' fds %d fd-read '%s'", who, i, x->name,
		    x->len_param, (const char *)x->param, x->num_fds, buf);
	}
	free(r.msgs);
}

/* With no peer reached, DPDK 22.11 queues the callback but never runs it; rtemem runs it at
 * once. Only the return value is compared then (no_peer = 1). */
static void async_req2(const char *who, const char *name, const char *param, long timeout_ms,
		       int no_peer)
{
	struct rte_mp_msg m;
	fill(&m, name, param);
	struct timespec ts = ms(timeout_ms);
	atomic_store(&async_done, 0);
	rte_errno = 0;
	int rc = rte_mp_request_async(&m, &ts, async_cb);
	if (no_peer) {
		wait_flag(&async_done, 0.2);
		OBS("%s request_async %s (no peer): rc %d", who, name, rc);
		return;
	}
	int done = wait_flag(&async_done, timeout_ms / 1000.0 + 3);
	OBS("%s request_async %s: rc %d callback %d sent %d received %d param '%s'", who, name,
	    rc, done, async_sent, async_received, async_param);
	(void)async_rc_errno;
}

static void async_req(const char *who, const char *name, const char *param, long timeout_ms)
{
	async_req2(who, name, param, timeout_ms, 0);
}

static void send_msg(const char *who, const char *name, const char *param)
{
	struct rte_mp_msg m;
	fill(&m, name, param);
	rte_errno = 0;
	int rc = rte_mp_sendmsg(&m);
	OBS("%s sendmsg %s: rc %d errno %d", who, name, rc, rc ? rte_errno : 0);
}

static int count_sockets(char *first, size_t len)
{
	DIR *d = opendir(rte_eal_get_runtime_dir());
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));) {
		if (strncmp(e->d_name, "mp_socket_", 10) == 0) {
			if (n == 0 && first)
				snprintf(first, len, "%s", e->d_name);
			n++;
		}
	}
	closedir(d);
	return n;
}

/* RTEMEM_TEST_HUGEDIR: a private hugetlbfs mount, for machines where others lock /dev/hugepages. */
static int eal_init(int secondary)
{
	const char *extra[3];
	int n = 0;
	const char *hd = getenv("RTEMEM_TEST_HUGEDIR");
	if (secondary)
		extra[n++] = "--proc-type=secondary";
	if (hd && *hd) {
		extra[n++] = "--huge-dir";
		extra[n++] = hd;
	}
	return test_eal_init_argv(n, extra, test_have_hugepages());
}

static int sec_init(void)
{
	return eal_init(1);
}

static int secondary(void)
{
	CHECK(sec_init() >= 0, "secondary init failed: %s", rte_strerror(rte_errno));
	OBS("sec: process type %d", rte_eal_process_type());
	OBS("sec: rte_mp_disable %d", rte_mp_disable());
	OBS("sec: register s_echo %d", rte_mp_action_register("s_echo", echo_action));
	OBS("sec: register s_note %d", rte_mp_action_register("s_note", flag_action));
	OBS("sec: register s_quit %d", rte_mp_action_register("s_quit", flag_action));
	rte_errno = 0;
	int dup = rte_mp_action_register("s_echo", echo_action);
	OBS("sec: register s_echo again %d errno %d", dup, rte_errno);
	sync_req("sec:", "p_echo", "fd", 5000);
	sync_req("sec:", "p_unknown", "x", 400);
	async_req("sec:", "p_echo", "async", 5000);
	async_req("sec:", "p_unknown", "async", 300);
	/* Print before sending: once p_ready is out, the primary prints too, and the two
	 * processes' lines must not race. */
	OBS("sec: sending p_ready");
	struct rte_mp_msg ready;
	fill(&ready, "p_ready", NULL);
	CHECK(rte_mp_sendmsg(&ready) == 0, "sendmsg p_ready failed: %s", rte_strerror(rte_errno));
	/* the primary prints now; wait for its note and then for the quit message */
	CHECK(wait_flag(&got_quit, 15), "no quit message");
	OBS("sec: got note %d '%s'", atomic_load(&got_note), note_param);
	rte_mp_action_unregister("s_echo");
	rte_eal_cleanup();
	return 0;
}

static int crasher(void)
{
	CHECK(sec_init() >= 0, "secondary init failed: %s", rte_strerror(rte_errno));
	_exit(0); /* no cleanup: the socket file stays behind */
}

static pid_t spawn(const char *role)
{
	return test_spawn_self(NULL, role, (char *)NULL);
}

static int reap(pid_t pid)
{
	return test_wait(pid, -1);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "secondary") == 0)
		return secondary();
	if (argc > 1 && strcmp(argv[1], "crash") == 0)
		return crasher();

	CHECK(eal_init(0) >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	char name64[65];
	memset(name64, 'n', 64);
	name64[64] = 0;
#define REG(label, nm, fn) do { rte_errno = 0; int rc_ = rte_mp_action_register(nm, fn); \
	OBS("%s: rc %d errno %d", label, rc_, rc_ ? rte_errno : 0); } while (0)
	REG("register NULL name", NULL, echo_action);
	REG("register empty name", "", echo_action);
	REG("register 64-byte name", name64, echo_action);
	name64[63] = 0;
	REG("register 63-byte name", name64, echo_action);
	rte_mp_action_unregister(name64);
	REG("register it again after unregister", name64, echo_action);
	rte_mp_action_unregister(name64);
	rte_mp_action_unregister("never-registered");
	REG("register p_echo", "p_echo", echo_action);
	REG("register p_echo again", "p_echo", echo_action);
	REG("register p_ready", "p_ready", flag_action);

	struct rte_mp_msg m;
	int rc;
	fill(&m, "p_echo", NULL);
	m.len_param = RTE_MP_MAX_PARAM_LEN + 1;
	rte_errno = 0;
	rc = rte_mp_sendmsg(&m);
	OBS("sendmsg param too long: rc %d errno %d", rc, rte_errno);
	m.len_param = -1;
	rte_errno = 0;
	rc = rte_mp_sendmsg(&m);
	OBS("sendmsg negative param: rc %d errno %d", rc, rte_errno);
	m.len_param = 0;
	m.num_fds = RTE_MP_MAX_FD_NUM + 1;
	rte_errno = 0;
	rc = rte_mp_sendmsg(&m);
	OBS("sendmsg too many fds: rc %d errno %d", rc, rte_errno);
	fill(&m, "", NULL);
	rte_errno = 0;
	rc = rte_mp_sendmsg(&m);
	OBS("sendmsg empty name: rc %d errno %d", rc, rte_errno);
	fill(&m, "p_echo", NULL);
	rte_errno = 0;
	rc = rte_mp_reply(&m, NULL);
	OBS("reply to NULL peer: rc %d errno %d", rc, rte_errno);

	OBS("mp sockets before secondary: %d", count_sockets(NULL, 0));
	send_msg("pri:", "s_note", "nobody");
	sync_req("pri:", "s_echo", "alone", 1000);
	async_req2("pri:", "s_echo", "alone", 1000, 1);

	pid_t sec = spawn("secondary");
	CHECK(wait_flag(&got_ready, 15), "secondary never got ready");
	char sock[256] = "";
	OBS("mp sockets with secondary: %d", count_sockets(sock, sizeof(sock)));
	int spid = 0;
	unsigned long long tsc = 0;
	OBS("socket named mp_socket_<pid>_<hex>: %d",
	    sscanf(sock, "mp_socket_%d_%llx", &spid, &tsc) == 2 && spid == sec);
	OBS("pri: rte_mp_disable %d", rte_mp_disable());
	send_msg("pri:", "s_note", "bcast");
	sync_req("pri:", "s_echo", "ping", 5000);
	sync_req("pri:", "s_unknown", "x", 400);
	async_req("pri:", "s_echo", "async", 5000);
	async_req("pri:", "s_unknown", "x", 300);
	/* observed after the secondary is gone: it prints once it gets this */
	fill(&m, "s_quit", NULL);
	rc = rte_mp_sendmsg(&m);
	int sec_exit = reap(sec);
	OBS("pri: sendmsg s_quit: rc %d", rc);
	OBS("secondary exit %d", sec_exit);
	OBS("mp sockets after secondary: %d", count_sockets(NULL, 0));

	pid_t crash = spawn("crash");
	OBS("crashed secondary exit %d", reap(crash));
	OBS("mp sockets left by the crashed secondary: %d", count_sockets(NULL, 0));
	sync_req("pri:", "s_echo", "dead", 5000);
	OBS("mp sockets after request to the dead peer: %d", count_sockets(NULL, 0));
	crash = spawn("crash");
	OBS("second crashed secondary exit %d", reap(crash));
	OBS("mp sockets left by a second crashed secondary: %d", count_sockets(NULL, 0));
	send_msg("pri:", "s_note", "dead");
	OBS("mp sockets after message to the dead peer: %d", count_sockets(NULL, 0));
	async_req2("pri:", "s_echo", "dead", 5000, 1);

	rte_mp_action_unregister("p_echo");
	OBS("cleanup %d", rte_eal_cleanup());
	return 0;
}
