/*
 * rtemem: named tail queues whose heads live in the shared config (DPDK 22.11 rte_tailq.h).
 * Libraries declare a struct rte_tailq_elem and register it with EAL_REGISTER_TAILQ; after
 * rte_eal_init its `head` points at the head shared by every process of the prefix.
 */
#ifndef _RTE_TAILQ_H_
#define _RTE_TAILQ_H_

#include <stdio.h>
#include <rte_common.h>
#include <rte_debug.h>
#include <rte_os.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One entry of a tailq: links plus the object it stands for. */
struct rte_tailq_entry {
	RTE_TAILQ_ENTRY(rte_tailq_entry) next;
	void *data;
};
/** The list type every shared head holds. */
RTE_TAILQ_HEAD(rte_tailq_entry_head, rte_tailq_entry);

#ifndef RTE_TAILQ_NAMESIZE
#define RTE_TAILQ_NAMESIZE 32
#endif

/** A named head in shared memory; tailq_head must stay first. */
struct rte_tailq_head {
	struct rte_tailq_entry_head tailq_head;
	char name[RTE_TAILQ_NAMESIZE];
};

/** A library's handle on a shared tailq; `head` is set by registration/init. */
struct rte_tailq_elem {
	struct rte_tailq_head *head;
	RTE_TAILQ_ENTRY(rte_tailq_elem) next;
	const char name[RTE_TAILQ_NAMESIZE];
};

_Static_assert(sizeof(struct rte_tailq_head) == 48, "rte_tailq_head layout");
_Static_assert(sizeof(struct rte_tailq_elem) == 56, "rte_tailq_elem layout");

/** The head as a list of `struct_name` (the library's own list type). */
#define RTE_TAILQ_CAST(tailq_entry, struct_name) \
	(struct struct_name *)&(tailq_entry)->tailq_head

/** Looks a shared head up by name and casts it; NULL when absent. */
#define RTE_TAILQ_LOOKUP(name, struct_name) __extension__ ({ \
	struct rte_tailq_head *rte_tailq_lookup_head_ = rte_eal_tailq_lookup(name); \
	rte_tailq_lookup_head_ == NULL ? NULL : \
		RTE_TAILQ_CAST(rte_tailq_lookup_head_, struct_name); \
})

void rte_dump_tailq(FILE *f);
struct rte_tailq_head *rte_eal_tailq_lookup(const char *name);
int rte_eal_tailq_register(struct rte_tailq_elem *t);

/** Registers tailq element `t` from a constructor, before main. */
#define EAL_REGISTER_TAILQ(t) \
RTE_INIT(tailqinitfn_ ##t) \
{ \
	if (rte_eal_tailq_register(&t) < 0) \
		rte_panic("Cannot initialize tailq: %s\n", t.name); \
}

/** Iterates where the loop body may remove and free `var`. */
#define RTE_TAILQ_FOREACH_SAFE(var, head, field, tvar) \
	for ((var) = RTE_TAILQ_FIRST((head)); \
	    (var) && ((tvar) = RTE_TAILQ_NEXT((var), field), 1); \
	    (var) = (tvar))

#ifdef __cplusplus
}
#endif

#endif /* _RTE_TAILQ_H_ */
