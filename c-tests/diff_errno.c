/* rte_strerror and rte_errno, compared with DPDK 22.11: DPDK's own codes, libc codes,
 * unknown and negative values, and rte_errno being per thread. */
#include <pthread.h>
#include "common.h"

static void *set_errno_in_thread(void *arg)
{
	(void)arg;
	OBS("thread starts with rte_errno %d", rte_errno);
	rte_errno = 77;
	return NULL;
}

int main(void)
{
	static const int values[] = { 0, 1, 12, 22, 114, 133, 134, 999, RTE_MIN_ERRNO,
		E_RTE_SECONDARY, E_RTE_NO_CONFIG, RTE_MAX_ERRNO, 5000, -1, -22, -E_RTE_SECONDARY };
	pthread_t t;

	for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		OBS("strerror(%d) = '%s'", values[i], rte_strerror(values[i]));
	OBS("E_RTE_SECONDARY %d E_RTE_NO_CONFIG %d RTE_MAX_ERRNO %d", E_RTE_SECONDARY,
	    E_RTE_NO_CONFIG, RTE_MAX_ERRNO);
	rte_errno = 5;
	pthread_create(&t, NULL, set_errno_in_thread, NULL);
	pthread_join(t, NULL);
	OBS("main thread keeps rte_errno %d", rte_errno);
	return 0;
}
