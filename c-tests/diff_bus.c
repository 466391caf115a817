/* LIBS: -lrte_bus_vdev */
/*
 * Buses, classes, devices, the device iterator, hotplug in one process, DMA mapping and
 * device-event callbacks, compared with DPDK 22.11. Debian's librte_bus_vdev is linked in; the
 * devices are the test doubles of dev_common.h (real DPDK also loads its plugin directory, so
 * only what the doubles decide is observed: the first buses of the dump, devices on vdev and
 * rtmbus).
 */
#define ALLOW_EXPERIMENTAL_API 1
#define ALLOW_INTERNAL_API 1
#include <rte_malloc.h>
#include "dev_common.h"
#include "common.h"

static int by_name(const struct rte_bus *b, const void *name)
{
	return strcmp(rte_bus_name(b), name);
}

static int any_bus(const struct rte_bus *b, const void *data)
{
	(void)b;
	(void)data;
	return 0;
}

static int cls_by_name(const struct rte_class *c, const void *name)
{
	return strcmp(c->name, name);
}

/* DPDK's rte_dev_iterator_init writes a NUL at each layer boundary of the string it is given
 * (rtemem's does not), so each init gets its own writable copy. */
static void walk(const char *str)
{
	struct rte_dev_iterator it;
	struct rte_device *dev;
	char out[256] = "", s1[128], s2[128];
	snprintf(s1, sizeof(s1), "%s", str);
	snprintf(s2, sizeof(s2), "%s", str);
	rte_errno = 0;
	int r = rte_dev_iterator_init(&it, s1);
	int e = rte_errno;
	int n = 0;
	if (r == 0) {
		RTE_DEV_FOREACH(dev, s2, &it) {
			snprintf(out + strlen(out), sizeof(out) - strlen(out), " %s", dev->name);
			if (++n > 16)
				break;
		}
	}
	OBS("iterate '%s': init %d errno %d ->%s (end errno %d)", str, r, e, out, rte_errno);
}

static int events, last_event;
static char last_name[64];
static void on_event(const char *name, enum rte_dev_event_type ev, void *arg)
{
	(void)arg;
	events++;
	last_event = ev;
	snprintf(last_name, sizeof(last_name), "%s", name);
}

int main(void)
{
	const char *extra[] = { "--vdev", "rtm_fake_a", "--vdev", "rtm_fake_b,k=v" };
	CHECK(test_eal_init_argv(4, extra, 0) >= 0, "rte_eal_init failed: %s",
	      rte_strerror(rte_errno));

	/* Buses. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_bus_dump(f);
	fclose(f);
	char *l1 = strtok(buf, "\n"), *l2 = strtok(NULL, "\n");
	OBS("dump starts |%s|%s|", l1 ? l1 : "", l2 ? l2 : "");
	free(buf);
	struct rte_bus *vdev = rte_bus_find_by_name("vdev");
	OBS("find_by_name vdev %d rtmbus %d nope %p", vdev != NULL,
	    rte_bus_find_by_name("rtmbus") == &rtmbus, (void *)rte_bus_find_by_name("nope"));
	OBS("names %s %s", rte_bus_name(vdev), rte_bus_name(&rtmbus));
	OBS("find(NULL, rtmbus) %d", rte_bus_find(NULL, by_name, "rtmbus") == &rtmbus);
	OBS("find(vdev, any) is rtmbus %d", rte_bus_find(vdev, any_bus, NULL) == &rtmbus);
	OBS("find(rtmbus, rtmbus) %p", (void *)rte_bus_find(&rtmbus, by_name, "rtmbus"));
	OBS("find_by_device rtmdev1 %d", rte_bus_find_by_device(&rtmdevs[1]) == &rtmbus);
	struct rte_device *a = rtm_vdev("rtm_fake_a");
	OBS("find_by_device rtm_fake_a %d", a && rte_bus_find_by_device(a) == vdev);
	struct rte_device stranger = { .name = "stranger" };
	OBS("find_by_device stranger %p", (void *)rte_bus_find_by_device(&stranger));
	OBS("iommu class %d", (int)rte_bus_get_iommu_class());
	int sc = rte_bus_scan();
	int pr = rte_bus_probe();
	OBS("scan %d probe %d", sc, pr);
	OBS("probes %d", rtm_fake_probes);

	/* Classes. */
	OBS("class by name rtmcls2 %d nope %p", rte_class_find_by_name("rtmcls2") == &rtmcls2,
	    (void *)rte_class_find_by_name("nope"));
	OBS("class find(rtmcls, rtmcls2) %d",
	    rte_class_find(&rtmcls, cls_by_name, "rtmcls2") == &rtmcls2);
	OBS("class find(rtmcls2, rtmcls2) %p",
	    (void *)rte_class_find(&rtmcls2, cls_by_name, "rtmcls2"));

	/* Devices. */
	struct rte_device *b = rtm_vdev("rtm_fake_b");
	CHECK(a && b, "the --vdev devices exist");
	OBS("a: name %s probed %d numa %d bus %s driver %s args '%s' bus_info %p",
	    rte_dev_name(a), rte_dev_is_probed(a), rte_dev_numa_node(a),
	    rte_bus_name(rte_dev_bus(a)), rte_driver_name(rte_dev_driver(a)),
	    rte_dev_devargs(a)->args, (void *)rte_dev_bus_info(a));
	OBS("b: args '%s'", rte_dev_devargs(b)->args);
	OBS("rtmdev1 probed %d driver %p", rte_dev_is_probed(&rtmdevs[1]),
	    (void *)rte_dev_driver(&rtmdevs[1]));

	/* Iterator. */
	walk("bus=vdev");
	walk("bus=vdev,name=rtm_fake_b");
	walk("bus=rtmbus");
	walk("bus=rtmbus,name=rtmdev1");
	walk("class=rtmcls2");
	walk("bus=rtmbus/class=rtmcls2");
	walk("bus=vdev/class=rtmcls2");
	walk("foo=bar");
	walk("bus=nope");
	walk("class=rtmcls");
	walk("bus=vdev/class=rtmcls2/driver=x/driver=y");
	struct rte_dev_iterator it;
	memset(&it, 0, sizeof(it));
	rte_errno = 0;
	struct rte_device *d0 = rte_dev_iterator_next(&it);
	OBS("next on an empty iterator %p errno %d", (void *)d0, rte_errno);
	rte_errno = 0;
	CHECK(rte_dev_iterator_init(&it, "bus=rtmbus") == 0, "init");
	rte_errno = 1234;
	struct rte_device *d1 = rte_dev_iterator_next(&it);
	OBS("next keeps the caller's errno: %s errno %d", d1 ? d1->name : "-", rte_errno);
	rte_dev_iterator_next(&it);
	d0 = rte_dev_iterator_next(&it);
	OBS("end %p errno %d", (void *)d0, rte_errno);

	/* Hotplug in one process. */
	OBS("probe rtm_fake9 -> %d", rte_dev_probe("rtm_fake9"));
	struct rte_device *d9 = rtm_vdev("rtm_fake9");
	OBS("rtm_fake9 found %d probed %d args '%s'", d9 != NULL, d9 && rte_dev_is_probed(d9),
	    d9 ? rte_dev_devargs(d9)->args : "-");
	OBS("probe rtm_fake9 again -> %d", rte_dev_probe("rtm_fake9"));
	OBS("hotplug_add vdev rtm_fake10 k=v -> %d",
	    rte_eal_hotplug_add("vdev", "rtm_fake10", "k=v"));
	struct rte_device *d10 = rtm_vdev("rtm_fake10");
	OBS("rtm_fake10 args '%s'", d10 ? rte_dev_devargs(d10)->args : "-");
	walk("bus=vdev");
	OBS("hotplug_remove rtm_fake10 -> %d", rte_eal_hotplug_remove("vdev", "rtm_fake10"));
	OBS("hotplug_remove rtm_fake10 again -> %d", rte_eal_hotplug_remove("vdev", "rtm_fake10"));
	OBS("dev_remove rtm_fake9 -> %d", rte_dev_remove(d9));
	OBS("removes %d; rtm_fake9 gone %d", rtm_fake_removes, rtm_vdev("rtm_fake9") == NULL);
	OBS("hotplug_remove nobus -> %d", rte_eal_hotplug_remove("nobus", "x"));
	OBS("hotplug_remove nodev -> %d", rte_eal_hotplug_remove("vdev", "nodev"));
	int r = rte_dev_probe("rtm_fakefail0");
	struct rte_device *df = rtm_vdev("rtm_fakefail0");
	OBS("probe rtm_fakefail0 -> %d (left %d, probed %d)", r, df != NULL,
	    df && rte_dev_is_probed(df));
	OBS("probe nosuch -> %d", rte_dev_probe("nosuch"));
	OBS("probe rtmdev1 (bus without plug) -> %d", rte_dev_probe("rtmdev1"));
	OBS("dev_remove rtmdev1 (not probed) -> %d", rte_dev_remove(&rtmdevs[1]));
	walk("bus=vdev");

	/* DMA mapping. */
	void *mem = rte_malloc(NULL, 4096, 0);
	int stack_var;
	rte_errno = 0;
	r = rte_dev_dma_map(a, mem, 0x1000, 0);
	OBS("dma_map len 0 -> %d errno %d", r, rte_errno);
	rte_errno = 0;
	r = rte_dev_dma_map(a, mem, 0x1000, 4096);
	OBS("dma_map -> %d errno %d", r, rte_errno);
	rte_errno = 0;
	r = rte_dev_dma_unmap(a, mem, 0x1000, 4096);
	OBS("dma_unmap -> %d errno %d", r, rte_errno);
	rte_errno = 0;
	r = rte_dev_dma_map(a, &stack_var, 0x1000, 4096);
	OBS("dma_map outside EAL memory -> %d errno %d", r, rte_errno);
	rte_errno = 0;
	r = rte_dev_dma_map(&rtmdevs[0], mem, 0x1000, 4096);
	OBS("dma_map on a bus without it -> %d errno %d", r, rte_errno);
	rte_free(mem);

	/* Device events. */
	OBS("register NULL cb -> %d", rte_dev_event_callback_register(NULL, NULL, NULL));
	OBS("unregister unknown -> %d", rte_dev_event_callback_unregister(NULL, on_event, NULL));
	OBS("register all -> %d", rte_dev_event_callback_register(NULL, on_event, NULL));
	OBS("register all again -> %d", rte_dev_event_callback_register(NULL, on_event, NULL));
	OBS("register one -> %d", rte_dev_event_callback_register("rtm_x", on_event, &events));
	rte_dev_event_callback_process("rtm_x", RTE_DEV_EVENT_REMOVE);
	OBS("events %d last %d %s", events, last_event, last_name);
	rte_dev_event_callback_process("rtm_y", RTE_DEV_EVENT_ADD);
	rte_dev_event_callback_process(NULL, RTE_DEV_EVENT_ADD);
	OBS("events %d last %d %s", events, last_event, last_name);
	OBS("unregister named other -> %d",
	    rte_dev_event_callback_unregister("rtm_z", on_event, (void *)-1));
	OBS("unregister any -> %d", rte_dev_event_callback_unregister(NULL, on_event, (void *)-1));
	OBS("monitor start %d", rte_dev_event_monitor_start());
	OBS("monitor start %d", rte_dev_event_monitor_start());
	OBS("monitor stop %d", rte_dev_event_monitor_stop());
	OBS("monitor stop %d", rte_dev_event_monitor_stop());
	OBS("monitor stop %d", rte_dev_event_monitor_stop());
	OBS("hotplug handle enable %d", rte_dev_hotplug_handle_enable());
	OBS("hotplug handle disable %d", rte_dev_hotplug_handle_disable());

	int c = rte_eal_cleanup();
	OBS("cleanup %d removes %d", c, rtm_fake_removes);
	return 0;
}
