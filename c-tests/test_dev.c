/*
 * Bad input to the device API, against rtemem's own headers (bus_driver.h, dev_driver.h):
 * malformed buses, classes and device strings, NULL arguments where DPDK would crash,
 * unknown buses and devices, iterators that were never set up. Each call must fail DPDK's way
 * (NULL or a negative value, rte_errno where the API has it) with one log line saying why,
 * never crash, and leave what is registered intact. Also -a/-b/--vdev at rte_eal_init: a bad
 * device fails init with ENODEV, and init can then be retried.
 */
#define ALLOW_EXPERIMENTAL_API 1
#define ALLOW_INTERNAL_API 1
#define RTM_NO_VDEV 1
#include <stdlib.h>
#include <rte_log.h>
#include "dev_common.h"
#include "common.h"

static FILE *logf;
static char *logbuf;
static size_t loglen;
static size_t logmark;

/* How many log lines were written since the last call, and whether one mentions `what`. */
static int lines_since(const char *what, int *found)
{
	fflush(logf);
	int n = 0;
	*found = 0;
	for (size_t i = logmark; i < loglen; i++)
		if (logbuf[i] == '\n')
			n++;
	if (what && loglen > logmark && strstr(logbuf + logmark, what))
		*found = 1;
	logmark = loglen;
	return n;
}

/* The call just made logged at least one line naming `what`. */
#define LOGGED(what) do { \
	int found_; \
	int n_ = lines_since(what, &found_); \
	CHECK(n_ >= 1 && found_, "expected a log line about '%s' (%d lines)", what, n_); \
} while (0)

static int cmp_any(const struct rte_bus *b, const void *d)
{
	(void)b;
	(void)d;
	return 0;
}

static int count_buses(const char *name)
{
	int n = 0;
	for (struct rte_bus *b = rte_bus_find(NULL, cmp_any, NULL); b;
	     b = rte_bus_find(b, cmp_any, NULL))
		n += strcmp(rte_bus_name(b), name) == 0;
	return n;
}

static int ok0(void) { return 0; }
static int plug0(struct rte_device *d) { (void)d; return 0; }

int main(void)
{
	logf = open_memstream(&logbuf, &loglen);
	CHECK(logf && rte_openlog_stream(logf) == 0, "log stream");

	/* Buses: each bad one is refused with a line; the registry stays as it was. */
	int before = count_buses("rtmbus");
	CHECK(before == 1, "the test bus registered from a constructor (%d)", before);
	struct rte_bus bad = { .name = "rtmbad", .scan = ok0, .probe = ok0 };
	rte_bus_register(NULL);
	LOGGED("rte_bus_register");
	rte_bus_register(&bad);
	LOGGED("find_device");
	bad.find_device = rtmbus_find;
	bad.name = "";
	rte_bus_register(&bad);
	LOGGED("no name");
	bad.name = NULL;
	rte_bus_register(&bad);
	LOGGED("no name");
	bad.name = "rtmbad";
	bad.scan = NULL;
	rte_bus_register(&bad);
	LOGGED("scan");
	bad.scan = ok0;
	bad.plug = plug0;
	rte_bus_register(&bad);
	LOGGED("unplug");
	rte_bus_register(&rtmbus);
	LOGGED("already registered");
	CHECK(count_buses("rtmbus") == 1 && count_buses("rtmbad") == 0, "registry unchanged");
	rte_bus_unregister(&bad);
	LOGGED("not registered");
	CHECK(count_buses("rtmbus") == 1, "unregistering a stranger loses nothing");

	rte_errno = 0;
	CHECK(rte_bus_name(NULL) == NULL && rte_errno == EINVAL, "rte_bus_name(NULL)");
	LOGGED("NULL");
	rte_errno = 0;
	CHECK(rte_bus_find(NULL, NULL, NULL) == NULL && rte_errno == EINVAL, "find with no cmp");
	LOGGED("cmp");
	rte_errno = 0;
	CHECK(rte_bus_find(&bad, cmp_any, NULL) == NULL && rte_errno == EINVAL, "unknown start");
	LOGGED("start");
	rte_errno = 0;
	CHECK(rte_bus_find_by_name(NULL) == NULL && rte_errno == EINVAL, "find_by_name(NULL)");
	LOGGED("NULL");
	rte_bus_dump(NULL);
	LOGGED("stream");

	/* Classes. */
	rte_class_register(NULL);
	LOGGED("class");
	struct rte_class unnamed = { .name = NULL };
	rte_class_register(&unnamed);
	LOGGED("no name");
	rte_class_register(&rtmcls2);
	LOGGED("already registered");
	CHECK(rte_class_find_by_name("rtmcls2") == &rtmcls2, "class kept");
	rte_errno = 0;
	CHECK(rte_class_find_by_name(NULL) == NULL && rte_errno == EINVAL, "class by NULL name");
	LOGGED("NULL");
	CHECK(rte_class_find(NULL, NULL, NULL) == NULL, "class find without cmp");
	LOGGED("cmp");

	/* Device strings. */
	struct rte_devargs da;
	CHECK(rte_devargs_parse(&da, NULL) == -EINVAL, "parse NULL string");
	LOGGED("NULL");
	CHECK(rte_devargs_parse(NULL, "rtmdev0") == -EINVAL, "parse into NULL");
	LOGGED("NULL");
	CHECK(rte_devargs_parsef(NULL, "%s", "rtmdev0") == -EINVAL, "parsef into NULL");
	LOGGED("NULL");
	CHECK(rte_devargs_parse(&da, "no-bus-takes-this") == -EFAULT, "unknown device");
	LOGGED("failed to parse device");
	size_t big = 100000;
	char *huge = malloc(big + 1);
	memset(huge, 'r', big);
	huge[big] = '\0';
	CHECK(rte_devargs_parse(&da, huge) == -EINVAL, "a 100000-character name");
	LOGGED("shorter than");
	for (size_t i = 0; i < big; i += 2)
		huge[i] = '/';
	memcpy(huge, "bus=rtmbus", 10);
	for (size_t i = 10; i + 10 < big; i += 10)
		memcpy(huge + i, "/class=x,,", 10);
	rte_errno = 0;
	CHECK(rte_devargs_parse(&da, huge) < 0 && rte_errno == E2BIG, "thousands of layers");
	lines_since(NULL, &(int){0});
	/* Any bytes at all: no crash, and a result. */
	srand(7);
	for (int round = 0; round < 2000; round++) {
		char s[96];
		int n = rand() % 95;
		const char alphabet[] = "bus=class=driver=,/[]=rtmdev0vdev:xyz\001\377 ";
		for (int i = 0; i < n; i++)
			s[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
		s[n] = '\0';
		if (rte_devargs_parse(&da, s) == 0)
			rte_devargs_reset(&da);
		struct rte_dev_iterator it;
		if (rte_dev_iterator_init(&it, s) == 0)
			for (int k = 0; k < 5 && rte_dev_iterator_next(&it); k++)
				;
	}
	lines_since(NULL, &(int){0});

	/* The devargs list. */
	CHECK(rte_devargs_insert(NULL) == -1, "insert NULL");
	LOGGED("NULL");
	struct rte_devargs *none = NULL;
	CHECK(rte_devargs_insert(&none) == -1, "insert a NULL devargs");
	LOGGED("NULL");
	CHECK(rte_devargs_add((enum rte_devtype)7, "rtmdev0") == -1, "unknown device type");
	LOGGED("device type");
	CHECK(rte_devargs_add(RTE_DEVTYPE_ALLOWED, NULL) == -1, "add NULL");
	LOGGED("NULL");
	CHECK(rte_devargs_add(RTE_DEVTYPE_ALLOWED, "class=rtmcls2") == -1, "a devargs with no bus");
	LOGGED("no bus");
	struct rte_devargs stranger;
	memset(&stranger, 0, sizeof(stranger));
	rte_errno = 0;
	CHECK(rte_devargs_next(NULL, &stranger) == NULL && rte_errno == EINVAL, "next from a stranger");
	LOGGED("start");
	rte_devargs_dump(NULL);
	LOGGED("stream");
	rte_devargs_reset(NULL);

	/* Iterators. */
	struct rte_dev_iterator it;
	CHECK(rte_dev_iterator_init(NULL, "bus=rtmbus") == -EINVAL, "init NULL iterator");
	LOGGED("NULL");
	CHECK(rte_dev_iterator_init(&it, NULL) == -EINVAL, "init NULL string");
	LOGGED("NULL");
	rte_errno = 0;
	CHECK(rte_dev_iterator_next(NULL) == NULL && rte_errno == EINVAL, "next NULL");
	LOGGED("NULL");

	/* Accessors and hotplug with NULL. */
	rte_errno = 0;
	CHECK(rte_dev_name(NULL) == NULL && rte_errno == EINVAL, "rte_dev_name(NULL)");
	LOGGED("NULL");
	CHECK(rte_dev_bus(NULL) == NULL && rte_dev_bus_info(NULL) == NULL &&
	      rte_dev_devargs(NULL) == NULL && rte_dev_driver(NULL) == NULL &&
	      rte_driver_name(NULL) == NULL, "accessors on NULL");
	CHECK(rte_dev_numa_node(NULL) == -1 && rte_dev_is_probed(NULL) == 0, "numa/probed on NULL");
	lines_since(NULL, &(int){0});
	CHECK(rte_dev_probe(NULL) == -EINVAL, "probe NULL");
	LOGGED("NULL");
	CHECK(rte_eal_hotplug_add(NULL, "x", "") == -EINVAL, "hotplug_add NULL bus");
	LOGGED("NULL");
	CHECK(rte_eal_hotplug_remove("rtmbus", NULL) == -EINVAL, "hotplug_remove NULL dev");
	LOGGED("NULL");
	CHECK(rte_dev_remove(NULL) == -EINVAL, "remove NULL");
	LOGGED("NULL");
	CHECK(rte_eal_hotplug_remove("nobus", "x") == -ENOENT, "unknown bus");
	LOGGED("Cannot find bus");
	CHECK(rte_eal_hotplug_remove("rtmbus", "nodev") == -EINVAL, "unknown device");
	LOGGED("Cannot find plugged device");
	CHECK(rte_dev_remove(&rtmdevs[1]) == -ENOENT, "remove a device no driver probed");
	LOGGED("not probed");
	CHECK(rte_dev_probe("rtmdev1") == -ENOTSUP, "probe on a bus without plug");
	LOGGED("plug not supported");
	rte_errno = 0;
	CHECK(rte_dev_dma_map(NULL, NULL, 0, 4096) == -1 && rte_errno == EINVAL, "dma_map NULL");
	LOGGED("NULL");
	CHECK(rte_dev_event_callback_register(NULL, NULL, NULL) == -EINVAL, "event cb NULL");
	CHECK(rte_dev_event_callback_unregister(NULL, NULL, NULL) == -EINVAL, "event unreg NULL");
	rte_dev_event_callback_process(NULL, RTE_DEV_EVENT_ADD);

	/* Init: a device no bus takes fails it with ENODEV; -a and -b together with EINVAL. */
	const char *bad_dev[] = { "-a", "rtmdev0", "--vdev", "nobody-takes-this" };
	rte_errno = 0;
	CHECK(test_eal_init_argv(4, bad_dev, 0) < 0 && rte_errno == ENODEV,
	      "init with an unknown device: %d", rte_errno);
	LOGGED("Unable to parse device 'nobody-takes-this'");
	const char *both[] = { "-a", "rtmdev0", "-b", "rtmdev1" };
	rte_errno = 0;
	CHECK(test_eal_init_argv(4, both, 0) < 0 && rte_errno == EINVAL, "-a with -b");
	LOGGED("can't be used together");
	const char *good[] = { "-a", "rtmdev0" };
	CHECK(test_eal_init_argv(2, good, 0) >= 0, "init retried: %s", rte_strerror(rte_errno));
	CHECK(rtmbus.conf.scan_mode == 1, "-a made rtmbus an allow list (%d)", rtmbus.conf.scan_mode);
	CHECK(rte_bus_get_iommu_class() == RTE_IOVA_DC, "no bus wants an IOVA mode");
	CHECK(count_buses("rtmbus") == 1, "still registered once");
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	rte_openlog_stream(NULL);
	fclose(logf);
	free(logbuf);
	free(huge);
	printf("test_dev: all bad-input cases refused with a log line\n");
	return 0;
}
