/*
 * Test doubles for the device tests (diff_devargs.c, diff_bus.c, test_dev.c, test_hotplug.c),
 * written the way DPDK's bus and class drivers are written:
 *
 *   - a vdev driver "rtm_fake" (registered on Debian's librte_bus_vdev with rte_vdev_register):
 *     probe succeeds unless the device name contains "fail";
 *   - a bus "rtmbus" with two fixed devices "rtmdev0" (probed) and "rtmdev1" (not), parse
 *     accepting names that start with "rtmdev", a dev_iterate matching "name=", no plug;
 *   - a class "rtmcls" without dev_iterate and a class "rtmcls2" whose class device is the
 *     device itself when it is probed.
 *
 * Debian installs neither bus_driver.h / dev_driver.h nor bus_vdev_driver.h, so against DPDK's
 * headers the driver-side structs are declared here with DPDK 22.11's layout (rtemem's
 * include/ has bus_driver.h and dev_driver.h, used when present). Registration happens in a
 * constructor, before main, as drivers do it.
 */
#ifndef RTEMEM_DEV_COMMON_H
#define RTEMEM_DEV_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_bus.h>
#include <rte_class.h>
#include <rte_dev.h>
#include <rte_devargs.h>

#if __has_include(<bus_driver.h>) && defined(RTEMEM_H)
#include <bus_driver.h>
#include <dev_driver.h>
#else
struct rte_driver {
	TAILQ_ENTRY(rte_driver) next;
	const char *name;
	const char *alias;
};
struct rte_device {
	TAILQ_ENTRY(rte_device) next;
	const char *name;
	const char *bus_info;
	const struct rte_driver *driver;
	const struct rte_bus *bus;
	int numa_node;
	struct rte_devargs *devargs;
};
struct rte_bus {
	TAILQ_ENTRY(rte_bus) next;
	const char *name;
	int (*scan)(void);
	int (*probe)(void);
	struct rte_device *(*find_device)(const struct rte_device *start, rte_dev_cmp_t cmp,
			const void *data);
	int (*plug)(struct rte_device *dev);
	int (*unplug)(struct rte_device *dev);
	int (*parse)(const char *name, void *addr);
	int (*devargs_parse)(struct rte_devargs *da);
	int (*dma_map)(struct rte_device *dev, void *addr, uint64_t iova, size_t len);
	int (*dma_unmap)(struct rte_device *dev, void *addr, uint64_t iova, size_t len);
	struct {
		int scan_mode;
	} conf;
	enum rte_iova_mode (*get_iommu_class)(void);
	rte_dev_iterate_t dev_iterate;
	int (*hot_unplug_handler)(struct rte_device *dev);
	int (*sigbus_handler)(const void *failure_addr);
	int (*cleanup)(void);
};
void rte_bus_register(struct rte_bus *bus);
#endif
_Static_assert(sizeof(struct rte_bus) == 144, "rte_bus layout");
_Static_assert(sizeof(struct rte_device) == 64, "rte_device layout");

/* bus_vdev_driver.h (Debian does not install it). */
struct rte_vdev_device {
	TAILQ_ENTRY(rte_vdev_device) next;
	struct rte_device device;
};
struct rte_vdev_driver {
	TAILQ_ENTRY(rte_vdev_driver) next;
	struct rte_driver driver;
	int (*probe)(struct rte_vdev_device *dev);
	int (*remove)(struct rte_vdev_device *dev);
	int (*dma_map)(struct rte_vdev_device *dev, void *addr, uint64_t iova, size_t len);
	int (*dma_unmap)(struct rte_vdev_device *dev, void *addr, uint64_t iova, size_t len);
	uint32_t drv_flags;
};
void rte_vdev_register(struct rte_vdev_driver *driver);

/* Tests linked to librtemem alone (no librte_bus_vdev) define RTM_NO_VDEV. */
static int rtm_fake_probes, rtm_fake_removes;

static int rtm_fake_probe(struct rte_vdev_device *dev)
{
	rtm_fake_probes++;
	return strstr(dev->device.name, "fail") ? -5 : 0;
}

static int rtm_fake_remove(struct rte_vdev_device *dev)
{
	(void)dev;
	rtm_fake_removes++;
	return 0;
}

static struct rte_vdev_driver rtm_fake_drv = {
	.driver = { .name = "rtm_fake" },
	.probe = rtm_fake_probe,
	.remove = rtm_fake_remove,
};

/* ---- the bus "rtmbus" ---- */
static struct rte_bus rtmbus;
static const struct rte_driver rtmbus_drv = { .name = "rtmbus_drv" };
static struct rte_device rtmdevs[2] = {
	{ .name = "rtmdev0", .driver = &rtmbus_drv, .bus = &rtmbus, .numa_node = 0 },
	{ .name = "rtmdev1", .bus = &rtmbus, .numa_node = 0 },
};

static int rtmbus_ok(void) { return 0; }

static struct rte_device *rtmbus_find(const struct rte_device *start, rte_dev_cmp_t cmp,
		const void *data)
{
	int i = start == NULL ? 0 : (int)(start - rtmdevs) + 1;
	for (; i < 2; i++)
		if (cmp(&rtmdevs[i], data) == 0)
			return &rtmdevs[i];
	return NULL;
}

static int rtmbus_parse(const char *name, void *addr)
{
	(void)addr;
	return strncmp(name, "rtmdev", 6) != 0;
}

static int rtmbus_name_is(const struct rte_device *dev, const void *want)
{
	return want != NULL && strcmp(dev->name, want) != 0;
}

/* Parameters "name=X" select one device; anything else (or nothing) every device. */
static void *rtmbus_iterate(const void *start, const char *str, const struct rte_dev_iterator *it)
{
	(void)it;
	const char *want = NULL;
	char buf[64] = "";
	if (str != NULL && strncmp(str, "name=", 5) == 0) {
		snprintf(buf, sizeof(buf), "%s", str + 5);
		buf[strcspn(buf, ",")] = '\0';
		want = buf;
	}
	return rtmbus_find(start, rtmbus_name_is, want);
}

static struct rte_bus rtmbus = {
	.name = "rtmbus",
	.scan = rtmbus_ok,
	.probe = rtmbus_ok,
	.find_device = rtmbus_find,
	.parse = rtmbus_parse,
	.dev_iterate = rtmbus_iterate,
};

/* ---- the classes ---- */
static void *rtmcls2_iterate(const void *start, const char *str, const struct rte_dev_iterator *it)
{
	(void)str;
	if (start == NULL && it->device != NULL && it->device->driver != NULL)
		return it->device;
	return NULL;
}

static struct rte_class rtmcls = { .name = "rtmcls" };
static struct rte_class rtmcls2 = { .name = "rtmcls2", .dev_iterate = rtmcls2_iterate };

__attribute__((constructor)) static void rtm_register(void)
{
#ifndef RTM_NO_VDEV
	rte_vdev_register(&rtm_fake_drv);
#else
	(void)rtm_fake_drv;
#endif
	rte_bus_register(&rtmbus);
	rte_class_register(&rtmcls);
	rte_class_register(&rtmcls2);
}

/* The vdev device named `name`, or NULL. */
static inline int rtm_name_cmp(const struct rte_device *dev, const void *name)
{
	return strcmp(dev->name, name);
}
static inline struct rte_device *rtm_vdev(const char *name)
{
	struct rte_bus *vdev = rte_bus_find_by_name("vdev");
	return vdev ? vdev->find_device(NULL, rtm_name_cmp, name) : NULL;
}

#endif /* RTEMEM_DEV_COMMON_H */
