/* Locks that neither a panic nor a kill can leave held (rtemem only: DPDK's locks spin forever
 * after such a death). Runs without hugepages (--no-huge).
 *
 * Children forked from this primary (each its own process, with its own identity) take a lock
 * and die holding it: they stop inside an operation at a fault point (RTEMEM_FAULT=<point>:stop,
 * see src/sync/fault.rs) or after taking an rte_mcfg_* lock themselves, and are killed there
 * with SIGKILL. Or they panic inside rtemem while holding a lock (RTEMEM_FAULT=<point>:panic)
 * and live on. Each time the parent must then complete the same operation within 10 s (an
 * alarm kills it otherwise), and an array must be consistent (used count == set bits):
 * - the rte_mcfg_* pairs, read and write holds;
 * - an array made with rte_fbarray_init and attached again with rte_fbarray_attach: killed
 *   inside set_used and set_free (between the mask and the count) and inside a search;
 * - the guards inside rtemem: a panic under the memory, memzone, heap-table and tailq locks,
 *   and a kill inside a memzone write (look-ups must not wait for the dead writer). */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <rte_eal_memconfig.h>
#include <rte_fbarray.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_tailq.h>
#include "common.h"

#define BOUND_S 10

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Forks a child that arms RTEMEM_FAULT (when fault != NULL) and runs fn(arg), which must stop
 * the child (the fault point, or raise(SIGSTOP)); then kills it there. */
static void kill_inside(const char *what, const char *fault, void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (fault)
			setenv("RTEMEM_FAULT", fault, 1);
		fn(arg);
		_exit(3); /* did not stop */
	}
	double end = now() + BOUND_S;
	int st = 0;
	for (;;) {
		pid_t r = waitpid(pid, &st, WUNTRACED | WNOHANG);
		CHECK(r == 0 || r == pid, "waitpid");
		if (r == pid)
			break;
		if (now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			CHECK(0, "%s: the child did not stop within %d s", what, BOUND_S);
		}
		usleep(1000);
	}
	CHECK(WIFSTOPPED(st), "%s: the child was to stop inside the operation (status %#x)", what,
	      st);
	CHECK(kill(pid, SIGKILL) == 0, "kill");
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "reap");
}

/* Forks a child that arms RTEMEM_FAULT=<point>:panic, runs fn(arg) (which must fail, the panic
 * caught inside rtemem) and lives on. Returns its pid once the call has returned. */
static pid_t panic_inside(const char *what, const char *fault, int (*fn)(void *), void *arg)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		close(p[0]);
		setenv("RTEMEM_FAULT", fault, 1);
		char c = fn(arg) == 0 ? 'y' : 'n';
		if (write(p[1], &c, 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(p[1]);
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	CHECK(poll(&pf, 1, BOUND_S * 1000) == 1, "%s: the call did not return within %d s", what,
	      BOUND_S);
	char c = 0;
	CHECK(read(p[0], &c, 1) == 1, "%s: the child died", what);
	close(p[0]);
	CHECK(c == 'n', "%s: the panicking call was to fail", what);
	return pid;
}

static void end_child(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* --- the rte_mcfg_* pairs --------------------------------------------------------------- */

struct pair {
	const char *name;
	void (*lock)(void);
	void (*unlock)(void);
};

static void take_and_stop(void *arg)
{
	struct pair *p = arg;
	p->lock();
	raise(SIGSTOP);
}

static void mcfg_pairs(void)
{
	struct pair pairs[] = {
		{ "mem read", rte_mcfg_mem_read_lock, rte_mcfg_mem_read_unlock },
		{ "mem write", rte_mcfg_mem_write_lock, rte_mcfg_mem_write_unlock },
		{ "tailq read", rte_mcfg_tailq_read_lock, rte_mcfg_tailq_read_unlock },
		{ "tailq write", rte_mcfg_tailq_write_lock, rte_mcfg_tailq_write_unlock },
		{ "mempool read", rte_mcfg_mempool_read_lock, rte_mcfg_mempool_read_unlock },
		{ "mempool write", rte_mcfg_mempool_write_lock, rte_mcfg_mempool_write_unlock },
		{ "timer", rte_mcfg_timer_lock, rte_mcfg_timer_unlock },
	};
	struct pair writers[] = {
		{ "mem", rte_mcfg_mem_write_lock, rte_mcfg_mem_write_unlock },
		{ "tailq", rte_mcfg_tailq_write_lock, rte_mcfg_tailq_write_unlock },
		{ "mempool", rte_mcfg_mempool_write_lock, rte_mcfg_mempool_write_unlock },
		{ "timer", rte_mcfg_timer_lock, rte_mcfg_timer_unlock },
	};
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		kill_inside(pairs[i].name, NULL, take_and_stop, &pairs[i]);
		alarm(BOUND_S);
		struct pair *w = &writers[i / 2];
		w->lock();
		w->unlock();
		pairs[i].lock();
		pairs[i].unlock();
		alarm(0);
		printf("ok: rte_mcfg %s lock of a killed process taken back\n", pairs[i].name);
	}
}

/* --- a user array ------------------------------------------------------------------------ */

static struct rte_fbarray *arr;

static void consistent(const char *what)
{
	unsigned used = 0;
	for (unsigned i = 0; i < arr->len; i++)
		used += rte_fbarray_is_used(arr, i) == 1;
	CHECK(used == arr->count, "%s: used count %u, %u bits set", what, arr->count, used);
}

static void reattach(void)
{
	/* As another process would: map the array from its file. */
	CHECK(rte_fbarray_detach(arr) == 0, "detach the inherited mapping");
	CHECK(rte_fbarray_attach(arr) == 0, "attach: %s", rte_strerror(rte_errno));
}

static void set_used_100(void *a)
{
	(void)a;
	reattach();
	rte_fbarray_set_used(arr, 100);
}

static void set_free_5(void *a)
{
	(void)a;
	reattach();
	rte_fbarray_set_free(arr, 5);
}

static void find_free(void *a)
{
	(void)a;
	rte_fbarray_find_next_free(arr, 0);
}

static void find_biggest(void *a)
{
	(void)a;
	rte_fbarray_find_biggest_used(arr, 0);
}

static void user_array(void)
{
	const struct rte_memzone *mz =
		rte_memzone_reserve("lk_arr", sizeof(*arr), SOCKET_ID_ANY, 0);
	CHECK(mz != NULL, "memzone: %s", rte_strerror(rte_errno));
	arr = mz->addr;
	CHECK(rte_fbarray_init(arr, "lk_user", 256, 8) == 0, "init: %s", rte_strerror(rte_errno));
	CHECK(rte_fbarray_set_used(arr, 5) == 0 && rte_fbarray_set_used(arr, 6) == 0, "set");

	kill_inside("set_used", "fbarray.set:stop", set_used_100, NULL);
	alarm(BOUND_S);
	CHECK(rte_fbarray_set_used(arr, 101) == 0, "set_used after a killed set_used");
	alarm(0);
	CHECK(rte_fbarray_is_used(arr, 100) == 1, "the killed writer's bit is there");
	CHECK(arr->count == 4, "count %u after the repair", arr->count);
	consistent("set_used");
	printf("ok: fbarray set_used killed between mask and count: lock taken back, count repaired\n");

	kill_inside("set_free", "fbarray.set:stop", set_free_5, NULL);
	alarm(BOUND_S);
	CHECK(rte_fbarray_find_next_used(arr, 0) == 6, "a search after a killed set_free");
	alarm(0);
	CHECK(arr->count == 3, "count %u after the repair", arr->count);
	consistent("set_free");
	printf("ok: fbarray set_free killed: lock taken back, count repaired\n");

	kill_inside("find_next_free", "fbarray.find:stop", find_free, NULL);
	kill_inside("find_biggest_used", "fbarray.find:stop", find_biggest, NULL);
	alarm(BOUND_S);
	CHECK(rte_fbarray_set_free(arr, 101) == 0, "set_free after killed readers");
	alarm(0);
	consistent("find");
	printf("ok: fbarray readers killed inside searches: writers go on\n");
	CHECK(rte_fbarray_destroy(arr) == 0, "destroy: %s", rte_strerror(rte_errno));
	rte_memzone_free(mz);
}

/* --- panics under rtemem's own guards ------------------------------------------------------ */

static int walk_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl, (void)ms, (void)arg;
	return 0;
}

static int do_walk(void *a)
{
	(void)a;
	return rte_memseg_walk(walk_cb, NULL);
}

static void *ext_area;

static int do_extmem(void *a)
{
	(void)a;
	return rte_extmem_register(ext_area, 2 * 4096, NULL, 0, 4096);
}

static int do_reserve(void *a)
{
	return rte_memzone_reserve(a, 64, SOCKET_ID_ANY, 0) ? 0 : -1;
}

static void reserve_and_stop(void *a)
{
	do_reserve(a);
}

static int do_heap(void *a)
{
	return rte_malloc_heap_create(a);
}

static struct rte_tailq_elem tq = { .name = "lk_tailq" };

static int do_tailq(void *a)
{
	(void)a;
	return rte_eal_tailq_register(&tq);
}

static void guards(void)
{
	ext_area = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ext_area != MAP_FAILED, "mmap");

	pid_t c = panic_inside("memseg walk", "mcfg.mem_read:panic", do_walk, NULL);
	alarm(BOUND_S);
	rte_mcfg_mem_write_lock();
	rte_mcfg_mem_write_unlock();
	alarm(0);
	end_child(c);
	printf("ok: a panic under the memory read guard left the lock free\n");

	c = panic_inside("extmem register", "mcfg.mem_write:panic", do_extmem, NULL);
	alarm(BOUND_S);
	rte_mcfg_mem_read_lock();
	rte_mcfg_mem_read_unlock();
	CHECK(do_extmem(NULL) == 0, "extmem register: %s", rte_strerror(rte_errno));
	CHECK(rte_extmem_unregister(ext_area, 2 * 4096) == 0, "extmem unregister");
	alarm(0);
	end_child(c);
	printf("ok: a panic under the memory write guard left the lock free\n");

	c = panic_inside("memzone reserve", "mcfg.memzone_write:panic", do_reserve, "lk_z1");
	alarm(BOUND_S);
	const struct rte_memzone *z = rte_memzone_reserve("lk_z2", 64, SOCKET_ID_ANY, 0);
	CHECK(z != NULL, "memzone reserve: %s", rte_strerror(rte_errno));
	alarm(0);
	end_child(c);
	printf("ok: a panic under the memzone guard left the lock free\n");

	c = panic_inside("heap create", "mcfg.heap_table_write:panic", do_heap, "lk_h1");
	alarm(BOUND_S);
	CHECK(rte_malloc_heap_create("lk_h2") == 0, "heap create: %s", rte_strerror(rte_errno));
	CHECK(rte_malloc_heap_destroy("lk_h2") == 0, "heap destroy");
	alarm(0);
	end_child(c);
	printf("ok: a panic under the heap-table guard left the lock free\n");

	c = panic_inside("tailq register", "mcfg.tailq_write:panic", do_tailq, NULL);
	alarm(BOUND_S);
	rte_mcfg_tailq_write_lock();
	rte_mcfg_tailq_write_unlock();
	alarm(0);
	end_child(c);
	printf("ok: a panic under the tailq guard left the lock free\n");

	/* Killed inside a memzone write (the seqlock's odd window): look-ups go on. */
	kill_inside("memzone write", "memzone.write:stop", reserve_and_stop, "lk_z3");
	alarm(BOUND_S);
	CHECK(rte_memzone_lookup("lk_z2") == z, "look-up after a writer died inside its write");
	const struct rte_memzone *z4 = rte_memzone_reserve("lk_z4", 64, SOCKET_ID_ANY, 0);
	CHECK(z4 != NULL, "memzone reserve after a killed one: %s", rte_strerror(rte_errno));
	CHECK(rte_memzone_lookup("lk_z4") == z4, "look-up of a new zone");
	alarm(0);
	rte_memzone_free(z4);
	rte_memzone_free(z);
	printf("ok: a writer killed inside a memzone write hangs no look-up\n");
	munmap(ext_area, 2 * 4096);
}

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init: %s", rte_strerror(rte_errno));
	mcfg_pairs();
	user_array();
	guards();
	rte_eal_cleanup();
	printf("test_lock_faults: ok\n");
	return 0;
}
