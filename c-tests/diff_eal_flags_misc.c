/* DPDK's eal_flags_misc_autotest, line by line: a primary (this process) and, for each command
 * line of test_misc_flags, a child that runs rte_eal_init with it, as a secondary of this
 * primary or as a primary of its own prefix. Observed: each line's exit status (0: init
 * succeeded), and for --huge-worker-stack whether a worker lcore's stack lies in hugepage
 * memory (DPDK allocates it with rte_zmalloc) and is at least the size asked for.
 *
 * Every line gets --no-pci (never touch the machine's NIC) and --no-telemetry; primaries that
 * use hugepages get -m 18 --huge-unlink (no page files are left behind). The secondary lines
 * need a primary with hugepages: without them they are not run (on both sides). */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_memory.h>
#include "common.h"

#define SECONDARY 1
#define PRIMARY 0

struct line {
	int secondary;
	const char *args; /* space-separated; %H is replaced by the hugetlbfs mount */
};

static const struct line lines[] = {
	{SECONDARY, "--invalid-opt"},
	{SECONDARY, ""},
	{SECONDARY, "-v"},
	{SECONDARY, "--syslog syslog"},
	{SECONDARY, "--syslog"},
	{SECONDARY, "--syslog error"},
	{SECONDARY, "--syslog local3"},
	{PRIMARY, "-m 18 --no-shconf --no-huge"},
	{PRIMARY, "-m 18 --huge-dir %H"},
	{PRIMARY, "-m 18 --huge-dir"},
	{PRIMARY, "-m 18 --huge-dir invalid"},
	{PRIMARY, "-m 18 --huge-dir %H/dpdk.missing"},
	{PRIMARY, "-m 18 --huge-dir %H/dpdk.dir"},
	{SECONDARY, "--huge-dir invalid"},
	{SECONDARY, "--huge-dir /nonexistent/dir"},
	{PRIMARY, "--base-virtaddr=0x12345678 -m 18"},
	{PRIMARY, "--vfio-intr=legacy -m 18"},
	{PRIMARY, "--vfio-intr=msi -m 18"},
	{PRIMARY, "--vfio-intr=msix -m 18"},
	{PRIMARY, "--vfio-intr=invalid -m 18"},
	{PRIMARY, "--vfio-intr= -m 18"},
	{PRIMARY, "--proc-type=auto -m 18"},
	{PRIMARY, "--proc-type=auto --no-shconf --no-huge -m 18"},
	{PRIMARY, "--create-uio-dev -m 18"},
	{SECONDARY, "--huge-worker-stack"},
	{SECONDARY, "--huge-worker-stack=512"},
	{PRIMARY, "--huge-worker-stack=512 -m 18"},
	{PRIMARY, "--huge-worker-stack -m 18"},
	{PRIMARY, "--huge-worker-stack=0 -m 18"},
	{PRIMARY, "--huge-worker-stack=abc -m 18"},
	{PRIMARY, "--huge-worker-stack=64 --no-huge -m 18"},
};

static char hugepath[256];

/* Runs on the worker lcore: where its stack is, and how much of it lies below us. */
static int probe_stack(void *arg)
{
	volatile char here = 0;
	long *out = arg;
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list((const void *)&here);
	out[0] = msl != NULL;
	pthread_attr_t a;
	void *base = NULL;
	size_t size = 0;
	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		pthread_attr_getstack(&a, &base, &size);
		pthread_attr_destroy(&a);
	}
	out[1] = (long)size;
	out[2] = base != NULL && (const char *)&here > (char *)base &&
		 (const char *)&here < (char *)base + size;
	(void)here;
	return 0;
}

static int child(int argc, char **argv)
{
	/* argv: child <secondary 0|1> <n> eal args... */
	int want_stack = 0;
	for (int i = 3; i < argc; i++)
		if (strncmp(argv[i], "--huge-worker-stack", 19) == 0)
			want_stack = 1;
	argv[2] = argv[0];
	/* Forked from the primary's main lcore thread, which is pinned to CPU 0: give the line
	 * every CPU again, so that its default lcore set has a worker. */
	cpu_set_t all;
	CPU_ZERO(&all);
	for (long c = 0; c < sysconf(_SC_NPROCESSORS_ONLN) && c < CPU_SETSIZE; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
	int ret = rte_eal_init(argc - 2, argv + 2);
	if (ret < 0)
		return 1;
	if (want_stack && rte_lcore_count() > 1) {
		long out[3] = {0, 0, 0};
		unsigned w = rte_get_next_lcore(-1, 1, 0);
		CHECK(rte_eal_remote_launch(probe_stack, out, w) == 0, "launch");
		rte_eal_wait_lcore(w);
		printf("@   worker stack in DPDK memory %ld, size %ld KiB, contains the frame %ld\n",
		       out[0], out[1] / 1024, out[2]);
		fflush(stdout);
	}
	rte_eal_cleanup();
	return 0;
}

static void expand(char *dst, size_t n, const char *src)
{
	size_t o = 0;
	for (const char *s = src; *s && o + 1 < n; s++) {
		if (s[0] == '%' && s[1] == 'H') {
			o += snprintf(dst + o, n - o, "%s", hugepath);
			s++;
		} else {
			dst[o++] = *s;
		}
	}
	dst[o < n ? o : n - 1] = '\0';
}

static void run_line(int i, int huge)
{
	const struct line *l = &lines[i];
	char args[512], prefix[300], *argv[40];
	int n = 0;
	expand(args, sizeof(args), l->args);
	if (l->secondary && !huge) {
		OBS("%d [secondary] %s: skipped", i, l->args);
		return;
	}
	argv[n++] = (char *)"--file-prefix";
	if (l->secondary) {
		snprintf(prefix, sizeof(prefix), "%s", test_prefix());
		argv[n++] = prefix;
		argv[n++] = (char *)"--proc-type=secondary";
	} else {
		snprintf(prefix, sizeof(prefix), "%s-%d", test_prefix(), i);
		argv[n++] = prefix;
		if (strstr(args, "--no-huge") == NULL && strstr(args, "--no-shconf") == NULL)
			argv[n++] = (char *)"--huge-unlink";
		if (!huge && strstr(args, "--no-huge") == NULL)
			argv[n++] = (char *)"--no-huge";
	}
	argv[n++] = (char *)"--no-pci";
	argv[n++] = (char *)"--no-telemetry";
	for (char *t = strtok(args, " "); t && n < 38; t = strtok(NULL, " "))
		argv[n++] = t;
	argv[n] = NULL;
	OBS("%d [%s] %s", i, l->secondary ? "secondary" : "primary", l->args);
	pid_t pid = test_fork();
	if (pid == 0) {
		const char *cargv[44];
		int c = 0;
		cargv[c++] = "/proc/self/exe";
		cargv[c++] = "child";
		cargv[c++] = "x";
		for (int k = 0; k < n; k++)
			cargv[c++] = argv[k];
		cargv[c] = NULL;
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0 && strcmp(l->args, "-v") == 0)
			dup2(devnull, 1); /* -v prints versions that differ */
		execv("/proc/self/exe", (char *const *)cargv);
		_exit(127);
	}
	OBS("%d   exit %d", i, test_wait(pid, -1));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child(argc, argv);

	int huge = test_have_hugepages();
	const char *hd = test_default_huge_dir();
	if (huge && hd)
		snprintf(hugepath, sizeof(hugepath), "%s", hd);
	else
		huge = 0;
	char dir2[300], dir3[310];
	snprintf(dir2, sizeof(dir2), "%s/dpdk.dir", hugepath);
	snprintf(dir3, sizeof(dir3), "%s/dpdk.dir/sub", hugepath);
	if (huge) {
		CHECK(mkdir(dir2, 0700) == 0 || errno == EEXIST, "mkdir %s: %s", dir2, strerror(errno));
		CHECK(mkdir(dir3, 0700) == 0 || errno == EEXIST, "mkdir %s: %s", dir3, strerror(errno));
	}
	static const char *const extra[] = {"-m", "64"};
	CHECK(test_eal_init_argv(huge ? 2 : 0, extra, huge) >= 0, "rte_eal_init: %s",
	      rte_strerror(rte_errno));
	for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (!huge && strstr(lines[i].args, "%H")) {
			OBS("%u %s: skipped", i, lines[i].args);
			continue;
		}
		run_line(i, huge);
	}
	rte_eal_cleanup();
	if (huge) {
		rmdir(dir3);
		rmdir(dir2);
	} else {
		printf("not run: the secondary and --huge-dir lines (no hugepages)\n");
	}
	return 0;
}
