/*
 * rtemem-info: what a running rtemem primary has in memory (the memory counterpart of
 * dpdk-proc-info).
 *
 *   rtemem-info [--file-prefix <prefix>] [--json] [EAL options...]
 *
 * Attaches to the primary of <prefix> (default "rte", DPDK's) as a secondary process on one CPU, reads the memzones,
 * the malloc heaps and their statistics, the memseg lists, the physical memory total and the
 * processes attached to the prefix, prints them (aligned text with sizes in bytes and in binary
 * units, or one JSON object with --json, in bytes) and detaches with rte_eal_cleanup. It only reads: it reserves, allocates and frees nothing,
 * so the primary is not disturbed.
 *
 * Everything comes from DPDK's public API except three things DPDK cannot tell a secondary,
 * which come from librtemem's rtemem_info_* calls: the list of heap ids (external heap ids are
 * not enumerable through rte_malloc_heap_socket_is_external: destroyed ids leave gaps), each
 * heap's name, and the pids of the primary and the attached processes.
 *
 * Exit: 0 printed, 1 could not attach (no primary running, or one that is not rtemem's: the EAL's
 * message says so).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rtemem.h>

#define MAX_HEAPS 64
#define MAX_PROCS 256

struct zone {
	char name[RTE_MEMZONE_NAMESIZE];
	uint64_t len, va, iova, page_sz;
	int socket;
	uint32_t flags;
};

struct list {
	int index;
	uint64_t page_sz, va, len;
	int socket;
	unsigned used, total, external, heap;
};

struct heap {
	int id;
	char name[64];
	bool external;
	bool mapped; /* false: external memory this process has not mapped, no statistics */
	struct rte_malloc_socket_stats st;
};

struct proc {
	int pid;
	const char *role;
	char comm[64];
};

static struct zone *zones;
static unsigned nzones, capzones;
static struct list *lists;
static unsigned nlists, caplists;

static void *grow(void *p, unsigned *cap, size_t elt)
{
	*cap = *cap ? *cap * 2 : 16;
	p = realloc(p, *cap * elt);
	if (p == NULL) {
		fprintf(stderr, "rtemem-info: out of memory\n");
		exit(1);
	}
	return p;
}

static void on_zone(const struct rte_memzone *mz, void *arg)
{
	(void)arg;
	if (nzones == capzones)
		zones = grow(zones, &capzones, sizeof(*zones));
	struct zone *z = &zones[nzones++];
	snprintf(z->name, sizeof(z->name), "%s", mz->name);
	z->len = mz->len;
	z->va = (uint64_t)(uintptr_t)mz->addr;
	z->iova = mz->iova;
	z->page_sz = mz->hugepage_sz;
	z->socket = mz->socket_id;
	z->flags = mz->flags;
}

static int on_list(const struct rte_memseg_list *msl, void *arg)
{
	int *index = arg;
	if (nlists == caplists)
		lists = grow(lists, &caplists, sizeof(*lists));
	struct list *l = &lists[nlists++];
	l->index = (*index)++;
	l->page_sz = msl->page_sz;
	l->va = (uint64_t)(uintptr_t)msl->base_va;
	l->len = msl->len;
	l->socket = msl->socket_id;
	l->used = msl->memseg_arr.count;
	l->total = msl->memseg_arr.len;
	l->external = msl->external;
	l->heap = msl->heap;
	return 0;
}

static const struct {
	uint32_t bit;
	const char *name;
} flag_names[] = {
	{RTE_MEMZONE_2MB, "2MB"},
	{RTE_MEMZONE_1GB, "1GB"},
	{RTE_MEMZONE_16MB, "16MB"},
	{RTE_MEMZONE_16GB, "16GB"},
	{RTE_MEMZONE_256KB, "256KB"},
	{RTE_MEMZONE_256MB, "256MB"},
	{RTE_MEMZONE_512MB, "512MB"},
	{RTE_MEMZONE_4GB, "4GB"},
	{RTE_MEMZONE_SIZE_HINT_ONLY, "SIZE_HINT_ONLY"},
	{RTE_MEMZONE_IOVA_CONTIG, "IOVA_CONTIG"},
};

/* "1GB|IOVA_CONTIG", "-" for none, unknown bits as hex. */
static const char *flags_text(uint32_t flags, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (flags & flag_names[i].bit) {
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "", flag_names[i].name);
			flags &= ~flag_names[i].bit;
		}
	}
	if (flags)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s0x%" PRIx32, n ? "|" : "", flags);
	if (n == 0)
		snprintf(buf, len, "-");
	return buf;
}

/* 2M, 1G, 4K, 64M ... (exact binary units only, else bytes). */
static const char *size_text(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	int u = -1;
	while (v >= 1024 && v % 1024 == 0 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
	return buf;
}

/* "67108864 (64 MiB)", "1536 (1.5 KiB)", "100 (100 B)": raw bytes, then a readable size. */
static const char *bytes_text(uint64_t v, char *buf, size_t len)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	unsigned u = 0;
	uint64_t div = 1;
	while (u + 1 < sizeof(units) / sizeof(units[0]) && v / div >= 1024) {
		div *= 1024;
		u++;
	}
	if (v % div == 0)
		snprintf(buf, len, "%" PRIu64 " (%" PRIu64 " %s)", v, v / div, units[u]);
	else
		snprintf(buf, len, "%" PRIu64 " (%.1f %s)", v, (double)v / (double)div, units[u]);
	return buf;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void read_comm(int pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	FILE *f = fopen(path, "r");
	buf[0] = 0;
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
	if (!buf[0])
		snprintf(buf, len, "?");
}

/*
 * Whether the memory of external heap `id` is mapped in this process. Its statistics are
 * read from that memory, and a secondary maps external memory only when the application
 * attaches it (rte_malloc_heap_memory_attach), which a generic inspector cannot do. An
 * external heap's memseg lists carry its id as their socket id; msync() fails with ENOMEM
 * when a range is not (wholly) mapped.
 */
static bool heap_mapped(int id)
{
	for (unsigned i = 0; i < nlists; i++) {
		struct list *l = &lists[i];
		if (!l->external || l->socket != id || l->len == 0)
			continue;
		if (msync((void *)(uintptr_t)l->va, l->len, MS_ASYNC) != 0)
			return false;
	}
	return true;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rtemem-info [--file-prefix <prefix>] [--json] [EAL options...]\n"
		"  Attaches to the running primary of <prefix> (default: rte, as every DPDK tool) as a\n"
		"  secondary process (read-only) and prints its memzones, malloc heaps with statistics,\n"
		"  memseg lists, physical memory and attached processes.\n"
		"  --json   print one JSON object instead of text (sizes in bytes)\n"
		"  EAL options are passed to rte_eal_init (after --proc-type=secondary -l <one CPU>).\n");
}

static int first_cpu(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				return c;
	return 0;
}

int main(int argc, char **argv)
{
	bool json = false, have_lcores = false;
	const char *prefix = NULL;
	char **eal = calloc((size_t)argc + 8, sizeof(char *));
	int n = 0;
	char cpu[16];

	if (eal == NULL)
		return 1;
	eal[n++] = argv[0];
	eal[n++] = "--proc-type=secondary";
	int lpos = n;
	n += 2; /* "-l", cpu: filled below unless the caller chose lcores */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json")) {
			json = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--file-prefix") && i + 1 < argc)
			prefix = argv[i + 1];
		else if (!strncmp(a, "--file-prefix=", 14))
			prefix = a + 14;
		if (!strcmp(a, "-l") || !strcmp(a, "-c") || !strncmp(a, "--lcores", 8) ||
		    (a[0] == '-' && (a[1] == 'l' || a[1] == 'c') && a[2] != '-'))
			have_lcores = true;
		eal[n++] = argv[i];
	}
	bool default_prefix = prefix == NULL;
	if (default_prefix) {
		/* DPDK's default prefix, as every DPDK tool assumes. */
		prefix = "rte";
		eal[n++] = "--file-prefix=rte";
	}
	if (have_lcores) {
		memmove(&eal[lpos], &eal[lpos + 2], (size_t)(n - lpos - 2) * sizeof(char *));
		n -= 2;
	} else {
		snprintf(cpu, sizeof(cpu), "%d", first_cpu());
		eal[lpos] = "-l";
		eal[lpos + 1] = cpu;
	}
	eal[n] = NULL;

	if (rte_eal_init(n, eal) < 0) {
		fprintf(stderr, "rtemem-info: cannot attach to the primary of --file-prefix %s%s: %s\n",
			prefix, default_prefix ? " (the default; name another with --file-prefix)" : "",
			rte_strerror(rte_errno));
		return 1;
	}

	/* Gather everything first, then print, so both formats see the same snapshot. */
	rte_memzone_walk(on_zone, NULL);
	int idx = 0;
	rte_memseg_list_walk(on_list, &idx);
	uint64_t physmem = rte_eal_get_physmem_size();

	int ids[MAX_HEAPS];
	int nh = rtemem_info_heaps(ids, MAX_HEAPS);
	if (nh < 0) {
		fprintf(stderr, "rtemem-info: cannot list the heaps: %s\n", rte_strerror(rte_errno));
		nh = 0;
	}
	if (nh > MAX_HEAPS)
		nh = MAX_HEAPS;
	struct heap heaps[MAX_HEAPS];
	int nheaps = 0;
	for (int i = 0; i < nh; i++) {
		struct heap *h = &heaps[nheaps];
		h->id = ids[i];
		int ext = rtemem_info_heap_name(ids[i], h->name, sizeof(h->name));
		if (ext < 0)
			continue; /* destroyed meanwhile */
		h->external = ext == 1;
		h->mapped = !h->external || heap_mapped(ids[i]);
		memset(&h->st, 0, sizeof(h->st));
		if (h->mapped && rte_malloc_get_socket_stats(ids[i], &h->st) < 0)
			continue;
		nheaps++;
	}

	int primary = rtemem_info_primary_pid();
	int pids[MAX_PROCS];
	int np = rtemem_info_processes(pids, MAX_PROCS);
	if (np < 0)
		np = 0;
	if (np > MAX_PROCS)
		np = MAX_PROCS;
	struct proc procs[MAX_PROCS];
	int nprocs = 0;
	bool primary_seen = false;
	for (int i = 0; i < np; i++) {
		struct proc *p = &procs[nprocs++];
		p->pid = pids[i];
		p->role = pids[i] == primary ? "primary" : pids[i] == getpid() ? "self" : "secondary";
		primary_seen |= pids[i] == primary;
		read_comm(pids[i], p->comm, sizeof(p->comm));
	}
	if (!primary_seen && primary > 0 && nprocs < MAX_PROCS) {
		/* /proc of the primary not readable by us: still name it. */
		struct proc *p = &procs[nprocs++];
		p->pid = primary;
		p->role = "primary";
		read_comm(primary, p->comm, sizeof(p->comm));
	}
	const char *iova = rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" :
			   rte_eal_iova_mode() == RTE_IOVA_VA ? "VA" : "DC";
	const char *rundir = rte_eal_get_runtime_dir();
	char b1[64], b2[64], fl[128];

	if (json) {
		printf("{\"file_prefix\": ");
		json_str(prefix);
		printf(", \"runtime_dir\": ");
		json_str(rundir ? rundir : "");
		printf(", \"iova_mode\": \"%s\", \"primary_pid\": %d", iova, primary);
		printf(",\n \"processes\": [");
		for (int i = 0; i < nprocs; i++) {
			printf("%s\n  {\"pid\": %d, \"role\": \"%s\", \"command\": ", i ? "," : "",
			       procs[i].pid, procs[i].role);
			json_str(procs[i].comm);
			printf("}");
		}
		printf("],\n \"memzones\": [");
		for (unsigned i = 0; i < nzones; i++) {
			struct zone *z = &zones[i];
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(z->name);
			printf(", \"length\": %" PRIu64 ", \"virt_addr\": \"0x%" PRIx64 "\", \"iova\": ",
			       z->len, z->va);
			if (z->iova == RTE_BAD_IOVA)
				printf("null");
			else
				printf("\"0x%" PRIx64 "\"", z->iova);
			printf(", \"socket_id\": %d, \"page_size\": %" PRIu64 ", \"flags\": %" PRIu32
			       ", \"flag_names\": [", z->socket, z->page_sz, z->flags);
			int k = 0;
			for (size_t f = 0; f < sizeof(flag_names) / sizeof(flag_names[0]); f++)
				if (z->flags & flag_names[f].bit)
					printf("%s\"%s\"", k++ ? ", " : "", flag_names[f].name);
			printf("]}");
		}
		printf("],\n \"heaps\": [");
		for (int i = 0; i < nheaps; i++) {
			struct heap *h = &heaps[i];
			printf("%s\n  {\"id\": %d, \"name\": ", i ? "," : "", h->id);
			json_str(h->name);
			printf(", \"external\": %s, \"mapped\": %s", h->external ? "true" : "false",
			       h->mapped ? "true" : "false");
			if (!h->mapped) {
				printf(", \"stats\": null}");
				continue;
			}
			printf(", \"stats\": {\"total_bytes\": %zu, \"free_bytes\": %zu, "
			       "\"alloc_bytes\": %zu, \"greatest_free_bytes\": %zu, \"alloc_count\": %u, "
			       "\"free_count\": %u}}",
			       h->st.heap_totalsz_bytes,
			       h->st.heap_freesz_bytes, h->st.heap_allocsz_bytes, h->st.greatest_free_size,
			       h->st.alloc_count, h->st.free_count);
		}
		printf("],\n \"memseg_lists\": [");
		for (unsigned i = 0; i < nlists; i++) {
			struct list *l = &lists[i];
			printf("%s\n  {\"index\": %d, \"page_size\": %" PRIu64 ", \"socket_id\": %d, "
			       "\"slots_used\": %u, \"slots_total\": %u, \"start\": \"0x%" PRIx64 "\", "
			       "\"end\": \"0x%" PRIx64 "\", \"length\": %" PRIu64 ", \"external\": %s, "
			       "\"heap\": %s}",
			       i ? "," : "", l->index, l->page_sz, l->socket, l->used, l->total, l->va,
			       l->va + l->len, l->len, l->external ? "true" : "false",
			       l->heap ? "true" : "false");
		}
		printf("],\n \"physmem_bytes\": %" PRIu64 "}\n", physmem);
	} else {
		printf("prefix %s   runtime dir %s   IOVA as %s\n", prefix, rundir ? rundir : "-", iova);

		printf("\nProcesses (%d)\n", nprocs);
		printf("  %-8s %-10s %s\n", "PID", "ROLE", "COMMAND");
		for (int i = 0; i < nprocs; i++)
			printf("  %-8d %-10s %s\n", procs[i].pid, procs[i].role, procs[i].comm);

		int w = 4;
		for (unsigned i = 0; i < nzones; i++)
			w = (int)strlen(zones[i].name) > w ? (int)strlen(zones[i].name) : w;
		printf("\nMemzones (%u)\n", nzones);
		printf("  %-*s %-22s %-18s %-18s %6s %5s  %s\n", w, "NAME", "LENGTH", "VIRT", "IOVA",
		       "SOCKET", "PAGE", "FLAGS");
		for (unsigned i = 0; i < nzones; i++) {
			struct zone *z = &zones[i];
			char iv[24];
			if (z->iova == RTE_BAD_IOVA)
				snprintf(iv, sizeof(iv), "-");
			else
				snprintf(iv, sizeof(iv), "0x%" PRIx64, z->iova);
			printf("  %-*s %-22s 0x%-16" PRIx64 " %-18s %6d %5s  %s\n", w, z->name,
			       bytes_text(z->len, b2, sizeof(b2)), z->va, iv, z->socket,
			       size_text(z->page_sz, b1, sizeof(b1)), flags_text(z->flags, fl, sizeof(fl)));
		}

		w = 4;
		for (int i = 0; i < nheaps; i++)
			w = (int)strlen(heaps[i].name) > w ? (int)strlen(heaps[i].name) : w;
		printf("\nHeaps (%d)\n", nheaps);
		printf("  %4s %-*s %-8s %-22s %-22s %-22s %-22s %8s %8s\n", "ID", w, "NAME", "TYPE",
		       "TOTAL", "FREE", "ALLOCATED", "GREATEST_FREE", "ALLOCS", "FREE_EL");
		for (int i = 0; i < nheaps; i++) {
			struct heap *h = &heaps[i];
			if (!h->mapped) {
				printf("  %4d %-*s %-8s %s\n", h->id, w, h->name, "external",
				       "(memory not mapped in this process: no statistics)");
				continue;
			}
			char t1[48], t2[48], t3[48], t4[48];
			printf("  %4d %-*s %-8s %-22s %-22s %-22s %-22s %8u %8u\n", h->id, w, h->name,
			       h->external ? "external" : "socket",
			       bytes_text(h->st.heap_totalsz_bytes, t1, sizeof(t1)),
			       bytes_text(h->st.heap_freesz_bytes, t2, sizeof(t2)),
			       bytes_text(h->st.heap_allocsz_bytes, t3, sizeof(t3)),
			       bytes_text(h->st.greatest_free_size, t4, sizeof(t4)), h->st.alloc_count,
			       h->st.free_count);
		}

		printf("\nMemseg lists (%u)\n", nlists);
		printf("  %3s %5s %6s %13s %-18s %-18s %8s\n", "#", "PAGE", "SOCKET", "USED/TOTAL",
		       "START", "END", "EXTERNAL");
		for (unsigned i = 0; i < nlists; i++) {
			struct list *l = &lists[i];
			snprintf(b2, sizeof(b2), "%u/%u", l->used, l->total);
			printf("  %3d %5s %6d %13s 0x%-16" PRIx64 " 0x%-16" PRIx64 " %8s\n", l->index,
			       size_text(l->page_sz, b1, sizeof(b1)), l->socket, b2, l->va, l->va + l->len,
			       l->external ? "yes" : "no");
		}

		bytes_text(physmem, b2, sizeof(b2));
		printf("\nPhysical memory: %" PRIu64 " bytes%s\n", physmem, strchr(b2, ' '));
	}
	fflush(stdout);
	free(zones);
	free(lists);
	free(eal);
	if (rte_eal_cleanup() < 0) {
		fprintf(stderr, "rtemem-info: rte_eal_cleanup failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	return 0;
}
