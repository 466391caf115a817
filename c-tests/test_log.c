/*
 * rte_log.h as C code sees it, against rtemem's own headers: RTE_LOG_REGISTER from a
 * constructor, RTE_LOG into a memory stream with the captured text checked, rte_vlog,
 * rte_log_dump / rte_log_list_types output, rte_exit and __rte_panic in child processes.
 * No EAL init is needed.
 */
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#include <rte_log.h>

#include "common.h"

/* Declared by rte_eal.h / rte_debug.h; repeated so this test only relies on rte_log.h. */
void rte_exit(int exit_code, const char *format, ...);
void __rte_panic(const char *funcname, const char *format, ...);

#define RTE_LOG_DEFAULT_LOGTYPE test.dflt
RTE_LOG_REGISTER(test_ctor_logtype, test.log.ctor, DEBUG);
RTE_LOG_REGISTER_DEFAULT(test_dflt_logtype, WARNING);
RTE_LOG_REGISTER_SUFFIX(test_sub_logtype, sub, NOTICE);

#define RTE_LOGTYPE_TESTAPP RTE_LOGTYPE_USER1

/* Reads back everything written to a memstream so far. */
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

static const char *cap_text(struct capture *c)
{
	fflush(c->f);
	return c->buf ? c->buf : "";
}

static void cap_close(struct capture *c)
{
	fclose(c->f);
	free(c->buf);
}

static int my_vlog(uint32_t level, uint32_t type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int my_vlog(uint32_t level, uint32_t type, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = rte_vlog(level, type, fmt, ap);
	va_end(ap);
	return ret;
}

static void test_constructor_registration(void)
{
	CHECK(test_ctor_logtype >= (int)RTE_LOGTYPE_FIRST_EXT_ID, "ctor id %d", test_ctor_logtype);
	CHECK(rte_log_get_level(test_ctor_logtype) == (int)RTE_LOG_DEBUG, "ctor level");
	CHECK(rte_log_get_level(test_dflt_logtype) == (int)RTE_LOG_WARNING, "default level");
	CHECK(rte_log_get_level(test_sub_logtype) == (int)RTE_LOG_NOTICE, "suffix level");
	CHECK(rte_log_register("test.log.ctor") == test_ctor_logtype, "re-register gives same id");
	CHECK(rte_log_register("test.dflt.sub") == test_sub_logtype, "suffix name is dflt.sub");
}

static void test_stream_capture(void)
{
	struct capture c;
	int ret;

	CHECK(rte_log_get_stream() == stderr, "default stream before init is stderr");
	cap_open(&c);
	CHECK(rte_openlog_stream(c.f) == 0, "openlog");
	CHECK(rte_log_get_stream() == c.f, "get_stream returns the stream set");

	ret = RTE_LOG(INFO, EAL, "hello %d\n", 42);
	CHECK(ret == (int)strlen("EAL: hello 42\n"), "RTE_LOG returns bytes written: %d", ret);
	CHECK(RTE_LOG(DEBUG, EAL, "hidden\n") == 0, "EAL is at INFO: DEBUG filtered");
	CHECK(rte_log_cur_msg_loglevel() == (int)RTE_LOG_INFO, "cur level");
	CHECK(rte_log_cur_msg_logtype() == (int)RTE_LOGTYPE_EAL, "cur type");
	RTE_LOG(WARNING, TESTAPP, "user %s\n", "one");
	rte_log(RTE_LOG_DEBUG, test_ctor_logtype, "ctor debug\n");
	rte_log(RTE_LOG_INFO, test_dflt_logtype, "dflt info hidden\n");
	CHECK(rte_log(RTE_LOG_ERR, 100000, "no such type\n") < 0, "unknown type is negative");
	CHECK(my_vlog(RTE_LOG_ERR, RTE_LOGTYPE_EAL, "vlog %d-%s\n", 7, "x") == 9, "vlog ret");
	RTE_LOG_DP(INFO, EAL, "dp info\n");
	RTE_LOG_DP(DEBUG, EAL, "dp debug compiled out\n");

	rte_log_set_global_level(RTE_LOG_ERR);
	RTE_LOG(WARNING, EAL, "global blocks this\n");
	rte_log_set_global_level(RTE_LOG_DEBUG);
	rte_log_set_level(RTE_LOGTYPE_EAL, RTE_LOG_DEBUG);
	RTE_LOG(DEBUG, EAL, "now shown\n");
	rte_log_set_level(RTE_LOGTYPE_EAL, RTE_LOG_INFO);

	const char *want =
		"EAL: hello 42\n"
		"TESTAPP: user one\n"
		"ctor debug\n"
		"vlog 7-x\n"
		"EAL: dp info\n"
		"EAL: lib.eal log level changed from info to debug\n" /* as DPDK: at EAL DEBUG */
		"EAL: now shown\n";
	CHECK(strcmp(cap_text(&c), want) == 0, "captured text:\n%s", cap_text(&c));

	CHECK(rte_openlog_stream(NULL) == 0, "openlog NULL");
	CHECK(rte_log_get_stream() == stderr, "NULL restores stderr");
	cap_close(&c);
}

static void test_dump_and_list(void)
{
	struct capture c;
	char line[128];

	cap_open(&c);
	rte_log_dump(c.f);
	const char *t = cap_text(&c);
	CHECK(strncmp(t, "global log level is debug\n", 26) == 0, "dump head:\n%s", t);
	CHECK(strstr(t, "id 0: lib.eal, level is info\n"), "dump has lib.eal");
	CHECK(strstr(t, "id 31: user8, level is info\n"), "dump has user8");
	CHECK(!strstr(t, "id 21:"), "reserved ids are not dumped");
	snprintf(line, sizeof(line), "id %d: test.log.ctor, level is debug\n", test_ctor_logtype);
	CHECK(strstr(t, line), "dump has the ctor type: %s", line);
	snprintf(line, sizeof(line), "id %d: test.dflt, level is warning\n", test_dflt_logtype);
	CHECK(strstr(t, line), "dump has the default type");
	cap_close(&c);

	cap_open(&c);
	rte_log_list_types(c.f, "- ");
	t = cap_text(&c);
	CHECK(strncmp(t, "- lib.acl\n", 10) == 0, "list is sorted:\n%s", t);
	CHECK(strstr(t, "- test.dflt\n- test.dflt.sub\n- test.log.ctor\n"), "list has ours");
	cap_close(&c);
}

static void test_levels(void)
{
	int id = rte_log_register("test.levels");

	CHECK(id >= (int)RTE_LOGTYPE_FIRST_EXT_ID, "register");
	CHECK(rte_log_get_level(id) == (int)RTE_LOG_INFO, "new type at INFO");
	CHECK(rte_log_set_level(id, RTE_LOG_MAX + 1) < 0, "level above DEBUG");
	CHECK(rte_log_set_level(100000, RTE_LOG_ERR) < 0, "unknown type");
	CHECK(rte_log_get_level(100000) < 0, "unknown type level");
	CHECK(rte_log_set_level_pattern("test.lev*", RTE_LOG_ERR) == 0, "pattern");
	CHECK(rte_log_get_level(id) == (int)RTE_LOG_ERR, "pattern applied");
	CHECK(rte_log_set_level_regexp("^test\\.lev", RTE_LOG_ALERT) == 0, "regexp");
	CHECK(rte_log_get_level(id) == (int)RTE_LOG_ALERT, "regexp applied");
	CHECK(rte_log_set_level_regexp("\\(", RTE_LOG_ALERT) < 0, "bad regexp");
	CHECK(rte_log_can_log(id, RTE_LOG_ALERT), "can_log at level");
	CHECK(!rte_log_can_log(id, RTE_LOG_CRIT), "can_log above level");
	CHECK(rte_log_register_type_and_pick_level("test.levels", RTE_LOG_DEBUG) == id, "pick existing");
	CHECK(rte_log_get_level(id) == (int)RTE_LOG_ALERT, "pick keeps level");
	rte_errno = 0;
	CHECK(rte_log_register(NULL) < 0 && rte_errno == EINVAL, "NULL name refused");
	CHECK(rte_log_set_level_pattern(NULL, 1) < 0, "NULL pattern refused");
}

/*
 * Runs fn in a child with log output in a temporary file (through rte_openlog_stream, or as
 * the child's stderr when via_stderr); returns its test_status_code (-1: it hung and was killed).
 */
static int in_child_to(void (*fn)(void), char *out, size_t outlen, int via_stderr)
{
	FILE *tmp = tmpfile();
	CHECK(tmp != NULL, "tmpfile");
	pid_t pid = test_fork();
	if (pid == 0) {
		if (via_stderr)
			dup2(fileno(tmp), 2);
		else
			rte_openlog_stream(tmp);
		fn();
		_exit(99);
	}
	int status = test_wait(pid, -1);
	rewind(tmp);
	size_t n = fread(out, 1, outlen - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return status;
}

static int in_child(void (*fn)(void), char *out, size_t outlen)
{
	return in_child_to(fn, out, outlen, 0);
}

static void do_default_output(void)
{
	RTE_LOG(INFO, EAL, "to stderr %d\n", 5);
	RTE_LOG(DEBUG, EAL, "filtered\n");
	rte_log(RTE_LOG_ERR, RTE_LOGTYPE_USER3, "no prefix, no newline");
	_exit(0);
}

static void test_default_output_is_bare_text_on_stderr(void)
{
	char out[4096];
	int st = in_child_to(do_default_output, out, sizeof(out), 1);

	CHECK(st == 0, "child status %d", st);
	CHECK(strcmp(out, "EAL: to stderr 5\nno prefix, no newline") == 0, "stderr text: %s", out);
}

static void do_exit(void)
{
	rte_exit(3, "bye %d\n", 7);
}

static void do_exit0(void)
{
	rte_exit(0, "fine\n");
}

static void do_panic(void)
{
	__rte_panic("do_panic", "broken %s\n", "state");
}

static void test_exit_and_panic(void)
{
	char out[16384];
	int st;

	st = in_child(do_exit, out, sizeof(out));
	CHECK(st == 3, "rte_exit code, status %d", st);
	CHECK(strcmp(out, "EAL: Error - exiting with code: 3\n  Cause: bye 7\n") == 0,
	      "rte_exit text: %s", out);

	st = in_child(do_exit0, out, sizeof(out));
	CHECK(st == 0, "rte_exit(0)");
	CHECK(strcmp(out, "fine\n") == 0, "rte_exit(0) text: %s", out);

	st = in_child(do_panic, out, sizeof(out));
	CHECK(st == 128 + SIGABRT, "panic aborts, status %d", st);
	CHECK(strncmp(out, "PANIC in do_panic():\nbroken state\n", 34) == 0, "panic text: %s", out);
}

int main(void)
{
	test_constructor_registration();
	test_stream_capture();
	test_dump_and_list();
	test_levels();
	test_default_output_is_bare_text_on_stderr();
	test_exit_and_panic();
	printf("test_log: ok\n");
	return 0;
}
