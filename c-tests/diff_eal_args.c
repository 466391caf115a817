/*
 * rte_eal_init argument handling: a table of good and bad EAL command lines.
 *
 * Each line runs in a forked child: rte_eal_init(prog --file-prefix <prefix>-<i> --no-pci
 * --no-telemetry <line...>). The child reports through a pipe what init returned, rte_errno,
 * the lcores (index, CPU set) and main lcore, and the argv it leaves for the application
 * (argv[ret..argc)); then rte_eal_cleanup() and _exit. The parent prints one observation per
 * line. A child that exits without reporting (-h, --log-level=help: DPDK prints help and
 * exits 0) is observed by its exit status. Child stdout goes to /dev/null (help texts differ).
 *
 * Lines marked HUGE need hugepages; without them they are reported as skipped on both sides.
 * Lines that depend on PCI devices are left out. CPUs 0 and 1 are assumed present.
 *
 * Where rtemem intentionally differs from DPDK the line is left out, with a note:
 *  - --file-prefix ../x: DPDK accepts it and makes its runtime dir outside /var/run/dpdk;
 *    rtemem refuses it (EINVAL).
 *  - --file-prefix a%b: both refuse, but DPDK creates the runtime dir first (left behind).
 *  - -m -1, -m 99999999999: DPDK wraps the size; rtemem refuses.
 *  - -s/-S service cores: DPDK keeps them in rte_lcore_count() but not in RTE_LCORE_FOREACH;
 *    rtemem has no service cores.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "common.h"

#define HUGE 1
#define NOHUGE 0

struct line {
	int huge; /* needs hugepages */
	const char *args; /* space-separated words */
};

static const struct line lines[] = {
	/* lcores: each form */
	{NOHUGE, "--no-huge"}, /* 0: defaults: every CPU, main lcore 0 */
	{NOHUGE, "-l 0-1 --no-huge"},
	{NOHUGE, "-l 1 --no-huge"},
	{NOHUGE, "-l 1,0 --no-huge"}, /* index follows order of appearance */
	{NOHUGE, "-l0 --no-huge"}, /* attached value */
	{NOHUGE, "-c 0x3 --no-huge"},
	{NOHUGE, "-c 2 --no-huge"},
	{NOHUGE, "--lcores (0-3)@(0,1) --no-huge"},
	{NOHUGE, "--lcores 0@1,1@0 --main-lcore 1 --no-huge"},
	{NOHUGE, "--lcores 2@0 --no-huge"}, /* main lcore defaults to the lowest lcore, 2 */
	{NOHUGE, "--lcores=0-1 --no-huge"},
	{NOHUGE, "--main-lcore 1 --no-huge"},
	{NOHUGE, "-l 127 --no-huge"}, /* 12: CPU not present */
	{NOHUGE, "-l 128 --no-huge"},
	{NOHUGE, "-l 1-0 --no-huge"},
	{NOHUGE, "-c 0 --no-huge"},
	{NOHUGE, "-c g --no-huge"},
	{NOHUGE, "--lcores 2@127 --no-huge"},
	{NOHUGE, "--lcores a --no-huge"},
	{NOHUGE, "-l 0 --main-lcore 1 --no-huge"}, /* main lcore not in the set */
	{NOHUGE, "--main-lcore 128 --no-huge"},
	{NOHUGE, "-c 3 -l 0 --no-huge"}, /* 21: a second core option */
	{NOHUGE, "-l 0 --lcores 1 --no-huge"},
	/* memory */
	{HUGE, "-m 64 -l 0"}, /* 23 */
	{HUGE, "--socket-mem 64 -l 0"},
	{HUGE, "--socket-mem=64 --socket-limit=128 -l 0"},
	{HUGE, "--in-memory -m 64 -l 0"},
	{HUGE, "--legacy-mem -m 64 -l 0"},
	{HUGE, "--single-file-segments -m 64 -l 0"},
	{HUGE, "--match-allocations -m 64 -l 0"},
	{HUGE, "--huge-unlink -m 64 -l 0"},
	{HUGE, "--huge-unlink=never -m 64 -l 0"},
	{HUGE, "--huge-unlink=existing -m 64 -l 0"},
	{HUGE, "-m 64 -l 0 --huge-unlink never"}, /* 33: 'never' is an app argument */
	{HUGE, "--huge-worker-stack=64 -m 64 -l 0-1"},
	{HUGE, "--huge-worker-stack=0 -m 64 -l 0"},
	{NOHUGE, "--no-shconf --no-huge -l 0"},
	{HUGE, "-m 64 --socket-mem 64 -l 0"}, /* 37: conflicts */
	{NOHUGE, "--no-huge --socket-mem 64 -l 0"},
	{NOHUGE, "--no-huge --huge-unlink -l 0"},
	{NOHUGE, "--no-huge --in-memory -l 0"}, /* --no-huge implies legacy mem */
	{HUGE, "--in-memory --huge-unlink=never -m 64 -l 0"},
	{HUGE, "--legacy-mem --match-allocations -m 64 -l 0"},
	{HUGE, "--single-file-segments --huge-unlink -m 64 -l 0"},
	{NOHUGE, "--huge-unlink=bogus --no-huge -l 0"},
	{NOHUGE, "--no-huge --huge-worker-stack -l 0"},
	{HUGE, "--socket-mem 64, -l 0"},
	/* processes, addresses */
	{NOHUGE, "--file-prefix a/b --no-huge -l 0"}, /* 47: DPDK fails making the dir */
	{NOHUGE, "--proc-type PRIMARY --no-huge -l 0"},
	{NOHUGE, "--proc-type auto --no-huge -l 0"},
	{NOHUGE, "--proc-type bogus --no-huge -l 0"},
	{NOHUGE, "--iova-mode va --no-huge -l 0"},
	{NOHUGE, "--iova-mode xx --no-huge -l 0"},
	{NOHUGE, "--base-virtaddr zz --no-huge -l 0"},
	{NOHUGE, "-n 4 -r 2 -l 0 --no-huge"},
	{NOHUGE, "-n 0 -l 0 --no-huge"},
	{NOHUGE, "-r 17 -l 0 --no-huge"},
	/* logging, version, help */
	{NOHUGE, "--log-level lib.eal:notice --no-huge -l 0"}, /* 57 */
	{NOHUGE, "--log-level pmd.*:8 --no-huge -l 0"},
	{NOHUGE, "--log-level lib.*,notice --no-huge -l 0"},
	{NOHUGE, "--log-level 7 --no-huge -l 0"},
	{NOHUGE, "--log-level bogus --no-huge -l 0"}, /* reported, init goes on */
	{NOHUGE, "--log-level=help --no-huge"}, /* exits 0 */
	{NOHUGE, "-n 0 --log-level=help"}, /* the log-level pass runs first: exits 0 */
	{NOHUGE, "--bogus --log-level=help"}, /* ...but stops at an unknown option */
	{NOHUGE, "-v -l 0 --no-huge"},
	{NOHUGE, "-h"}, /* exits 0 */
	{NOHUGE, "-n 0 -h"}, /* the error comes first */
	/* getopt: unknown, missing value, abbreviations, permutation, -- */
	{NOHUGE, "--bogus --no-huge"}, /* 68 */
	{NOHUGE, "-x --no-huge"},
	{NOHUGE, "--no-huge -l"},
	{NOHUGE, "--no-huge --lcores"},
	{NOHUGE, "--no-h -l 0"}, /* ambiguous: --no-hpet --no-huge */
	{NOHUGE, "--no-hu -l 0"},
	{NOHUGE, "--lc 0-1 --no-hu"},
	{NOHUGE, "--no-huge=1 -l 0"},
	{NOHUGE, "-l 0 --no-huge -- app1 -l 5"},
	{NOHUGE, "app0 -l 0 app1 --no-huge app2"},
	{NOHUGE, "app0 -l 0 --no-huge -- app1"},
	{NOHUGE, "-l 0 --no-huge --"},
	/* options for things rtemem does not have */
	{NOHUGE, "-a 0000:00:01.0 -b 0000:00:02.0 --no-huge -l 0"}, /* 80 */
	{NOHUGE, "--vfio-intr msix --no-huge -l 0"},
	{NOHUGE, "--vfio-intr bogus --no-huge -l 0"},
	{NOHUGE, "--syslog bogus --no-huge -l 0"},
	{NOHUGE, "--trace-mode bogus --no-huge -l 0"},
	{NOHUGE, "--force-max-simd-bitwidth 256 --no-huge -l 0"},
	{NOHUGE, "--force-max-simd-bitwidth 3 --no-huge -l 0"},
	/* -d: accepted by the parser, fails when init loads it */
	{NOHUGE, "-d /nonexistent/librte_nothing.so --no-huge -l 0"},
};

#define NLINES (int)(sizeof(lines) / sizeof(lines[0]))
#define MAXW 40
#define REPORT 4096

/* Child: run init on the line and write a one-line report to fd. */
static void child(int i, int fd)
{
	static char words[1024];
	static char prefix[256];
	char *argv[MAXW + 1];
	int argc = 0;
	char report[REPORT];
	size_t n = 0;

	int devnull = open("/dev/null", O_WRONLY);
	if (devnull >= 0)
		dup2(devnull, STDOUT_FILENO);

	snprintf(prefix, sizeof(prefix), "%s-%d", test_prefix(), i);
	argv[argc++] = (char *)"eal_args";
	argv[argc++] = (char *)"--file-prefix";
	argv[argc++] = prefix;
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-telemetry";
	snprintf(words, sizeof(words), "%s", lines[i].args);
	for (char *save = NULL, *w = strtok_r(words, " ", &save); w && argc < MAXW;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;

	int ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		n += snprintf(report + n, REPORT - n, "reject (errno %d)", rte_errno);
	} else {
		unsigned int l;

		n += snprintf(report + n, REPORT - n, "accept ret=%d main=%u lcores=", ret,
			      rte_get_main_lcore());
		RTE_LCORE_FOREACH(l) {
			rte_cpuset_t set = rte_lcore_cpuset(l);
			n += snprintf(report + n, REPORT - n, "%u#%d{", l, rte_lcore_index((int)l));
			for (int c = 0; c < CPU_SETSIZE && n < REPORT - 16; c++)
				if (CPU_ISSET(c, &set))
					n += snprintf(report + n, REPORT - n, "%d,", c);
			n += snprintf(report + n, REPORT - n, "} ");
		}
		n += snprintf(report + n, REPORT - n, "app argv=[");
		for (int k = ret; k < argc && n < REPORT - 64; k++)
			n += snprintf(report + n, REPORT - n, "%s%s", k > ret ? " " : "", argv[k]);
		n += snprintf(report + n, REPORT - n, "]");
		rte_eal_cleanup();
	}
	if (write(fd, report, n) < 0)
		_exit(3);
	_exit(0);
}

/* Removes what a run left in its runtime directory. */
static void remove_runtime_dir(int i)
{
	char dir[512];
	const char *base = "/var/run";
	if (getuid() != 0) {
		const char *x = getenv("XDG_RUNTIME_DIR");
		base = x ? x : "/tmp";
	}
	snprintf(dir, sizeof(dir), "%s/dpdk/%s-%d", base, test_prefix(), i);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char p[1024];
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

int main(void)
{
	int huge = test_have_hugepages();

	OBS("%d lines", NLINES);
	for (int i = 0; i < NLINES; i++) {
		if (lines[i].huge && !huge) {
			OBS("line %d: skipped (no hugepages): %s", i, lines[i].args);
			continue;
		}
		int fds[2];
		CHECK(pipe(fds) == 0, "pipe: %s", strerror(errno));
		pid_t pid = test_fork();
		if (pid == 0) {
			close(fds[0]);
			child(i, fds[1]);
		}
		close(fds[1]);
		char buf[REPORT + 1];
		/* the child writes its whole report at once, then exits */
		ssize_t got = test_read(fds[0], buf, REPORT, -1);
		buf[got > 0 ? got : 0] = '\0';
		close(fds[0]);
		int status = test_wait(pid, -1);
		remove_runtime_dir(i);
		if (got > 0)
			OBS("line %d: %s: %s", i, lines[i].args, buf);
		else if (status >= 0 && status < 128)
			OBS("line %d: %s: exit %d without returning", i, lines[i].args, status);
		else
			OBS("line %d: %s: killed by signal %d", i, lines[i].args, status - 128);
	}
	return 0;
}
