/* Tailq registration before and after init, look-up, duplicate names, and a list that C code
 * fills with the TAILQ macros under the tailq lock, compared with DPDK 22.11. */
#include <sys/queue.h>
#include <rte_tailq.h>
#include <rte_eal_memconfig.h>
#include "common.h"

static struct rte_tailq_elem early = { .name = "RTEMEM_EARLY" };
static struct rte_tailq_elem early_dup = { .name = "RTEMEM_EARLY" };
static struct rte_tailq_elem late = { .name = "RTEMEM_LATE" };
static int early_ret = 99, dup_ret = 99, dup_errno = 99;

RTE_INIT(register_early)
{
	early_ret = rte_eal_tailq_register(&early);
	rte_errno = 0;
	dup_ret = rte_eal_tailq_register(&early_dup);
	dup_errno = rte_errno;
}

struct item {
	TAILQ_ENTRY(item) next;
	int value;
};
TAILQ_HEAD(item_list, item);

int main(void)
{
	OBS("register before init: %d; duplicate: %d (dup head NULL %d)", early_ret, dup_ret,
	    early_dup.head == NULL);
	(void)dup_errno;
	OBS("head before init is NULL: %d", early.head == NULL);
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	OBS("head after init set: %d", early.head != NULL);
	OBS("lookup finds the same head: %d", rte_eal_tailq_lookup("RTEMEM_EARLY") == early.head);
	OBS("lookup of an unknown name: %p", (void *)rte_eal_tailq_lookup("RTEMEM_NOPE"));
	OBS("head name: %s", early.head ? early.head->name : "(none)");

	int late_ret = rte_eal_tailq_register(&late);
	OBS("register after init: %d, head set %d", late_ret, late.head != NULL);
	OBS("late lookup matches: %d", rte_eal_tailq_lookup("RTEMEM_LATE") == late.head);

	/* Fill the shared list the way DPDK libraries do. */
	struct rte_tailq_entry entries[3];
	struct rte_tailq_entry_head *list = RTE_TAILQ_CAST(early.head, rte_tailq_entry_head);
	rte_mcfg_tailq_write_lock();
	for (int i = 0; i < 3; i++) {
		entries[i].data = (void *)(long)(i + 1);
		TAILQ_INSERT_TAIL(list, &entries[i], next);
	}
	rte_mcfg_tailq_write_unlock();
	rte_mcfg_tailq_read_lock();
	struct rte_tailq_entry *e;
	long sum = 0;
	int n = 0;
	TAILQ_FOREACH(e, list, next) {
		sum += (long)e->data;
		n++;
	}
	rte_mcfg_tailq_read_unlock();
	OBS("list has %d entries summing to %ld", n, sum);
	struct rte_tailq_entry_head *looked = RTE_TAILQ_LOOKUP("RTEMEM_EARLY", rte_tailq_entry_head);
	OBS("RTE_TAILQ_LOOKUP gives the same list: %d", looked == list);
	OBS("cleanup %d", rte_eal_cleanup());
	return 0;
}
