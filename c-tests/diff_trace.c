/* Trace points compared with DPDK 22.11: an application's own points (registration in a
 * constructor, the register-mode body), the control calls and their errors (seeded from the
 * issue-10 probe), the --trace/--trace-dir/--trace-mode/--trace-bufsz options, the EAL's 32
 * points (ids, sizes), the mode bits, rte_trace_dump, and what rte_trace_save writes: the
 * session directory, the CTF metadata text (every line but the clock numbers) and the events
 * of the application's points, of rte_malloc, memzones, launches and the generic points,
 * decoded field by field from the stream files. */
/* LIBS: c-tests/trace_register.c */
#define ALLOW_EXPERIMENTAL_API
#include <dirent.h>
#include <inttypes.h>
#include <sys/stat.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_trace.h>
#include <rte_trace_point.h>

#include "common.h"
#include "trace_tp.h"

#define MAX_POINTS 1024

/* The id of this program's last point: later ones come from libraries loaded at init. */
static unsigned last_own_id = MAX_POINTS;
/* --trace-dir's value with the slash the EAL appends. */
static char trace_dir[64];

static struct {
	char name[64];
	unsigned size;
} points[MAX_POINTS];

static int point_id(const char *name);

/* Reads the "\tid N, NAME, size is S, STATE" lines of rte_trace_dump into `points` and finds
 * this program's last point; prints the lines that do not depend on addresses, on which
 * allocator made the buffers, or on the libraries loaded at init. */
static void dump_and_learn(const char *label)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CHECK(f != NULL, "open_memstream");
	rte_trace_dump(f);
	fclose(f);
	for (int pass = 0; pass < 2; pass++) {
		char *copy = strdup(text), *save = NULL;
		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			unsigned id, size;
			char name[64], state[16];
			if (sscanf(l, "\tid %u, %63[^,], size is %u, %15s", &id, name, &size, state) == 4) {
				if (pass == 0 && id < MAX_POINTS) {
					snprintf(points[id].name, sizeof(points[id].name), "%s", name);
					points[id].size = size;
				}
				if (pass == 1 && id <= last_own_id)
					OBS("%s: point %u %s size %u %s", label, id, name, size, state);
			} else if (pass == 1 && strncmp(l, "dir = ", 6) == 0) {
				OBS("%s: dir is --trace-dir/: %d", label, strcmp(l + 6, trace_dir) == 0);
			} else if (pass == 1 && strstr(l, "mem=") == NULL &&
				   strncmp(l, "number of trace points", 22) != 0 &&
				   strncmp(l, "nb_trace_mem_list", 17) != 0) {
				OBS("%s: %s", label, l);
			}
		}
		free(copy);
		if (pass == 0) {
			int own = point_id("app.diff.fp");
			CHECK(own > 0, "app.diff.fp is not in the dump");
			last_own_id = own;
		}
	}
	free(text);
}

static int point_id(const char *name)
{
	for (int i = 0; i < MAX_POINTS; i++)
		if (strcmp(points[i].name, name) == 0)
			return i;
	return -1;
}

static int worker(void *arg)
{
	app_diff_mark("worker");
	return (int)(uintptr_t)arg;
}

/* ---- decoding the stream files ------------------------------------------------------------- */

struct cursor {
	const uint8_t *p;
};

#define TAKE(c, type) ({ type v_; memcpy(&v_, (c)->p, sizeof(type)); (c)->p += sizeof(type); v_; })

static const char *take_str(struct cursor *c, char *buf)
{
	memcpy(buf, c->p, 32);
	buf[31] = '\0';
	c->p += 32;
	return buf;
}

static void decode(const char *name, const uint8_t *at, uintptr_t worker_fn)
{
	struct cursor c = { at };
	char s[32], s2[32];
	if (strcmp(name, "app.diff.tp") == 0) {
		const char *n = take_str(&c, s);
		uint64_t u64 = TAKE(&c, uint64_t);
		int64_t i64 = TAKE(&c, int64_t);
		uint32_t u32 = TAKE(&c, uint32_t);
		int32_t i32 = TAKE(&c, int32_t);
		uint16_t u16 = TAKE(&c, uint16_t);
		int16_t i16 = TAKE(&c, int16_t);
		uint8_t u8 = TAKE(&c, uint8_t);
		int8_t i8 = TAKE(&c, int8_t);
		int num = TAKE(&c, int32_t);
		long l = TAKE(&c, long);
		float f = TAKE(&c, float);
		double d = TAKE(&c, double);
		uintptr_t p = TAKE(&c, uintptr_t);
		size_t al = TAKE(&c, size_t);
		/* A NULL string ends the event after its header: the rest is whatever the buffer
		 * held there. */
		if (n[0] == '\0')
			OBS("  %s: (a NULL string: the header only)", name);
		else
			OBS("  %s: %s %" PRIx64 " %" PRId64 " %u %d %u %d %u %d %d %ld %.3f %.6f %s %zu",
			    name, n, u64, i64, u32, i32, u16, i16, u8, i8, num, l, f, d,
			    p ? "set" : "NULL", al);
	} else if (strcmp(name, "app.diff.mark") == 0 || strcmp(name, "lib.eal.generic.string") == 0 ||
		   strcmp(name, "lib.eal.generic.func") == 0) {
		OBS("  %s: %s", name, take_str(&c, s));
	} else if (strcmp(name, "lib.eal.mem.malloc") == 0 || strcmp(name, "lib.eal.mem.zmalloc") == 0) {
		const char *t = take_str(&c, s);
		size_t size = TAKE(&c, size_t);
		uint32_t align = TAKE(&c, uint32_t);
		int32_t socket = TAKE(&c, int32_t);
		uintptr_t p = TAKE(&c, uintptr_t);
		OBS("  %s: type %s size %zu align %u socket %d ptr %s", name, t, size, align, socket,
		    p ? "set" : "NULL");
	} else if (strcmp(name, "lib.eal.mem.free") == 0) {
		OBS("  %s: ptr %s", name, TAKE(&c, uintptr_t) ? "set" : "NULL");
	} else if (strcmp(name, "lib.eal.memzone.reserve") == 0) {
		const char *n = take_str(&c, s);
		size_t len = TAKE(&c, size_t);
		int32_t socket = TAKE(&c, int32_t);
		uint32_t flags = TAKE(&c, uint32_t), align = TAKE(&c, uint32_t), bound = TAKE(&c, uint32_t);
		uintptr_t mz = TAKE(&c, uintptr_t);
		OBS("  %s: %s len %zu socket %d flags %u align %u bound %u mz %s", name, n, len, socket,
		    flags, align, bound, mz ? "set" : "NULL");
	} else if (strcmp(name, "lib.eal.memzone.lookup") == 0) {
		const char *n = take_str(&c, s);
		OBS("  %s: %s -> %s", name, n, TAKE(&c, uintptr_t) ? "found" : "NULL");
	} else if (strcmp(name, "lib.eal.memzone.free") == 0) {
		const char *n = take_str(&c, s);
		uintptr_t addr = TAKE(&c, uintptr_t);
		OBS("  %s: %s addr %s rc %d", name, n, addr ? "set" : "NULL", TAKE(&c, int32_t));
	} else if (strcmp(name, "lib.eal.thread.remote.launch") == 0) {
		uintptr_t f = TAKE(&c, uintptr_t), arg = TAKE(&c, uintptr_t);
		uint32_t id = TAKE(&c, uint32_t);
		OBS("  %s: f is worker %d arg %" PRIuPTR " lcore %u rc %d", name, f == worker_fn, arg, id,
		    TAKE(&c, int32_t));
	} else if (strcmp(name, "lib.eal.thread.lcore.ready") == 0) {
		uint32_t id = TAKE(&c, uint32_t);
		OBS("  %s: lcore %u cpuset %s", name, id, take_str(&c, s2));
	} else if (strcmp(name, "lib.eal.generic.u64") == 0) {
		OBS("  %s: %" PRIx64, name, TAKE(&c, uint64_t));
	} else if (strcmp(name, "lib.eal.generic.u32") == 0) {
		OBS("  %s: %x", name, TAKE(&c, uint32_t));
	} else if (strcmp(name, "lib.eal.generic.u16") == 0) {
		OBS("  %s: %x", name, TAKE(&c, uint16_t));
	} else if (strcmp(name, "lib.eal.generic.u8") == 0) {
		OBS("  %s: %x", name, TAKE(&c, uint8_t));
	} else if (strcmp(name, "lib.eal.generic.i64") == 0) {
		OBS("  %s: %" PRId64, name, TAKE(&c, int64_t));
	} else if (strcmp(name, "lib.eal.generic.i32") == 0 || strcmp(name, "lib.eal.generic.int") == 0) {
		OBS("  %s: %d", name, TAKE(&c, int32_t));
	} else if (strcmp(name, "lib.eal.generic.i16") == 0) {
		OBS("  %s: %d", name, TAKE(&c, int16_t));
	} else if (strcmp(name, "lib.eal.generic.i8") == 0) {
		OBS("  %s: %d", name, TAKE(&c, int8_t));
	} else if (strcmp(name, "lib.eal.generic.long") == 0) {
		OBS("  %s: %ld", name, TAKE(&c, long));
	} else if (strcmp(name, "lib.eal.generic.float") == 0) {
		OBS("  %s: %.3f", name, TAKE(&c, float));
	} else if (strcmp(name, "lib.eal.generic.double") == 0) {
		OBS("  %s: %.6f", name, TAKE(&c, double));
	} else if (strcmp(name, "lib.eal.generic.ptr") == 0) {
		OBS("  %s: %s", name, TAKE(&c, uintptr_t) ? "set" : "NULL");
	} else if (strcmp(name, "lib.eal.generic.size_t") == 0) {
		OBS("  %s: %zu", name, TAKE(&c, size_t));
	} else {
		OBS("  %s", name);
	}
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL, "open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(n + 1);
	CHECK(b && fread(b, 1, n, f) == (size_t)n, "read %s", path);
	b[n] = 0;
	fclose(f);
	*len = n;
	return b;
}

/* Prints the events of one stream file: the main thread's (the one with the "begin" marker)
 * from the marker on; lcore 1's (the worker) its readiness and marker events; other threads'
 * (control threads, which differ between implementations) only count. Returns 1 for main, 2
 * for the worker, 0 otherwise. */
static int decode_stream(const char *path, const uint8_t uuid[16], uintptr_t worker_fn)
{
	size_t len;
	uint8_t *b = read_file(path, &len);
	CHECK(len >= 56, "%s is %zu bytes", path, len);
	struct cursor c = { b };
	uint32_t magic = TAKE(&c, uint32_t);
	int same_uuid = memcmp(c.p, uuid, 16) == 0;
	c.p += 16;
	uint32_t lcore = TAKE(&c, uint32_t);
	char tname[32];
	take_str(&c, tname);
	const uint8_t *ev = b + 56;
	size_t n = len - 56;
	int mark = point_id("app.diff.mark"), ready = point_id("lib.eal.thread.lcore.ready");
	int kind = lcore == 1 ? 2 : 0;
	/* First pass: find the marker, check that the events tile the file. */
	size_t off = 0, begin = SIZE_MAX;
	while (off + 8 <= n) {
		uint64_t hdr;
		memcpy(&hdr, ev + off, 8);
		int id = (int)(hdr >> 48);
		CHECK(id < MAX_POINTS && points[id].size >= 8, "%s: bad event id %d at %zu", path, id, off);
		if (id == mark && strcmp((const char *)ev + off + 8, "begin") == 0 && begin == SIZE_MAX)
			begin = off;
		off = (off + points[id].size + 7) & ~(size_t)7;
	}
	CHECK(off == ((n + 7) & ~(size_t)7), "%s: events end at %zu of %zu", path, off, n);
	if (begin != SIZE_MAX)
		kind = 1;
	if (kind == 1)
		OBS("main stream: magic %x uuid matches %d", magic, same_uuid);
	if (kind == 2)
		OBS("worker stream: magic %x uuid matches %d lcore %u", magic, same_uuid, lcore);
	for (off = kind == 1 ? begin : 0; kind && off + 8 <= n;) {
		uint64_t hdr;
		memcpy(&hdr, ev + off, 8);
		int id = (int)(hdr >> 48);
		if (kind == 1 || id == mark || id == ready)
			decode(points[id].name, ev + off + 8, worker_fn);
		off = (off + points[id].size + 7) & ~(size_t)7;
	}
	free(b);
	return kind;
}

static int parse_uuid(const char *meta, uint8_t out[16])
{
	const char *u = strstr(meta, "uuid = \"");
	if (!u)
		return -1;
	u += 8;
	for (int i = 0; i < 16; i++) {
		if (*u == '-')
			u++;
		unsigned v;
		if (sscanf(u, "%2x", &v) != 1)
			return -1;
		out[i] = v;
		u += 2;
	}
	return 0;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(void)
{
	/* Before rte_eal_init: registration happened in a constructor. */
	OBS("registration ran the body: count %d", app_diff_count);
	OBS("tracing on: %d, mode %d", rte_trace_is_enabled(), rte_trace_mode_get());
	OBS("lookup app.diff.tp is its word: %d",
	    rte_trace_point_lookup("app.diff.tp") == &__app_diff_tp);
	OBS("lookup lib.eal.generic.void is its word: %d",
	    rte_trace_point_lookup("lib.eal.generic.void") == &__rte_eal_trace_generic_void);
	OBS("lookup of an unknown name: %p", (void *)rte_trace_point_lookup("no.such.point"));
	OBS("app point: size %" PRIu64 " enabled %d", __app_diff_tp & 0xffff,
	    rte_trace_point_is_enabled(&__app_diff_tp));
	app_diff_tp("before", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.5f, 2.5, NULL, 0);
	OBS("a disabled point's body does not run: count %d", app_diff_count);

	char dir[] = "/tmp/rtm-trace-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	char opt_dir[64];
	snprintf(opt_dir, sizeof(opt_dir), "--trace-dir=%s", dir);
	snprintf(trace_dir, sizeof(trace_dir), "%s/", dir);
	const char *extra[] = { "--trace=lib.eal.mem", "--trace=lib.eal.thread", "--trace=^app\\.diff\\.",
				"--trace=[", opt_dir, "--trace-mode=o", "--trace-bufsz=64K" };
	int rc = test_eal_init_argv(RTE_DIM(extra), extra, 0);
	OBS("rte_eal_init with --trace options (one regex bad): %s", rc >= 0 ? "ok" : "failed");
	CHECK(rc >= 0, "rte_eal_init: %s", rte_strerror(rte_errno));

	OBS("tracing on: %d", rte_trace_is_enabled());
	const char *names[] = { "lib.eal.mem.malloc", "lib.eal.mem.free", "lib.eal.memzone.reserve",
				"lib.eal.generic.u64", "lib.eal.alarm.set", "app.diff.tp", "app.diff.fp" };
	for (unsigned i = 0; i < RTE_DIM(names); i++)
		OBS("%s enabled: %d", names[i], rte_trace_point_is_enabled(rte_trace_point_lookup(names[i])));
	dump_and_learn("dump");

	/* The probe's control calls. */
	OBS("pattern lib.eal.generic.* on: %d", rte_trace_pattern("lib.eal.generic.*", true));
	OBS("regexp [: %d", rte_trace_regexp("[", true));
	OBS("regexp ^lib.eal.alarm off: %d", rte_trace_regexp("^lib.eal.alarm", false));
	OBS("pattern nomatch*: %d", rte_trace_pattern("nomatch*", true));
	OBS("enable NULL: %d", rte_trace_point_enable(NULL));
	OBS("disable NULL: %d", rte_trace_point_disable(NULL));
	OBS("is_enabled NULL: %d", rte_trace_point_is_enabled(NULL));
	{
		rte_trace_point_t bad = 0xffffULL << 16;
		OBS("enable an id out of range: %d", rte_trace_point_enable(&bad));
	}
	rc = rte_trace_point_disable(&__app_diff_tp);
	OBS("disable app.diff.tp: %d, enabled %d", rc, rte_trace_point_is_enabled(&__app_diff_tp));
	rc = rte_trace_point_enable(&__app_diff_tp);
	OBS("enable app.diff.tp: %d, enabled %d", rc, rte_trace_point_is_enabled(&__app_diff_tp));
	rte_trace_mode_set(RTE_TRACE_MODE_DISCARD);
	OBS("discard: mode %d, bit 62 of a point %d", rte_trace_mode_get(),
	    (int)((__app_diff_tp >> 62) & 1));
	rte_trace_mode_set(RTE_TRACE_MODE_OVERWRITE);
	OBS("overwrite: mode %d, bit 62 of a point %d", rte_trace_mode_get(),
	    (int)((__app_diff_tp >> 62) & 1));

	/* Events. */
	int before = app_diff_count;
	app_diff_mark("begin");
	app_diff_tp("all-types", 0x1122334455667788ULL, -42, 0xdeadbeef, -7, 0xfffe, -300, 0xab,
		    -5, 123456, -99999999L, 20.45f, 20000.5000004, &before, 4096);
	app_diff_tp(NULL, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, NULL, 1);
	app_diff_fp(7);
	OBS("the enabled body ran once, not for the NULL string: %d", app_diff_count - before);
	void *a = rte_malloc("diffT", 100, 0);
	void *z = rte_zmalloc("diffZ-a-type-longer-than-thirty-one", 200, 64);
	OBS("allocations: %d %d", a != NULL, z != NULL);
	OBS("size 0 fails: %d", rte_malloc("x", 0, 0) == NULL);
	OBS("a bad alignment fails: %d", rte_zmalloc("y", 64, 3) == NULL);
	rte_free(a);
	rte_free(z);
	rte_free(NULL);
	const struct rte_memzone *mz = rte_memzone_reserve("diff_trace_mz", 1000, SOCKET_ID_ANY, 0);
	OBS("memzone: %d", mz != NULL);
	OBS("lookup: %d", rte_memzone_lookup("diff_trace_mz") == mz);
	OBS("lookup of a missing zone: %d", rte_memzone_lookup("diff_trace_none") == NULL);
	OBS("memzone free: %d", rte_memzone_free(mz));
	OBS("launch on lcore 1: %d", rte_eal_remote_launch(worker, (void *)(uintptr_t)7, 1));
	OBS("worker returned %d", rte_eal_wait_lcore(1));
	rte_eal_trace_generic_void();
	rte_eal_trace_generic_u64(0x10000000000000ULL);
	rte_eal_trace_generic_u32(0x10000000);
	rte_eal_trace_generic_u16(0xffee);
	rte_eal_trace_generic_u8(0xc);
	rte_eal_trace_generic_i64(-1234);
	rte_eal_trace_generic_i32(-1234567);
	rte_eal_trace_generic_i16(12);
	rte_eal_trace_generic_i8(-3);
	rte_eal_trace_generic_int(3333333);
	rte_eal_trace_generic_long(333);
	rte_eal_trace_generic_float(20.45f);
	rte_eal_trace_generic_double(20000.5000004);
	rte_eal_trace_generic_ptr(&before);
	rte_eal_trace_generic_str("my string");
	rte_eal_trace_generic_size_t(sizeof(void *));
	rte_eal_trace_generic_func(__func__);
	app_diff_mark("end");

	/* Save. */
	struct __rte_trace_header *mine = RTE_PER_LCORE(trace_mem);
	OBS("this thread has a buffer: %d", mine != NULL);
	OBS("rte_trace_save: %d", rte_trace_save());
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, name_cmp);
	int sessions = 0;
	char session[512] = "";
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			sessions++;
			snprintf(session, sizeof(session), "%s/%s", dir, ents[i]->d_name);
			const char *p = test_prefix();
			OBS("session dir is <prefix>-<date>: %d",
			    strncmp(ents[i]->d_name, p, strlen(p)) == 0 &&
			    strlen(ents[i]->d_name) == strlen(p) + strlen("-YYYY-mm-dd-AM-HH-MM-SS"));
		}
		free(ents[i]);
	}
	free(ents);
	OBS("sessions: %d", sessions);
	CHECK(sessions == 1, "no session directory in %s", dir);
	struct stat st;
	CHECK(stat(session, &st) == 0, "stat %s", session);
	OBS("session dir mode %o", st.st_mode & 0777);
	n = scandir(session, &ents, NULL, name_cmp);
	int has_meta = 0, has_ch0 = 0;
	for (int i = 0; i < n; i++) {
		has_meta |= strcmp(ents[i]->d_name, "metadata") == 0;
		has_ch0 |= strcmp(ents[i]->d_name, "channel0_0") == 0;
	}
	OBS("files metadata %d channel0_0 %d", has_meta, has_ch0);

	char path[1024];
	snprintf(path, sizeof(path), "%s/metadata", session);
	size_t mlen;
	char *meta = (char *)read_file(path, &mlen);
	uint8_t uuid[16];
	CHECK(parse_uuid(meta, uuid) == 0, "no uuid in the metadata");
	/* Every line but the clock numbers, the UUID (it counts the points of libraries loaded at
	 * init) and the events of those libraries. */
	char *save = NULL;
	unsigned event_id = 0;
	int in_event = 0;
	for (char *l = strtok_r(meta, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "    freq =", 10) == 0 || strncmp(l, "    offset_s =", 14) == 0 ||
		    strncmp(l, "    offset =", 12) == 0) {
			OBS("metadata clock line: %.14s... %zu columns", l, strlen(l));
			continue;
		}
		if (strncmp(l, "    uuid = \"", 12) == 0) {
			OBS("metadata uuid line of %zu columns", strlen(l));
			continue;
		}
		if (strcmp(l, "event {") == 0) {
			in_event = 1;
			continue;
		}
		if (in_event) {
			in_event = 0;
			if (sscanf(l, "    id = %u;", &event_id) != 1 || event_id > last_own_id)
				break;
			OBS("metadata: event {");
		}
		OBS("metadata: %s", l);
	}
	free(meta);
	int kinds[3] = { 0, 0, 0 };
	for (int i = 0; i < n; i++) {
		if (strncmp(ents[i]->d_name, "channel0_", 9) == 0) {
			snprintf(path, sizeof(path), "%s/%s", session, ents[i]->d_name);
			struct stat cs;
			CHECK(stat(path, &cs) == 0, "stat %s", path);
			int k = decode_stream(path, uuid, (uintptr_t)worker);
			kinds[k]++;
			if (k == 1)
				OBS("the main stream is 56 + offset bytes: %d",
				    mine && (size_t)cs.st_size == 56 + mine->offset);
		}
		free(ents[i]);
	}
	free(ents);
	/* Control threads have buffers too; which ones is not compared. */
	OBS("streams: main %d, worker %d", kinds[1], kinds[2]);

	rc = rte_trace_pattern("*", false);
	OBS("pattern * off: %d, tracing on: %d", rc, rte_trace_is_enabled());
	OBS("rte_eal_cleanup: %d", rte_eal_cleanup());
	OBS("metadata dump after cleanup: %d", rte_trace_metadata_dump(stdout));
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0, "rm %s", dir);
	return 0;
}
