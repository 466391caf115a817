/*
 * Differential test of rte_fbarray: the same fixed-seed sequence of operations runs on real
 * DPDK 22.11 and on rtemem; every call's return value and rte_errno (reset to 0 before each
 * call) is an observation that must match.
 *
 *   1. argument errors of init/attach/detach/destroy/get/find_idx/set/is_used/searches;
 *   2. for each length (1, 2, 63, 64, 65, 66, 127, 128, 130, 1000, 4097): 1,200 random
 *      operations (set_used/set_free/is_used and every find_* with random, edge and
 *      out-of-range start and n), with "fills" of long runs to make long used/free stretches,
 *      then the metadata dump line by line. Random-operation lines start with "r " and are
 *      replayed by the Rust test fbarray::tests::replay_matches_real_dpdk.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_fbarray.h>

#include "common.h"

/* xorshift64*, high 32 bits (the Rust replay uses the same generator). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

#define CALL(label, expr) do { \
	int r_; \
	rte_errno = 0; \
	r_ = (expr); \
	OBS("%s = %d errno %d", label, r_, rte_errno); \
} while (0)

typedef int (*find1_t)(struct rte_fbarray *, unsigned int);
typedef int (*findn_t)(struct rte_fbarray *, unsigned int, unsigned int);

static const struct { const char *name; find1_t fn; } finds1[] = {
	{ "next_free", rte_fbarray_find_next_free },
	{ "next_used", rte_fbarray_find_next_used },
	{ "prev_free", rte_fbarray_find_prev_free },
	{ "prev_used", rte_fbarray_find_prev_used },
	{ "contig_free", rte_fbarray_find_contig_free },
	{ "contig_used", rte_fbarray_find_contig_used },
	{ "rev_contig_free", rte_fbarray_find_rev_contig_free },
	{ "rev_contig_used", rte_fbarray_find_rev_contig_used },
	{ "biggest_free", rte_fbarray_find_biggest_free },
	{ "biggest_used", rte_fbarray_find_biggest_used },
	{ "rev_biggest_free", rte_fbarray_find_rev_biggest_free },
	{ "rev_biggest_used", rte_fbarray_find_rev_biggest_used },
};

static const struct { const char *name; findn_t fn; } findsn[] = {
	{ "next_n_free", rte_fbarray_find_next_n_free },
	{ "next_n_used", rte_fbarray_find_next_n_used },
	{ "prev_n_free", rte_fbarray_find_prev_n_free },
	{ "prev_n_used", rte_fbarray_find_prev_n_used },
};

#define N_FIND1 (sizeof(finds1) / sizeof(finds1[0]))
#define N_FINDN (sizeof(findsn) / sizeof(findsn[0]))

/* A start index: mostly in range, sometimes at the edges or past the end. */
static unsigned int pick_start(unsigned int len)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return len - 1;
	case 2: return len + below(3);
	case 3: return below(10) == 0 ? UINT_MAX : len - 1 - below(len < 70 ? len : 70);
	default: return below(len);
	}
}

/* A run length: small, around a word, any up to len + 1 (0 and > len included). */
static unsigned int pick_n(unsigned int len)
{
	switch (below(4)) {
	case 0: return 1 + below(8);
	case 1: return 1 + below(130);
	default: return below(len + 2);
	}
}

static void random_ops(struct rte_fbarray *arr, unsigned int len, int nops)
{
	char label[96];
	int i;

	for (i = 0; i < nops; i++) {
		/* The mix drifts between mostly-set and mostly-free phases. */
		unsigned int phase = (unsigned int)(i / 150) % 3;
		unsigned int op = below(20);
		unsigned int start = pick_start(len);

		if (op < 6) {
			int used = phase == 0 ? below(4) != 0 : phase == 1 ? below(4) == 0 : below(2);
			snprintf(label, sizeof(label), "r set_%s(%u)", used ? "used" : "free", start);
			CALL(label, used ? rte_fbarray_set_used(arr, start) : rte_fbarray_set_free(arr, start));
		} else if (op == 6) {
			/* Fill a stretch, to make long runs; one observation for the whole fill. */
			unsigned int a = below(len), b = a + below(200), k, used = below(2);
			int sum = 0;
			if (b > len)
				b = len;
			for (k = a; k < b; k++) {
				rte_errno = 0;
				sum += used ? rte_fbarray_set_used(arr, k) : rte_fbarray_set_free(arr, k);
				sum += rte_errno;
			}
			OBS("r fill_%s(%u, %u) = %d count %u", used ? "used" : "free", a, b, sum, arr->count);
		} else if (op == 7) {
			snprintf(label, sizeof(label), "r is_used(%u)", start);
			CALL(label, rte_fbarray_is_used(arr, start));
		} else if (op < 14) {
			unsigned int f = below(N_FIND1);
			snprintf(label, sizeof(label), "r %s(%u)", finds1[f].name, start);
			CALL(label, finds1[f].fn(arr, start));
		} else {
			unsigned int f = below(N_FINDN), n = pick_n(len);
			snprintf(label, sizeof(label), "r %s(%u, %u)", findsn[f].name, start, n);
			CALL(label, findsn[f].fn(arr, start, n));
		}
	}
}

static void dump_lines(struct rte_fbarray *arr)
{
	char *buf = NULL, *line, *save = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	CHECK(f != NULL, "open_memstream");
	rte_fbarray_dump_metadata(arr, f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		OBS("dump %s", line);
	free(buf);
}

static void argument_errors(void)
{
	struct rte_fbarray arr, other;
	char name64[65], name63[64];
	int x;

	memset(name64, 'a', 64);
	name64[64] = '\0';
	memset(name63, 'b', 63);
	name63[63] = '\0';
	memset(&arr, 0, sizeof(arr));

	CALL("init(NULL)", rte_fbarray_init(NULL, "x", 10, 8));
	CALL("init(name NULL)", rte_fbarray_init(&arr, NULL, 10, 8));
	CALL("init(len 0)", rte_fbarray_init(&arr, "x", 0, 8));
	CALL("init(elt_sz 0)", rte_fbarray_init(&arr, "x", 10, 0));
	CALL("init(len INT_MAX+1)", rte_fbarray_init(&arr, "x", (unsigned int)INT_MAX + 1, 1));
	CALL("init(len UINT_MAX)", rte_fbarray_init(&arr, "x", UINT_MAX, 1));
	CALL("init(name 64)", rte_fbarray_init(&arr, name64, 10, 8));
	CALL("init(name 63)", rte_fbarray_init(&arr, name63, 10, 8));
	OBS("name63 len %zu count %u len %u elt_sz %u", strlen(arr.name), arr.count, arr.len, arr.elt_sz);
	/* The same name again while this process holds the file: EBUSY. */
	CALL("init(name 63 again)", rte_fbarray_init(&other, name63, 10, 8));
	/* Attaching what this process already maps: EEXIST. */
	CALL("attach(mapped)", rte_fbarray_attach(&arr));
	CALL("attach(NULL)", rte_fbarray_attach(NULL));

	CALL("get(NULL)", rte_fbarray_get(NULL, 0) == NULL ? -1 : 0);
	CALL("get(10)", rte_fbarray_get(&arr, 10) == NULL ? -1 : 0);
	CALL("get(9) offset", (int)((char *)rte_fbarray_get(&arr, 9) - (char *)arr.data));
	CALL("find_idx(NULL arr)", rte_fbarray_find_idx(NULL, arr.data));
	CALL("find_idx(NULL elt)", rte_fbarray_find_idx(&arr, NULL));
	CALL("find_idx(data+17)", rte_fbarray_find_idx(&arr, (char *)arr.data + 17));
	CALL("find_idx(data+80)", rte_fbarray_find_idx(&arr, (char *)arr.data + 80));
	CALL("find_idx(&x)", rte_fbarray_find_idx(&arr, &x));
	CALL("set_used(NULL)", rte_fbarray_set_used(NULL, 0));
	CALL("set_free(10)", rte_fbarray_set_free(&arr, 10));
	CALL("is_used(NULL)", rte_fbarray_is_used(NULL, 0));
	CALL("next_free(NULL)", rte_fbarray_find_next_free(NULL, 0));
	CALL("next_n_free(NULL)", rte_fbarray_find_next_n_free(NULL, 0, 1));
	CALL("biggest_used(NULL)", rte_fbarray_find_biggest_used(NULL, 0));
	CALL("rev_contig_used(NULL)", rte_fbarray_find_rev_contig_used(NULL, 0));

	/* Empty and full arrays answer from the used count. */
	CALL("empty next_used(3)", rte_fbarray_find_next_used(&arr, 3));
	CALL("empty prev_n_free(3, 4)", rte_fbarray_find_prev_n_free(&arr, 3, 4));
	CALL("empty prev_n_free(3, 5)", rte_fbarray_find_prev_n_free(&arr, 3, 5));
	CALL("empty rev_biggest_free(4)", rte_fbarray_find_rev_biggest_free(&arr, 4));
	CALL("empty contig_used(4)", rte_fbarray_find_contig_used(&arr, 4));
	for (x = 0; x < 10; x++)
		rte_fbarray_set_used(&arr, x);
	CALL("full next_free(3)", rte_fbarray_find_next_free(&arr, 3));
	CALL("full next_n_used(3, 7)", rte_fbarray_find_next_n_used(&arr, 3, 7));
	CALL("full next_n_used(3, 8)", rte_fbarray_find_next_n_used(&arr, 3, 8));
	CALL("full rev_contig_used(6)", rte_fbarray_find_rev_contig_used(&arr, 6));
	CALL("full biggest_used(2)", rte_fbarray_find_biggest_used(&arr, 2));
	OBS("count %u", arr.count);

	CALL("dump(NULL)", (rte_fbarray_dump_metadata(NULL, stdout), 0));
	dump_lines(&arr);

	CALL("detach(NULL)", rte_fbarray_detach(NULL));
	CALL("destroy(NULL)", rte_fbarray_destroy(NULL));
	memset(&other, 0, sizeof(other));
	other.len = 10;
	other.elt_sz = 8;
	other.data = &x;
	CALL("detach(unknown)", rte_fbarray_detach(&other));
	CALL("destroy(unknown)", rte_fbarray_destroy(&other));
	CALL("destroy", rte_fbarray_destroy(&arr));
	OBS("after destroy len %u elt_sz %u data %s name0 %d", arr.len, arr.elt_sz,
		arr.data == NULL ? "NULL" : "set", arr.name[0]);
	CALL("destroy again", rte_fbarray_destroy(&arr));
	CALL("get after destroy", rte_fbarray_get(&arr, 0) == NULL ? -1 : 0);
	CALL("next_free after destroy", rte_fbarray_find_next_free(&arr, 0));
}

int main(void)
{
	static const unsigned int lens[] = { 1, 2, 63, 64, 65, 66, 127, 128, 130, 1000, 4097 };
	unsigned int i;
	int total = 0;

	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	argument_errors();

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct rte_fbarray arr;
		char name[32];
		unsigned int elt_sz = 1 + i * 3; /* odd sizes leave the mask unaligned */

		snprintf(name, sizeof(name), "diff%u", lens[i]);
		OBS("len %u elt_sz %u", lens[i], elt_sz);
		CALL("init", rte_fbarray_init(&arr, name, lens[i], elt_sz));
		CHECK(arr.len == lens[i], "init did not set len");
		random_ops(&arr, lens[i], 1200);
		total += 1200;
		OBS("count %u", arr.count);
		dump_lines(&arr);
		CALL("destroy", rte_fbarray_destroy(&arr));
	}
	OBS("random operations %d", total);
	CHECK(total >= 10000, "too few operations");
	rte_eal_cleanup();
	return 0;
}
