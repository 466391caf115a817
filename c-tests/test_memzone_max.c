/* The memzone limit beyond RTE_MAX_MEMZONE: rtemem_memzone_max_set() before init (refused with
 * EINVAL out of range, with EBUSY after init), 100,000 memzones reserved, looked up and freed,
 * one more refused (ENOSPC); a secondary sees the primary's limit and zones, whatever its own
 * environment says; RTEMEM_MEMZONE_MAX sets the limit of a primary, a bad value fails its init,
 * and without either the limit is RTE_MAX_MEMZONE. */
#include <rte_memzone.h>
#include <rtemem.h>
#include "common.h"

#define N 100000

static int walked;
static void count(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(void)arg;
	walked++;
}

static int init_nohuge(int n, const char *const *extra)
{
	return test_eal_init_argv(n, extra, 0);
}

static int secondary(void)
{
	static const char *const extra[] = {"--proc-type", "secondary"};
	CHECK(init_nohuge(2, extra) >= 0, "secondary init: %s", rte_strerror(rte_errno));
	CHECK(rtemem_memzone_max_get() == N, "secondary's limit %zu, primary's %d",
	      rtemem_memzone_max_get(), N);
	char name[32];
	for (int i = 0; i < N; i += 997) {
		snprintf(name, sizeof(name), "mz%d", i);
		const struct rte_memzone *mz = rte_memzone_lookup(name);
		CHECK(mz != NULL && strcmp(mz->name, name) == 0 && *(int *)mz->addr == i,
		      "secondary: lookup %s", name);
	}
	walked = 0;
	rte_memzone_walk(count, NULL);
	CHECK(walked == N, "secondary walks %d zones, %d expected", walked, N);
	rte_errno = 0;
	CHECK(rte_memzone_reserve("one_more", 64, SOCKET_ID_ANY, 0) == NULL && rte_errno == ENOSPC,
	      "secondary: zone beyond the limit: errno %d", rte_errno);
	rte_eal_cleanup();
	return 0;
}

/* A primary whose limit comes from RTEMEM_MEMZONE_MAX (argv[2]); prints its limit. */
static int env_primary(const char *expect)
{
	int r = init_nohuge(0, NULL);
	if (strcmp(expect, "fail") == 0) {
		CHECK(r < 0 && rte_errno == EINVAL, "bad RTEMEM_MEMZONE_MAX: init %d errno %d", r, rte_errno);
		return 0;
	}
	CHECK(r >= 0, "init: %s", rte_strerror(rte_errno));
	CHECK(rtemem_memzone_max_get() == (size_t)atol(expect), "limit %zu, expected %s",
	      rtemem_memzone_max_get(), expect);
	rte_eal_cleanup();
	return 0;
}

static void run_env_primary(const char *env, const char *expect)
{
	char prefix[256];
	const char *base = test_prefix();
	snprintf(prefix, sizeof(prefix), "%s-env", base);
	char *saved = strdup(base);
	setenv("RTEMEM_TEST_PREFIX", prefix, 1);
	if (env)
		setenv("RTEMEM_MEMZONE_MAX", env, 1);
	else
		unsetenv("RTEMEM_MEMZONE_MAX");
	pid_t pid = test_spawn_self(NULL, "env", expect, NULL);
	CHECK(test_wait(pid, -1) == 0, "primary with RTEMEM_MEMZONE_MAX=%s", env ? env : "(unset)");
	setenv("RTEMEM_TEST_PREFIX", saved, 1);
	unsetenv("RTEMEM_MEMZONE_MAX");
	free(saved);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "secondary") == 0)
		return secondary();
	if (argc > 2 && strcmp(argv[1], "env") == 0)
		return env_primary(argv[2]);

	run_env_primary(NULL, "2560");
	run_env_primary("3000", "3000");
	run_env_primary("abc", "fail");
	run_env_primary("0", "fail");

	CHECK(rtemem_memzone_max_get() == RTE_MAX_MEMZONE, "default %zu", rtemem_memzone_max_get());
	rte_errno = 0;
	CHECK(rtemem_memzone_max_set(0) < 0 && rte_errno == EINVAL, "limit 0 accepted");
	CHECK(rtemem_memzone_max_set((size_t)1 << 40) < 0 && rte_errno == EINVAL, "limit 2^40 accepted");
	CHECK(rtemem_memzone_max_set(N) == 0, "set: %s", rte_strerror(rte_errno));
	CHECK(rtemem_memzone_max_get() == N, "limit before init %zu", rtemem_memzone_max_get());
	setenv("RTEMEM_MEMZONE_MAX", "5000", 1); /* the call wins */
	CHECK(init_nohuge(0, NULL) >= 0, "init: %s", rte_strerror(rte_errno));
	unsetenv("RTEMEM_MEMZONE_MAX");
	rte_errno = 0;
	CHECK(rtemem_memzone_max_set(10) < 0 && rte_errno == EBUSY, "set after init: errno %d", rte_errno);
	CHECK(rtemem_memzone_max_get() == N, "limit after init %zu", rtemem_memzone_max_get());

	walked = 0;
	rte_memzone_walk(count, NULL);
	int base = walked; /* zones the EAL made itself (none on rtemem today) */
	static const struct rte_memzone *zones[N];
	char name[32];
	for (int i = 0; i < N - base; i++) {
		snprintf(name, sizeof(name), "mz%d", i);
		zones[i] = rte_memzone_reserve(name, 64, SOCKET_ID_ANY, 0);
		CHECK(zones[i] != NULL, "zone %d of %d: %s", i, N - base, rte_strerror(rte_errno));
		*(int *)zones[i]->addr = i;
	}
	rte_errno = 0;
	CHECK(rte_memzone_reserve("one_more", 64, SOCKET_ID_ANY, 0) == NULL && rte_errno == ENOSPC,
	      "zone beyond the limit: errno %d", rte_errno);
	for (int i = 0; i < N - base; i++) {
		snprintf(name, sizeof(name), "mz%d", i);
		CHECK(rte_memzone_lookup(name) == zones[i], "lookup %s", name);
	}
	CHECK(rte_memzone_lookup("mz-missing") == NULL, "lookup of a missing name");

	pid_t pid = test_spawn_self(NULL, "secondary", NULL);
	CHECK(test_wait(pid, -1) == 0, "the secondary failed");

	for (int i = 0; i < N - base; i++)
		CHECK(rte_memzone_free(zones[i]) == 0, "free %d", i);
	for (int i = 0; i < N - base; i += 101) {
		snprintf(name, sizeof(name), "mz%d", i);
		CHECK(rte_memzone_lookup(name) == NULL, "lookup %s after free", name);
	}
	/* Freed slots are reused: a second full round fits. */
	for (int i = 0; i < N - base; i++) {
		snprintf(name, sizeof(name), "again%d", i);
		zones[i] = rte_memzone_reserve(name, 64, SOCKET_ID_ANY, 0);
		CHECK(zones[i] != NULL, "second round, zone %d: %s", i, rte_strerror(rte_errno));
	}
	CHECK(rte_memzone_lookup("again77777") == zones[77777], "lookup in the second round");
	for (int i = 0; i < N - base; i++)
		CHECK(rte_memzone_free(zones[i]) == 0, "second round, free %d", i);
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}
