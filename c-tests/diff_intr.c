/* Interrupts, epoll and alarms compared with DPDK 22.11 (seeded from the issue-10 probe):
 * - alarms: argument errors (-EINVAL, rte_errno untouched), cancel by argument and wildcard,
 *   ENOENT, firing order, an alarm cancelling itself (EINPROGRESS), cancel waiting for a
 *   callback that runs on the interrupt thread, alarms set from an alarm;
 * - instances: defaults, every accessor's NULL and range errors, dup, vector lists;
 * - callbacks on pipe fds of several handle types: fired on the interrupt thread, a callback
 *   unregistering itself (-EAGAIN), unregister_pending and its ucb_fn, unregister_sync waiting,
 *   duplicates and wildcard unregistering;
 * - enable/disable/ack per handle type;
 * - rte_epoll_ctl/_wait (VALID/EXEC/INVALID, callbacks, a signal with and without
 *   _interruptible), Rx event fds through rte_intr_efd_enable and rte_intr_rx_ctl.
 * Only values that do not depend on the implementation are printed (no fd numbers). Every wait
 * is bounded. Runs with --no-huge: no hugepage is needed. */
#define ALLOW_EXPERIMENTAL_API 1
#define ALLOW_INTERNAL_API 1
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/time.h>

#include <rte_alarm.h>
#include <rte_epoll.h>
#include <rte_interrupts.h>

#include "common.h"

/* rte_errno is reset before each call so that a call that does not set it shows 0. */
#define P(expr) do { \
	rte_errno = 0; \
	long long v_ = (long long)(expr); \
	OBS("%s = %lld errno %d", #expr, v_, rte_errno); \
} while (0)
#define PP(expr) do { \
	rte_errno = 0; \
	const void *p_ = (const void *)(expr); \
	OBS("%s = %s errno %d", #expr, p_ ? "non-NULL" : "NULL", rte_errno); \
} while (0)

/* Polls *flag every ms for at most `ms` milliseconds; returns its value. */
static int wait_flag(atomic_int *flag, int ms)
{
	long long end = test_now_ms() + ms;
	while (!atomic_load(flag) && test_now_ms() < end)
		usleep(1000);
	return atomic_load(flag);
}

/* ---- alarms ------------------------------------------------------------------------------------ */

static void nop(void *arg) { (void)arg; }

static atomic_int fired, fired_on_intr;
static void fire(void *arg)
{
	(void)arg;
	atomic_store(&fired_on_intr, rte_thread_is_intr());
	atomic_store(&fired, 1);
}

static char order[32];
static atomic_int order_n;
static void record(void *arg)
{
	int n = atomic_fetch_add(&order_n, 1);
	if (n < (int)sizeof(order) - 1)
		order[n] = (char)(uintptr_t)arg;
}

static atomic_int self_done, self_ret, self_errno;
static void cancel_self(void *arg)
{
	rte_errno = 0;
	atomic_store(&self_ret, rte_eal_alarm_cancel(cancel_self, arg));
	atomic_store(&self_errno, rte_errno);
	atomic_store(&self_done, 1);
}

static atomic_int long_started, long_finished;
static void long_alarm(void *arg)
{
	(void)arg;
	atomic_store(&long_started, 1);
	usleep(200 * 1000);
	atomic_store(&long_finished, 1);
}

static atomic_int chained;
static void chain_second(void *arg)
{
	(void)arg;
	atomic_store(&chained, 2);
}
static void chain_first(void *arg)
{
	(void)arg;
	atomic_store(&chained, rte_eal_alarm_set(1000, chain_second, NULL) == 0 ? 1 : -1);
}

static void alarms(void)
{
	OBS("--- alarms");
	P(rte_eal_alarm_set(0, nop, NULL));
	P(rte_eal_alarm_set(UINT64_MAX, nop, NULL));
	P(rte_eal_alarm_set(UINT64_MAX - 1, nop, NULL));
	P(rte_eal_alarm_set(UINT64_MAX - 999999, nop, NULL));
	P(rte_eal_alarm_set(1000, NULL, NULL));
	P(rte_eal_alarm_cancel(NULL, NULL));
	P(rte_eal_alarm_cancel(nop, NULL));
	P(rte_eal_alarm_set(UINT64_MAX - 1000000, nop, (void *)7));
	P(rte_eal_alarm_cancel(nop, (void *)7));
	P(rte_eal_alarm_set(1000000, nop, (void *)1));
	P(rte_eal_alarm_set(1000000, nop, (void *)2));
	P(rte_eal_alarm_set(1000000, nop, (void *)2));
	P(rte_eal_alarm_set(1000000, nop, (void *)3));
	P(rte_eal_alarm_cancel(nop, (void *)2));
	P(rte_eal_alarm_cancel(nop, (void *)4));
	P(rte_eal_alarm_cancel(nop, (void *)-1));
	P(rte_eal_alarm_cancel(nop, (void *)-1));

	P(rte_eal_alarm_set(10000, fire, NULL));
	int ok = wait_flag(&fired, 5000); /* before reading what the callback stored */
	OBS("alarm fired %d, on the interrupt thread %d", ok, atomic_load(&fired_on_intr));
	P(rte_eal_alarm_cancel(fire, NULL));

	/* Deadlines 10..50 ms apart, set out of order; two share a delay (set order wins). */
	static const struct { int ms; char tag; } plan[] = {
		{ 50, 'e' }, { 10, 'a' }, { 30, 'c' }, { 20, 'b' }, { 40, 'd' }, { 30, 'C' },
	};
	for (size_t i = 0; i < sizeof(plan) / sizeof(plan[0]); i++)
		CHECK(rte_eal_alarm_set(plan[i].ms * 1000, record, (void *)(uintptr_t)plan[i].tag) == 0,
		      "set alarm %zu", i);
	long long end = test_now_ms() + 5000;
	while (atomic_load(&order_n) < 6 && test_now_ms() < end)
		usleep(1000);
	OBS("alarm order %s", order);

	P(rte_eal_alarm_set(1000, cancel_self, (void *)5));
	ok = wait_flag(&self_done, 5000);
	OBS("self-cancel done %d: returned %d errno %d", ok, atomic_load(&self_ret),
	    atomic_load(&self_errno));

	P(rte_eal_alarm_set(1000, chain_first, NULL));
	end = test_now_ms() + 5000;
	while (atomic_load(&chained) != 2 && test_now_ms() < end)
		usleep(1000);
	OBS("an alarm set from an alarm fired: %d", atomic_load(&chained));

	/* cancel waits while the callback runs on the interrupt thread; it is gone then. */
	P(rte_eal_alarm_set(1000, long_alarm, NULL));
	CHECK(wait_flag(&long_started, 5000), "the long alarm started");
	P(rte_eal_alarm_cancel(long_alarm, NULL));
	OBS("cancel returned after the callback finished: %d", atomic_load(&long_finished));
}

/* ---- instances -------------------------------------------------------------------------------- */

static void instances(void)
{
	OBS("--- instances");
	PP(rte_intr_instance_alloc(0x10));
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	CHECK(h != NULL, "alloc");
	P(rte_intr_fd_get(h));
	P(rte_intr_dev_fd_get(h));
	P(rte_intr_type_get(h));
	P(rte_intr_nb_intr_get(h));
	P(rte_intr_max_intr_get(h));
	P(rte_intr_nb_efd_get(h));
	P(rte_intr_efd_counter_size_get(h));
	P(rte_intr_fd_get(NULL));
	P(rte_intr_dev_fd_get(NULL));
	P(rte_intr_type_get(NULL));
	P(rte_intr_nb_intr_get(NULL));
	P(rte_intr_max_intr_get(NULL));
	P(rte_intr_fd_set(NULL, 3));
	P(rte_intr_type_set(NULL, RTE_INTR_HANDLE_UIO));
	P(rte_intr_max_intr_set(h, 1000));
	P(rte_intr_max_intr_set(h, 512));
	P(rte_intr_max_intr_get(h));
	P(rte_intr_max_intr_set(h, -1));
	P(rte_intr_max_intr_get(h));
	P(rte_intr_efds_index_get(h, 600));
	P(rte_intr_efds_index_get(h, 512));
	P(rte_intr_efds_index_set(h, 512, 3));
	P(rte_intr_efds_index_set(h, 1, 42));
	P(rte_intr_efds_index_get(h, 1));
	PP(rte_intr_elist_index_get(h, 512));
	PP(rte_intr_elist_index_get(h, 511));
	PP(rte_intr_elist_index_get(NULL, 0));
	{
		struct rte_epoll_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.fd = 9;
		P(rte_intr_elist_index_set(h, 512, ev));
		P(rte_intr_elist_index_set(h, 3, ev));
		P(rte_intr_elist_index_get(h, 3)->fd);
	}
	P(rte_intr_vec_list_index_get(h, 0));
	P(rte_intr_vec_list_alloc(h, "diff_intr", 600));
	P(rte_intr_vec_list_alloc(h, "diff_intr", 4));
	P(rte_intr_vec_list_alloc(h, "diff_intr", 8));
	P(rte_intr_vec_list_index_set(h, 3, 17));
	P(rte_intr_vec_list_index_get(h, 3));
	P(rte_intr_vec_list_index_get(h, 4));
	P(rte_intr_vec_list_index_set(h, 4, 1));
	rte_intr_vec_list_free(h);
	P(rte_intr_vec_list_index_get(h, 0));
	rte_intr_vec_list_free(NULL);
	P(rte_intr_efd_counter_size_set(h, 8));
	P(rte_intr_efd_counter_size_get(h));
	P(rte_intr_nb_efd_set(h, 2));
	P(rte_intr_fd_set(h, 5));
	P(rte_intr_dev_fd_set(h, 6));
	P(rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV));
	struct rte_intr_handle *d = rte_intr_instance_dup(h);
	CHECK(d != NULL, "dup");
	P(rte_intr_fd_get(d));
	P(rte_intr_dev_fd_get(d));
	P(rte_intr_type_get(d));
	P(rte_intr_max_intr_get(d));
	P(rte_intr_nb_efd_get(d));
	P(rte_intr_efd_counter_size_get(d));
	P(rte_intr_efds_index_get(d, 1));
	PP(rte_intr_instance_dup(NULL));
	rte_intr_instance_free(d);
	P(rte_intr_event_list_update(h, 0));
	P(rte_intr_event_list_update(NULL, 4));
	P(rte_intr_event_list_update(h, 16));
	P(rte_intr_nb_intr_get(h));
	P(rte_intr_efds_index_get(h, 1));
	P(rte_intr_efds_index_get(h, 16));
	P(rte_intr_max_intr_set(h, 17));
	P(rte_intr_instance_windows_handle_set(h, (void *)0x0000000500000007ULL));
	P(rte_intr_dev_fd_get(h));
	P(rte_intr_fd_get(h));
	P((uintptr_t)rte_intr_instance_windows_handle_get(h));
	PP(rte_intr_instance_windows_handle_get(NULL));
	rte_intr_instance_free(h);
	rte_intr_instance_free(NULL);

	struct rte_intr_handle *s = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_SHARED);
	PP(s);
	P(rte_intr_nb_intr_get(s));
	P(rte_intr_vec_list_alloc(s, "diff_intr_shared", 2));
	P(rte_intr_vec_list_index_set(s, 1, 4));
	P(rte_intr_vec_list_index_get(s, 1));
	P(rte_intr_event_list_update(s, 600));
	P(rte_intr_nb_intr_get(s));
	rte_intr_instance_free(s);
}

/* ---- callbacks ------------------------------------------------------------------------------------ */

static void cb(void *a) { (void)a; }

static struct rte_intr_handle *handle_of(int fd, enum rte_intr_handle_type type)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	CHECK(h != NULL && rte_intr_fd_set(h, fd) == 0 && rte_intr_type_set(h, type) == 0,
	      "handle for fd %d", fd);
	return h;
}

static atomic_int pipe_calls, pipe_on_intr, pipe_self_unreg, pipe_pending, ucb_calls,
	ucb_same_fd;
static int pipe_fd;
static void pipe_cb(void *arg)
{
	struct rte_intr_handle *h = arg;
	atomic_fetch_add(&pipe_calls, 1);
	atomic_store(&pipe_on_intr, rte_thread_is_intr());
	atomic_store(&pipe_self_unreg, rte_intr_callback_unregister(h, pipe_cb, arg));
	atomic_store(&pipe_pending, rte_intr_callback_unregister_pending(h, pipe_cb, arg, NULL));
}
static void pipe_ucb(struct rte_intr_handle *h, void *arg)
{
	(void)arg;
	atomic_store(&ucb_same_fd, rte_intr_fd_get(h) == pipe_fd);
	atomic_fetch_add(&ucb_calls, 1);
}
static void pipe_cb_ucb(void *arg)
{
	struct rte_intr_handle *h = arg;
	atomic_fetch_add(&pipe_calls, 1);
	atomic_store(&pipe_pending, rte_intr_callback_unregister_pending(h, pipe_cb_ucb, arg, pipe_ucb));
}

static atomic_int typed_calls;
static void typed_cb(void *arg)
{
	(void)arg;
	atomic_fetch_add(&typed_calls, 1);
}

static atomic_int slow_started, slow_finished;
static void slow_cb(void *arg)
{
	(void)arg;
	atomic_store(&slow_started, 1);
	usleep(200 * 1000);
	atomic_store(&slow_finished, 1);
}

/* Unregisters, retrying while the source is busy (bounded). */
static int unregister_retry(struct rte_intr_handle *h, rte_intr_callback_fn f, void *arg)
{
	int r = -EAGAIN;
	for (int i = 0; i < 5000 && (r = rte_intr_callback_unregister(h, f, arg)) == -EAGAIN; i++)
		usleep(1000);
	return r;
}

static void drain(int fd)
{
	char b[64];
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (read(fd, b, sizeof(b)) > 0)
		;
	fcntl(fd, F_SETFL, fl);
}

static void callbacks(void)
{
	OBS("--- callbacks");
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	rte_intr_fd_set(h, -1);
	P(rte_intr_callback_register(h, cb, NULL));
	P(rte_intr_callback_unregister(h, cb, NULL));
	P(rte_intr_callback_unregister_pending(h, cb, NULL, NULL));
	P(rte_intr_callback_register(NULL, cb, NULL));
	P(rte_intr_callback_unregister(NULL, cb, NULL));

	int efd = eventfd(0, EFD_NONBLOCK);
	struct rte_intr_handle *h2 = handle_of(efd, RTE_INTR_HANDLE_EXT);
	P(rte_intr_callback_register(h2, NULL, NULL));
	P(rte_intr_callback_register(h2, cb, NULL));
	P(rte_intr_callback_register(h2, cb, NULL));
	P(rte_intr_callback_register(h2, cb, (void *)8));
	P(rte_intr_callback_unregister(h2, cb, (void *)0xff));
	P(rte_intr_callback_unregister(h2, cb, NULL));
	P(rte_intr_callback_unregister(h2, cb, (void *)-1));
	P(rte_intr_callback_unregister(h2, cb, NULL));
	P(rte_intr_callback_unregister_pending(h2, cb, NULL, NULL));
	P(rte_intr_callback_register(h2, cb, NULL));
	P(rte_intr_callback_unregister_pending(h2, cb, NULL, NULL));
	P(rte_intr_callback_unregister_sync(h2, cb, NULL));
	P(rte_intr_callback_unregister_sync(h2, cb, NULL));
	rte_intr_instance_free(h2);
	close(efd);

	/* A pipe: the callback runs on the interrupt thread, cannot unregister itself, can mark
	 * itself pending; then it is gone. */
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	pipe_fd = p[0];
	struct rte_intr_handle *ph = handle_of(p[0], RTE_INTR_HANDLE_UNKNOWN);
	P(rte_intr_callback_register(ph, pipe_cb, ph));
	CHECK(write(p[1], "1", 1) == 1, "write");
	long long end = test_now_ms() + 5000;
	while (atomic_load(&pipe_pending) == 0 && test_now_ms() < end)
		usleep(1000);
	OBS("pipe callback: calls %d on intr thread %d, unregister itself %d, pending %d",
	    atomic_load(&pipe_calls), atomic_load(&pipe_on_intr), atomic_load(&pipe_self_unreg),
	    atomic_load(&pipe_pending));
	usleep(20 * 1000);
	P(rte_intr_callback_unregister(ph, pipe_cb, ph));

	atomic_store(&pipe_calls, 0);
	atomic_store(&pipe_pending, 0);
	P(rte_intr_callback_register(ph, pipe_cb_ucb, ph));
	P(rte_intr_callback_register(ph, typed_cb, NULL));
	CHECK(write(p[1], "2", 1) == 1, "write");
	int called = wait_flag(&ucb_calls, 5000);
	OBS("ucb called %d with the same fd %d, pending %d", called, atomic_load(&ucb_same_fd),
	    atomic_load(&pipe_pending));
	P(rte_intr_callback_unregister(ph, pipe_cb_ucb, ph));
	P(unregister_retry(ph, typed_cb, NULL));
	rte_intr_instance_free(ph);

	/* The types interrupt_autotest uses, on the read end: UIO reads 4 bytes, ALARM 8,
	 * DEV_EVENT nothing (its callback keeps firing until the pipe is drained). */
	static const enum rte_intr_handle_type types[] = {
		RTE_INTR_HANDLE_UIO, RTE_INTR_HANDLE_ALARM, RTE_INTR_HANDLE_DEV_EVENT,
		RTE_INTR_HANDLE_EXT, RTE_INTR_HANDLE_VDEV,
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct rte_intr_handle *t = handle_of(p[0], types[i]);
		atomic_store(&typed_calls, 0);
		P(rte_intr_callback_register(t, typed_cb, NULL));
		CHECK(write(p[1], "3", 1) == 1, "write");
		int got = wait_flag(&typed_calls, 5000) > 0;
		OBS("type %d: called %d", (int)types[i], got);
		P(unregister_retry(t, typed_cb, NULL));
		drain(p[0]);
		rte_intr_instance_free(t);
	}

	/* unregister_sync waits for a running callback. */
	struct rte_intr_handle *sh = handle_of(p[0], RTE_INTR_HANDLE_UNKNOWN);
	P(rte_intr_callback_register(sh, slow_cb, NULL));
	CHECK(write(p[1], "4", 1) == 1, "write");
	CHECK(wait_flag(&slow_started, 5000), "slow callback started");
	P(rte_intr_callback_unregister(sh, slow_cb, NULL));
	P(rte_intr_callback_unregister_sync(sh, slow_cb, NULL));
	OBS("unregister_sync returned after the callback: %d", atomic_load(&slow_finished));
	rte_intr_instance_free(sh);
	P(rte_thread_is_intr());
	close(p[0]);
	close(p[1]);
	rte_intr_instance_free(h);
}

/* ---- enable / disable / ack ------------------------------------------------------------------ */

static void control(void)
{
	OBS("--- enable/disable/ack");
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	rte_intr_fd_set(h, -1);
	P(rte_intr_enable(NULL));
	P(rte_intr_disable(NULL));
	P(rte_intr_ack(NULL));
	P(rte_intr_enable(h));
	P(rte_intr_disable(h));
	P(rte_intr_ack(h));
	rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV);
	P(rte_intr_enable(h));
	P(rte_intr_disable(h));
	P(rte_intr_ack(h));
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	static const int types[] = {
		RTE_INTR_HANDLE_UNKNOWN, RTE_INTR_HANDLE_UIO, RTE_INTR_HANDLE_ALARM,
		RTE_INTR_HANDLE_EXT, RTE_INTR_HANDLE_DEV_EVENT, RTE_INTR_HANDLE_VFIO_REQ, 99,
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		rte_intr_type_set(h, types[i]);
		for (int end = 0; end < 2; end++) {
			rte_intr_fd_set(h, p[end]);
			rte_errno = 0;
			int e = rte_intr_enable(h), d = rte_intr_disable(h), a = rte_intr_ack(h);
			OBS("type %d on the %s end: enable %d disable %d ack %d errno %d", types[i],
			    end ? "write" : "read", e, d, a, rte_errno);
		}
	}
	rte_intr_type_set(h, RTE_INTR_HANDLE_UIO);
	rte_intr_fd_set(h, p[1]);
	rte_intr_dev_fd_set(h, -1);
	P(rte_intr_enable(h));
	drain(p[0]);
	int w[2] = { 0, 0 };
	rte_intr_dev_fd_set(h, 0);
	CHECK(rte_intr_enable(h) == 0 && rte_intr_disable(h) == 0, "UIO on the write end");
	CHECK(read(p[0], w, sizeof(w)) == (ssize_t)sizeof(w), "two ints written");
	OBS("UIO wrote %d then %d", w[0], w[1]);
	close(p[0]);
	close(p[1]);
	rte_intr_instance_free(h);
}

/* ---- epoll and Rx event fds ------------------------------------------------------------------ */

static atomic_int ev_cb_calls, ev_cb_fd_ok;
static int ev_cb_expect_fd;
static void ev_cb(int fd, void *arg)
{
	(void)arg;
	atomic_store(&ev_cb_fd_ok, fd == ev_cb_expect_fd);
	atomic_fetch_add(&ev_cb_calls, 1);
}

static void on_alarm(int sig) { (void)sig; }

static void epoll_part(void)
{
	OBS("--- epoll");
	struct rte_epoll_event out[4];
	P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, NULL, 1, 0));
	P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, 0, NULL));
	P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 0));
	int efd = eventfd(0, EFD_NONBLOCK);
	struct rte_epoll_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.epdata.event = EPOLLIN;
	ev.epdata.data = (void *)0x1234;
	ev.epdata.cb_fun = ev_cb;
	ev_cb_expect_fd = efd;
	P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, &ev));
	OBS("after ADD: status %u, fd ok %d, epfd is this thread's %d", ev.status, ev.fd == efd,
	    ev.epfd == rte_intr_tls_epfd());
	/* (No EPOLL_CTL_MOD here: DPDK 22.11 passes an uninitialised epoll data word for it;
	 * test_intr.c checks rtemem's.) */
	P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 0));
	uint64_t one = 1;
	CHECK(write(efd, &one, 8) == 8, "eventfd write");
	memset(out, 0, sizeof(out));
	P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 1000));
	OBS("out: status %u fd ok %d epfd ok %d event %#x data %p; callback %d fd ok %d; entry status %u",
	    out[0].status, out[0].fd == efd, out[0].epfd == rte_intr_tls_epfd(),
	    out[0].epdata.event, out[0].epdata.data, atomic_load(&ev_cb_calls),
	    atomic_load(&ev_cb_fd_ok), ev.status);
	/* A second ADD of the same fd fails and leaves the entry INVALID (as DPDK does), so it
	 * is not delivered any more, though epoll still holds it. */
	P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, &ev));
	OBS("after a failed ADD: status %u", ev.status);
	CHECK(write(efd, &one, 8) == 8, "eventfd write");
	P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 50));
	ev.status = RTE_EPOLL_VALID;
	P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, efd, &ev));
	OBS("after DEL: status %u fd %d epfd %d data %p cb %d", ev.status, ev.fd, ev.epfd,
	    ev.epdata.data, ev.epdata.cb_fun != NULL);
	P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, efd, &ev));
	P(rte_epoll_wait(-5, out, 1, 0));
	P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 0, 0));

	/* A signal during the wait: _interruptible returns -1, the plain one waits on. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 50 * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	P(rte_epoll_wait_interruptible(RTE_EPOLL_PER_THREAD, out, 1, 2000));
	setitimer(ITIMER_REAL, &it, NULL);
	long long t0 = test_now_ms();
	P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 1, 300));
	OBS("the plain wait outlasted the signal: %d", test_now_ms() - t0 >= 290);
	signal(SIGALRM, SIG_DFL);
	close(efd);

	OBS("--- Rx event fds");
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	P(rte_intr_rx_ctl(NULL, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 1, NULL));
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 1, NULL));
	rte_intr_type_set(h, RTE_INTR_HANDLE_VFIO_MSIX);
	rte_intr_fd_set(h, 1000);
	P(rte_intr_dp_is_en(h));
	P(rte_intr_allow_others(h));
	P(rte_intr_cap_multiple(h));
	P(rte_intr_efd_enable(h, 2));
	P(rte_intr_nb_efd_get(h));
	P(rte_intr_max_intr_get(h));
	P(rte_intr_dp_is_en(h));
	P(rte_intr_allow_others(h));
	P(rte_intr_cap_multiple(h));
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 1, (void *)0x51));
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 1, (void *)0x51));
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 3, NULL));
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_DEL, 2, NULL));
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, 7, 1, NULL));
	P(rte_intr_elist_index_get(h, 0)->status);
	int q0 = rte_intr_efds_index_get(h, 0);
	CHECK(q0 >= 0, "queue 0 event fd");
	CHECK(write(q0, &one, 8) == 8, "queue 0 interrupt");
	memset(out, 0, sizeof(out));
	P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 1000));
	uint64_t left = 0;
	OBS("out data %p fd ok %d; counter drained %d", out[0].epdata.data, out[0].fd == q0,
	    read(q0, &left, 8) < 0 && errno == EAGAIN);
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_DEL, 1, NULL));
	P(rte_intr_elist_index_get(h, 0)->status);
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 2, NULL));
	rte_intr_free_epoll_fd(h);
	P(rte_intr_elist_index_get(h, 1)->status);
	rte_intr_efd_disable(h);
	P(rte_intr_nb_efd_get(h));
	P(rte_intr_max_intr_get(h));
	OBS("efd_disable closed the eventfds: %d", fcntl(q0, F_GETFD) < 0 && errno == EBADF);

	rte_intr_type_set(h, RTE_INTR_HANDLE_UIO);
	rte_intr_fd_set(h, 77);
	P(rte_intr_efd_enable(h, 4));
	P(rte_intr_nb_efd_get(h));
	P(rte_intr_max_intr_get(h));
	P(rte_intr_efds_index_get(h, 0));
	P(rte_intr_allow_others(h));
	P(rte_intr_cap_multiple(h));
	rte_intr_efd_disable(h);
	rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV);
	rte_intr_efd_counter_size_set(h, 17);
	P(rte_intr_efd_enable(h, 1));
	rte_intr_efd_counter_size_set(h, 8);
	P(rte_intr_efd_enable(h, 1));
	P(rte_intr_cap_multiple(h));
	rte_intr_instance_free(h);
	OBS("tls epfd stable %d", rte_intr_tls_epfd() == rte_intr_tls_epfd() &&
	    rte_intr_tls_epfd() >= 0);
}

/* True when fd 3 is the shared config file: dpdk-test finds its prefix that way, so the
 * interrupt thread's eventfd, epoll set and timerfd must come after it. */
static int fd3_is_config(void)
{
	char path[512];
	ssize_t n = readlink("/proc/self/fd/3", path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	return n >= 7 && strcmp(path + n - 7, "/config") == 0;
}

int main(void)
{
	P(rte_thread_is_intr());
	/* Whatever the runner left open above stderr would shift the EAL's descriptors. */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	CHECK(test_eal_init_argv(0, NULL, 0) >= 0, "rte_eal_init failed: %s",
	      rte_strerror(rte_errno));
	OBS("fd 3 is the shared config file: %d", fd3_is_config());
	alarms();
	instances();
	callbacks();
	control();
	epoll_part();
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}
