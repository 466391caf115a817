/* Interrupts and alarms as C callers see them, under AddressSanitizer:
 * - the bad-input table: NULL handles, negative and out-of-range indexes, handle types that
 *   cannot do what is asked, descriptors epoll cannot watch, a vector count beyond the arrays,
 *   alarms with a zero or huge delay or no callback. Each fails DPDK's way (return value and
 *   rte_errno) with exactly one log line naming the function, and nothing registered before
 *   is lost: an interrupt callback and an alarm set beforehand still fire afterwards;
 * - calls that would hang DPDK return: unregister_sync and an epoll DEL from the callback
 *   they concern;
 * - a SHARED instance allocated by the primary is read and written by a secondary (rtemem
 *   runs --no-huge secondaries, so this needs no hugepage). */
#define ALLOW_EXPERIMENTAL_API 1
#define ALLOW_INTERNAL_API 1
#include <stdatomic.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <rte_alarm.h>
#include <rte_epoll.h>
#include <rte_interrupts.h>
#include <rte_log.h>
#include <rte_memzone.h>

#include "common.h"

/* ---- log capture: every failing call must say why, in one line ------------------------------ */

static FILE *cap;
static char *cap_buf;
static size_t cap_len;

/* A fresh, empty log stream. */
static void cap_reset(void)
{
	if (cap) {
		rte_openlog_stream(NULL);
		fclose(cap);
		free(cap_buf);
		cap_buf = NULL;
	}
	cap = open_memstream(&cap_buf, &cap_len);
	CHECK(cap != NULL, "memstream");
	CHECK(rte_openlog_stream(cap) == 0, "openlog");
}

static int cap_lines(const char *needle)
{
	fflush(cap);
	int n = 0;
	for (const char *p = cap_buf ? cap_buf : ""; *p; p++)
		n += *p == '\n';
	CHECK(cap_buf && strstr(cap_buf, needle), "no log line names %s; log: '%s'", needle,
	      cap_buf ? cap_buf : "");
	return n;
}

/* Runs `call`, checks its value and rte_errno (-1: must be untouched, preset to 4242), and that
 * exactly one log line naming `fn` came out. */
#define BAD(call, want, want_errno, fn) do { \
	cap_reset(); \
	rte_errno = 4242; \
	long long got_ = (long long)(call); \
	int e_ = rte_errno; \
	CHECK(got_ == (long long)(want), "%s returned %lld, want %lld", #call, got_, \
	      (long long)(want)); \
	CHECK(e_ == ((want_errno) < 0 ? 4242 : (want_errno)), "%s: rte_errno %d", #call, e_); \
	int lines_ = cap_lines(fn); \
	CHECK(lines_ == 1, "%s logged %d lines: '%s'", #call, lines_, cap_buf); \
} while (0)

static atomic_int kept_calls, kept_alarm;
static void kept_cb(void *arg) { (void)arg; atomic_fetch_add(&kept_calls, 1); }
static void kept_alarm_cb(void *arg) { (void)arg; atomic_store(&kept_alarm, 1); }
static void nop(void *arg) { (void)arg; }

static int wait_flag(atomic_int *f, int ms)
{
	long long end = test_now_ms() + ms;
	while (!atomic_load(f) && test_now_ms() < end)
		usleep(1000);
	return atomic_load(f);
}

static void bad_input(void)
{
	/* Registered before the bad inputs; must survive them. */
	int kp[2];
	CHECK(pipe(kp) == 0, "pipe");
	struct rte_intr_handle *kh = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	CHECK(kh && rte_intr_fd_set(kh, kp[0]) == 0, "kept handle");
	CHECK(rte_intr_callback_register(kh, kept_cb, NULL) == 0, "kept callback");
	CHECK(rte_eal_alarm_set(300 * 1000, kept_alarm_cb, NULL) == 0, "kept alarm");

	cap_reset();
	rte_log_set_global_level(RTE_LOG_DEBUG);
	rte_log_set_level(RTE_LOGTYPE_EAL, RTE_LOG_DEBUG);

	/* Alarms: -EINVAL, rte_errno untouched; cancel(NULL): -1/EINVAL. */
	BAD(rte_eal_alarm_set(0, nop, NULL), -EINVAL, -1, "rte_eal_alarm_set");
	BAD(rte_eal_alarm_set(UINT64_MAX, nop, NULL), -EINVAL, -1, "rte_eal_alarm_set");
	BAD(rte_eal_alarm_set(10, NULL, NULL), -EINVAL, -1, "rte_eal_alarm_set");
	BAD(rte_eal_alarm_cancel(NULL, NULL), -1, EINVAL, "rte_eal_alarm_cancel");

	/* NULL handles. */
	BAD(rte_intr_fd_get(NULL), -1, EINVAL, "rte_intr_fd_get");
	BAD(rte_intr_fd_set(NULL, 1), -EINVAL, EINVAL, "rte_intr_fd_set");
	BAD(rte_intr_type_get(NULL), RTE_INTR_HANDLE_UNKNOWN, EINVAL, "rte_intr_type_get");
	BAD(rte_intr_type_set(NULL, RTE_INTR_HANDLE_UIO), -EINVAL, EINVAL, "rte_intr_type_set");
	BAD(rte_intr_efds_index_get(NULL, 0), -EINVAL, EINVAL, "rte_intr_efds_index_get");
	BAD(rte_intr_elist_index_get(NULL, 0), 0, EINVAL, "rte_intr_elist_index_get");
	BAD(rte_intr_vec_list_alloc(NULL, "x", 1), -EINVAL, EINVAL, "rte_intr_vec_list_alloc");
	BAD(rte_intr_event_list_update(NULL, 1), -EINVAL, EINVAL, "rte_intr_event_list_update");
	BAD(rte_intr_instance_dup(NULL), 0, EINVAL, "rte_intr_instance_dup");
	BAD(rte_intr_callback_register(NULL, nop, NULL), -EINVAL, EINVAL,
	    "rte_intr_callback_register");
	BAD(rte_intr_callback_unregister(NULL, nop, NULL), -EINVAL, EINVAL,
	    "rte_intr_callback_unregister");
	BAD(rte_intr_callback_unregister_sync(NULL, nop, NULL), -EINVAL, EINVAL,
	    "rte_intr_callback_unregister_sync");
	BAD(rte_intr_enable(NULL), -1, -1, "rte_intr_enable");
	BAD(rte_intr_disable(NULL), -1, -1, "rte_intr_disable");
	BAD(rte_intr_ack(NULL), -1, EINVAL, "rte_intr_ack");
	BAD(rte_intr_rx_ctl(NULL, -1, RTE_INTR_EVENT_ADD, 1, NULL), -EPERM, -1, "rte_intr_rx_ctl");
	BAD(rte_intr_efd_enable(NULL, 1), -EINVAL, EINVAL, "rte_intr_efd_enable");
	BAD(rte_intr_instance_alloc(0x80), 0, EINVAL, "rte_intr_instance_alloc");
	rte_intr_instance_free(NULL);
	rte_intr_vec_list_free(NULL);
	rte_intr_efd_disable(NULL);
	rte_intr_free_epoll_fd(NULL);

	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	CHECK(h != NULL, "alloc");
	/* Negative indexes (DPDK would read or write before its arrays). */
	BAD(rte_intr_efds_index_get(h, -1), -EINVAL, EINVAL, "rte_intr_efds_index_get");
	BAD(rte_intr_efds_index_set(h, -1, 3), -ERANGE, ERANGE, "rte_intr_efds_index_set");
	BAD(rte_intr_elist_index_get(h, -7), 0, ERANGE, "rte_intr_elist_index_get");
	CHECK(rte_intr_vec_list_alloc(h, "t", 4) == 0, "vec list");
	BAD(rte_intr_vec_list_index_get(h, -1), -ERANGE, ERANGE, "rte_intr_vec_list_index_get");
	BAD(rte_intr_vec_list_index_set(h, -1, 0), -ERANGE, ERANGE, "rte_intr_vec_list_index_set");
	CHECK(rte_intr_vec_list_alloc(h, "t", 8) == 0, "a second alloc keeps the list");
	CHECK(rte_intr_vec_list_index_get(h, 5) == -ERANGE, "still 4 entries");
	rte_intr_vec_list_free(h);
	BAD(rte_intr_vec_list_alloc(h, "t", -1), -ENOMEM, ENOMEM, "rte_intr_vec_list_alloc");
	BAD(rte_intr_event_list_update(h, 70000), -ERANGE, ERANGE, "rte_intr_event_list_update");
	BAD(rte_intr_max_intr_set(h, 513), -ERANGE, ERANGE, "rte_intr_max_intr_set");

	/* A vector count beyond the arrays: refused, nothing read past them. */
	rte_intr_type_set(h, RTE_INTR_HANDLE_VFIO_MSIX);
	rte_intr_nb_efd_set(h, 100000);
	BAD(rte_intr_rx_ctl(h, -1, RTE_INTR_EVENT_ADD, 600, NULL), -EPERM, -1, "rte_intr_rx_ctl");
	rte_intr_free_epoll_fd(h); /* bounded by the arrays: no crash */
	rte_intr_nb_efd_set(h, 0);
	BAD(rte_intr_efd_enable(h, 512), -ERANGE, ERANGE, "rte_intr_efd_enable");

	/* Handle types that cannot do what is asked. */
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	rte_intr_fd_set(h, p[1]);
	rte_intr_type_set(h, RTE_INTR_HANDLE_ALARM);
	BAD(rte_intr_enable(h), -1, -1, "rte_intr_enable");
	rte_intr_type_set(h, RTE_INTR_HANDLE_DEV_EVENT);
	BAD(rte_intr_disable(h), -1, -1, "rte_intr_disable");
	rte_intr_type_set(h, 99);
	BAD(rte_intr_enable(h), -1, -1, "rte_intr_enable");
	rte_intr_type_set(h, RTE_INTR_HANDLE_VFIO_REQ);
	BAD(rte_intr_ack(h), -1, -1, "rte_intr_ack");
	rte_intr_type_set(h, RTE_INTR_HANDLE_VFIO_MSIX);
	rte_intr_dev_fd_set(h, p[1]); /* not a VFIO device */
	BAD(rte_intr_enable(h), -1, -1, "rte_intr_enable");
	rte_intr_type_set(h, RTE_INTR_HANDLE_UIO);
	rte_intr_fd_set(h, p[0]); /* the read end cannot be written */
	rte_intr_dev_fd_set(h, 0);
	BAD(rte_intr_enable(h), -1, -1, "rte_intr_enable");
	rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV);
	rte_intr_efd_counter_size_set(h, 64);
	BAD(rte_intr_efd_enable(h, 1), -EINVAL, -1, "rte_intr_efd_enable");

	/* Registrations that cannot work. */
	rte_intr_fd_set(h, -3);
	BAD(rte_intr_callback_register(h, nop, NULL), -EINVAL, -1, "rte_intr_callback_register");
	rte_intr_fd_set(h, p[0]);
	BAD(rte_intr_callback_register(h, NULL, NULL), -EINVAL, -1, "rte_intr_callback_register");
	int reg = open("/proc/self/stat", O_RDONLY);
	rte_intr_fd_set(h, reg); /* epoll cannot watch a regular file: DPDK panics later */
	BAD(rte_intr_callback_register(h, nop, NULL), -EINVAL, -1, "rte_intr_callback_register");
	close(reg);
	rte_intr_fd_set(h, p[0]);
	BAD(rte_intr_callback_unregister_pending(h, nop, NULL, NULL), -ENOENT, -1,
	    "rte_intr_callback_unregister_pending");

	/* Epoll. */
	struct rte_epoll_event out[2];
	BAD(rte_epoll_wait(-1, NULL, 1, 0), -1, -1, "rte_epoll_wait");
	BAD(rte_epoll_wait(-1, out, 0, 0), -1, -1, "rte_epoll_wait");
	BAD(rte_epoll_wait(-1, out, -5, 0), -1, -1, "rte_epoll_wait");
	BAD(rte_epoll_wait(123456, out, 1, 0), -1, -1, "rte_epoll_wait");
	BAD(rte_epoll_ctl(-1, EPOLL_CTL_ADD, 0, NULL), -1, -1, "rte_epoll_ctl");
	BAD(rte_epoll_ctl(-1, 99, p[0], out), -1, -1, "rte_epoll_ctl");

	rte_openlog_stream(NULL);
	rte_log_set_level(RTE_LOGTYPE_EAL, RTE_LOG_INFO);
	fclose(cap);
	free(cap_buf);
	close(p[0]);
	close(p[1]);
	rte_intr_instance_free(h);

	/* Nothing registered before was lost. */
	CHECK(write(kp[1], "k", 1) == 1, "write");
	CHECK(wait_flag(&kept_calls, 5000), "the callback registered before still fires");
	CHECK(wait_flag(&kept_alarm, 5000), "the alarm set before still fires");
	int n = -EAGAIN;
	for (int i = 0; i < 5000 && n == -EAGAIN; i++, usleep(1000))
		n = rte_intr_callback_unregister(kh, kept_cb, NULL);
	CHECK(n == 1, "kept callback unregistered (%d)", n);
	rte_intr_instance_free(kh);
	close(kp[0]);
	close(kp[1]);
}

/* ---- calls that would hang DPDK ----------------------------------------------------------- */

static struct rte_intr_handle *sync_h;
static atomic_int sync_ret;
static void sync_self(void *arg)
{
	(void)arg;
	atomic_store(&sync_ret, rte_intr_callback_unregister_sync(sync_h, sync_self, NULL));
}

static struct rte_epoll_event self_ev;
static int self_ev_fd;
static atomic_int del_ret = 1;
static void del_self(int fd, void *arg)
{
	(void)fd, (void)arg;
	atomic_store(&del_ret, rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, self_ev_fd,
					     &self_ev));
}

static void no_hangs(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	sync_h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	CHECK(sync_h && rte_intr_fd_set(sync_h, p[0]) == 0, "handle");
	CHECK(rte_intr_callback_register(sync_h, sync_self, NULL) == 0, "register");
	CHECK(write(p[1], "s", 1) == 1, "write");
	long long end = test_now_ms() + 5000;
	while (atomic_load(&sync_ret) == 0 && test_now_ms() < end)
		usleep(1000);
	CHECK(atomic_load(&sync_ret) == -EDEADLK, "unregister_sync from its own callback: %d",
	      atomic_load(&sync_ret));
	int n = -EAGAIN;
	for (int i = 0; i < 5000 && n == -EAGAIN; i++, usleep(1000))
		n = rte_intr_callback_unregister(sync_h, sync_self, NULL);
	CHECK(n == 1, "unregistered afterwards (%d)", n);
	rte_intr_instance_free(sync_h);
	close(p[0]);
	close(p[1]);

	self_ev_fd = eventfd(0, EFD_NONBLOCK);
	memset(&self_ev, 0, sizeof(self_ev));
	self_ev.epdata.event = EPOLLIN;
	self_ev.epdata.cb_fun = del_self;
	CHECK(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, self_ev_fd, &self_ev) == 0, "add");
	uint64_t one = 1;
	CHECK(write(self_ev_fd, &one, 8) == 8, "write");
	struct rte_epoll_event out[1];
	CHECK(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 1, 1000) == 1, "one event");
	CHECK(atomic_load(&del_ret) == 0, "DEL from its own callback returned 0");
	CHECK(self_ev.status == RTE_EPOLL_INVALID && self_ev.fd == -1, "and cleared the entry");
	CHECK(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 1, 0) == 0, "no longer registered");
	/* EPOLL_CTL_MOD keeps the registration's own address as its data (the DEL cleared the
	 * entry's events: set them again). */
	self_ev.epdata.event = EPOLLIN;
	CHECK(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, self_ev_fd, &self_ev) == 0, "add");
	self_ev.epdata.cb_fun = NULL;
	self_ev.epdata.data = (void *)0x99;
	CHECK(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_MOD, self_ev_fd, &self_ev) == 0, "mod");
	CHECK(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 1, 1000) == 1 &&
	      out[0].epdata.data == (void *)0x99, "delivered after MOD");
	CHECK(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, self_ev_fd, &self_ev) == 0, "del");
	close(self_ev_fd);
}

/* ---- a SHARED instance in a secondary -------------------------------------------------------- */

struct box {
	struct rte_intr_handle *h;
};

static int secondary(int rfd, int wfd)
{
	const char *extra[] = { "--proc-type", "secondary" };
	CHECK(test_eal_init_argv(2, extra, 0) >= 0, "secondary init: %s", rte_strerror(rte_errno));
	const struct rte_memzone *mz = rte_memzone_lookup("intr_box");
	CHECK(mz != NULL, "the primary's zone");
	struct rte_intr_handle *h = ((struct box *)mz->addr)->h;
	CHECK(rte_intr_fd_get(h) == 5 && rte_intr_dev_fd_get(h) == 6, "fds read in the secondary");
	CHECK(rte_intr_type_get(h) == RTE_INTR_HANDLE_VDEV, "type");
	CHECK(rte_intr_nb_intr_get(h) == RTE_MAX_RXTX_INTR_VEC_ID, "nb_intr");
	CHECK(rte_intr_efds_index_get(h, 3) == 42, "efds[3]");
	CHECK(rte_intr_vec_list_index_get(h, 2) == 9, "intr_vec[2]");
	CHECK(rte_intr_efds_index_set(h, 4, 7) == 0, "write efds[4]");
	CHECK(rte_intr_vec_list_index_set(h, 1, 8) == 0, "write intr_vec[1]");
	CHECK(test_send_byte(wfd, 'd') == 0, "done");
	CHECK(test_recv_byte(rfd) == 'q', "quit");
	rte_eal_cleanup();
	return 0;
}

static int primary(void)
{
	CHECK(test_eal_init_argv(0, NULL, 0) >= 0, "primary init: %s", rte_strerror(rte_errno));
	bad_input();
	no_hangs();
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_SHARED);
	CHECK(h != NULL, "shared alloc");
	CHECK(rte_mem_virt2memseg(h, NULL) != NULL, "a SHARED instance is in rte_malloc memory");
	rte_intr_fd_set(h, 5);
	rte_intr_dev_fd_set(h, 6);
	rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV);
	rte_intr_efds_index_set(h, 3, 42);
	CHECK(rte_intr_vec_list_alloc(h, "intr_vec", 4) == 0, "vec list");
	rte_intr_vec_list_index_set(h, 2, 9);
	const struct rte_memzone *mz = rte_memzone_reserve("intr_box", sizeof(struct box),
							   SOCKET_ID_ANY, 0);
	CHECK(mz != NULL, "zone");
	((struct box *)mz->addr)->h = h;
	struct test_link sec;
	pid_t pid = test_spawn_self(&sec, "secondary", (char *)NULL);
	CHECK(test_recv_byte(sec.from) == 'd', "secondary done");
	CHECK(rte_intr_efds_index_get(h, 4) == 7, "the secondary's write is seen");
	CHECK(rte_intr_vec_list_index_get(h, 1) == 8, "the secondary's vector write is seen");
	CHECK(test_send_byte(sec.to, 'q') == 0, "quit");
	int st = test_wait(pid, -1);
	CHECK(st == 0, "secondary exit status %d", st);
	test_link_close(&sec);
	rte_intr_instance_free(h);
	CHECK(rte_memzone_free(mz) == 0, "free zone");
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "secondary") == 0)
		return secondary(atoi(argv[2]), atoi(argv[3]));
	return primary();
}
