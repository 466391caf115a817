/*
 * Differential test of rte_log.h: return values, levels and rte_errno of register/set/get/
 * can_log calls (bad inputs included), what rte_log writes and returns, rte_log_dump and
 * rte_log_list_types text, before rte_eal_init and after it with --log-level options.
 *
 * After init real DPDK has loaded its driver plugins, which register many more types, so ids
 * after init are observed relative to each other, never as numbers.
 */
#include <pthread.h>
#include <stdint.h>

#include <rte_log.h>

#include "common.h"

/* rte_errno is reset before each call so that a call that does not set it shows 0. */
#define OBS_CALL(expr) do { \
	rte_errno = 0; \
	long long v_ = (long long)(expr); \
	OBS("%s = %lld errno %d", #expr, v_, rte_errno); \
} while (0)

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	CHECK(c->f != NULL, "open_memstream");
}

static void cap_close(struct capture *c)
{
	fclose(c->f);
	free(c->buf);
}

/* Prints each line of a capture as its own observation. */
static void obs_lines(const char *what, struct capture *c)
{
	fflush(c->f);
	const char *p = c->buf ? c->buf : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		OBS("%s| %.*s%s", what, n, p, nl ? "" : " (no newline)");
		p += n + (nl ? 1 : 0);
	}
}

static void *cur_msg_thread(void *arg)
{
	(void)arg;
	OBS("new thread cur_msg %d %d", rte_log_cur_msg_loglevel(), rte_log_cur_msg_logtype());
	return NULL;
}

static void before_init(void)
{
	struct capture c;
	pthread_t t;

	OBS("global %u", rte_log_get_global_level());
	OBS("stream is stderr %d", rte_log_get_stream() == stderr);
	OBS("cur_msg %d %d", rte_log_cur_msg_loglevel(), rte_log_cur_msg_logtype());
	for (uint32_t i = 0; i <= RTE_LOGTYPE_FIRST_EXT_ID; i++)
		OBS("level[%u] = %d", i, rte_log_get_level(i));
	OBS_CALL(rte_log_get_level(UINT32_MAX));

	/* set_level: range of levels, unknown and reserved ids */
	OBS_CALL(rte_log_set_level(RTE_LOGTYPE_USER2, 9));
	OBS_CALL(rte_log_set_level(RTE_LOGTYPE_USER2, UINT32_MAX));
	OBS_CALL(rte_log_set_level(RTE_LOGTYPE_USER2, 0));
	OBS_CALL(rte_log_get_level(RTE_LOGTYPE_USER2));
	OBS_CALL(rte_log_set_level(RTE_LOGTYPE_USER2, RTE_LOG_DEBUG));
	OBS_CALL(rte_log_get_level(RTE_LOGTYPE_USER2));
	OBS_CALL(rte_log_set_level(RTE_LOGTYPE_FIRST_EXT_ID, RTE_LOG_ERR));
	OBS_CALL(rte_log_set_level(UINT32_MAX, RTE_LOG_ERR));
	OBS_CALL(rte_log_set_level(22, RTE_LOG_WARNING));
	OBS_CALL(rte_log_get_level(22));

	/* registration */
	OBS_CALL(rte_log_register("diff.a"));
	OBS_CALL(rte_log_register("diff.a"));
	OBS_CALL(rte_log_register("diff.b"));
	int a = rte_log_register("diff.a");
	int b = rte_log_register("diff.b");
	OBS_CALL(rte_log_get_level(a));
	OBS_CALL(rte_log_set_level(a, RTE_LOG_ALERT));
	OBS_CALL(rte_log_register_type_and_pick_level("diff.a", RTE_LOG_DEBUG));
	OBS_CALL(rte_log_get_level(a));
	OBS_CALL(rte_log_register_type_and_pick_level("diff.big", 100));
	OBS_CALL(rte_log_get_level(rte_log_register("diff.big")));
	OBS_CALL(rte_log_register_type_and_pick_level("lib.eal", RTE_LOG_ERR));
	OBS_CALL(rte_log_get_level(RTE_LOGTYPE_EAL));
	OBS_CALL(rte_log_register(""));

	/* glob patterns: applied to registered types only, not remembered */
	OBS_CALL(rte_log_set_level_pattern("diff.*", 9));
	OBS_CALL(rte_log_set_level_pattern("diff.?", RTE_LOG_ERR));
	OBS("a %d b %d", rte_log_get_level(a), rte_log_get_level(b));
	OBS_CALL(rte_log_set_level_pattern("[", RTE_LOG_ERR));
	OBS_CALL(rte_log_set_level_pattern("diff.later*", RTE_LOG_DEBUG));
	OBS_CALL(rte_log_get_level(rte_log_register_type_and_pick_level("diff.later", RTE_LOG_NOTICE)));

	/* regular expressions: POSIX basic, searched */
	OBS_CALL(rte_log_set_level_regexp("^diff\\.a$", 9));
	OBS_CALL(rte_log_set_level_regexp("^diff.a+$", RTE_LOG_NOTICE));
	OBS("a %d", rte_log_get_level(a));
	OBS_CALL(rte_log_set_level_regexp("^diff.a\\+$", RTE_LOG_NOTICE));
	OBS("a %d", rte_log_get_level(a));
	OBS_CALL(rte_log_set_level_regexp("ff.b", RTE_LOG_WARNING));
	OBS("b %d", rte_log_get_level(b));
	OBS_CALL(rte_log_set_level_regexp("ab(c", RTE_LOG_WARNING));
	OBS_CALL(rte_log_set_level_regexp("ab\\(c", RTE_LOG_WARNING));
	OBS_CALL(rte_log_set_level_regexp("a|b", RTE_LOG_WARNING));
	OBS("a %d b %d", rte_log_get_level(a), rte_log_get_level(b));

	/* global level and can_log */
	rte_log_set_global_level(100);
	OBS("global after 100: %u", rte_log_get_global_level());
	rte_log_set_global_level(RTE_LOG_ERR);
	OBS("can_log a: crit %d error %d warning %d; unknown type %d; reserved 0/1 %d %d",
	    rte_log_can_log(a, RTE_LOG_CRIT), rte_log_can_log(a, RTE_LOG_ERR),
	    rte_log_can_log(a, RTE_LOG_WARNING), rte_log_can_log(UINT32_MAX, RTE_LOG_EMERG),
	    rte_log_can_log(21, 0), rte_log_can_log(21, 1));
	rte_log_set_global_level(RTE_LOG_DEBUG);
	OBS("can_log a: notice %d info %d", rte_log_can_log(a, RTE_LOG_NOTICE),
	    rte_log_can_log(a, RTE_LOG_INFO));

	/* what rte_log writes and returns */
	cap_open(&c);
	OBS_CALL(rte_openlog_stream(c.f));
	OBS("stream is ours %d", rte_log_get_stream() == c.f);
	OBS_CALL(rte_log(RTE_LOG_ERR, RTE_LOGTYPE_EAL, "hello %d\n", 42));
	OBS("cur_msg %d %d", rte_log_cur_msg_loglevel(), rte_log_cur_msg_logtype());
	OBS_CALL(rte_log(RTE_LOG_DEBUG, RTE_LOGTYPE_EAL, "filtered\n"));
	OBS_CALL(rte_log(RTE_LOG_EMERG, UINT32_MAX, "unknown type\n"));
	OBS_CALL(rte_log(9, RTE_LOGTYPE_EAL, "level 9\n"));
	OBS_CALL(rte_log(0, RTE_LOGTYPE_EAL, "level 0\n"));
	OBS("cur_msg %d %d", rte_log_cur_msg_loglevel(), rte_log_cur_msg_logtype());
	OBS_CALL(RTE_LOG(NOTICE, USER1, "user one %s", "no newline"));
	OBS_CALL(rte_log(RTE_LOG_NOTICE, a, "dynamic type\n"));
	OBS("cur_msg %d %d", (int)(rte_log_cur_msg_loglevel()), rte_log_cur_msg_logtype() == a);
	pthread_create(&t, NULL, cur_msg_thread, NULL);
	pthread_join(t, NULL);
	obs_lines("log", &c);
	OBS_CALL(rte_openlog_stream(NULL));
	OBS("stream is stderr %d", rte_log_get_stream() == stderr);
	cap_close(&c);

	cap_open(&c);
	rte_log_dump(c.f);
	obs_lines("dump", &c);
	cap_close(&c);
	cap_open(&c);
	rte_log_list_types(c.f, "type ");
	obs_lines("list", &c);
	cap_close(&c);
}

static void after_init(void)
{
	static const char *const extra[] = {
		"--log-level", "dq.*:8",
		"--log-level", "dq.*:4",
		"--log-level", "^dr,6",
		"--log-level", "dr.x,2",
		"--log-level", "diff.b:debug",
		"--log-level", "lib.malloc:3",
		"--log-level", "7",
	};
	int a = rte_log_register("diff.a");
	int b = rte_log_register("diff.b");
	int ret = test_eal_init_argv((int)(sizeof(extra) / sizeof(extra[0])), extra,
				     test_have_hugepages());
	OBS("init ok %d", ret >= 0);
	CHECK(ret >= 0, "rte_eal_init failed");

	OBS("global %u", rte_log_get_global_level());
	OBS("stream is stderr %d", rte_log_get_stream() == stderr);
	OBS("malloc %d eal %d a %d b %d", rte_log_get_level(RTE_LOGTYPE_MALLOC),
	    rte_log_get_level(RTE_LOGTYPE_EAL), rte_log_get_level(a), rte_log_get_level(b));
	OBS("ids kept %d", rte_log_register("diff.a") == a && rte_log_register("diff.b") == b);

	/* saved options pick the level of types registered later: the first given wins */
	int q = rte_log_register_type_and_pick_level("dq.b", RTE_LOG_INFO);
	int rx = rte_log_register_type_and_pick_level("dr.x", RTE_LOG_INFO);
	int ry = rte_log_register_type_and_pick_level("dr.y", RTE_LOG_INFO);
	int o = rte_log_register_type_and_pick_level("other.z", RTE_LOG_WARNING);
	int p = rte_log_register("dq.plain");
	OBS("new ids ok %d", q >= (int)RTE_LOGTYPE_FIRST_EXT_ID && rx > q && ry > rx && o > ry && p > o);
	OBS("dq.b %d dr.x %d dr.y %d other.z %d dq.plain %d", rte_log_get_level(q),
	    rte_log_get_level(rx), rte_log_get_level(ry), rte_log_get_level(o), rte_log_get_level(p));
	OBS("re-register %d", rte_log_register_type_and_pick_level("dq.b", 1) == q);

	/* options given to init are not applied to direct calls afterwards */
	OBS_CALL(rte_log_set_level_pattern("dq.*", RTE_LOG_NOTICE));
	OBS("dq.b %d", rte_log_get_level(q));
	OBS_CALL(rte_log_get_level(rte_log_register_type_and_pick_level("dq.c", RTE_LOG_INFO)));

	/* rte_log to the default output returns the bytes written */
	OBS_CALL(rte_log(RTE_LOG_ERR, RTE_LOGTYPE_USER1, "diff_log: to the default output\n"));
	OBS_CALL(rte_log(RTE_LOG_DEBUG, RTE_LOGTYPE_USER1, "filtered by the global level\n"));

	struct capture c;
	cap_open(&c);
	OBS_CALL(rte_openlog_stream(c.f));
	OBS_CALL(rte_log(RTE_LOG_ERR, q, "to a stream after init\n"));
	obs_lines("log", &c);
	OBS_CALL(rte_openlog_stream(NULL));
	OBS("stream is stderr %d", rte_log_get_stream() == stderr);
	cap_close(&c);

	cap_open(&c);
	rte_log_dump(c.f);
	fflush(c.f);
	OBS("dump head %.24s", c.buf);
	char line[96];
	snprintf(line, sizeof(line), "id %d: dq.b, level is notice\n", q);
	OBS("dump has dq.b %d", strstr(c.buf, line) != NULL);
	snprintf(line, sizeof(line), "id %d: diff.b, level is debug\n", b);
	OBS("dump has diff.b %d", strstr(c.buf, line) != NULL);
	OBS("dump has malloc %d", strstr(c.buf, "id 1: lib.malloc, level is critical\n") != NULL);
	cap_close(&c);

	/* (DPDK's cleanup leaves rte_errno at ENOENT from an internal step: not compared) */
	OBS("cleanup %d", rte_eal_cleanup());
}

int main(void)
{
	before_init();
	after_init();
	return 0;
}
