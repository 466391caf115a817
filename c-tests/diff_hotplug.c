/* LIBS: -lrte_bus_vdev */
/*
 * Hotplug kept in step across a primary and a secondary, compared with DPDK 22.11:
 *   - the secondary's vdev bus gets the primary's --vdev device at init (bus_vdev_mp);
 *   - a device the secondary adds (rte_eal_hotplug_add) appears in the primary, probed, and
 *     one the primary adds (rte_dev_probe) appears in the secondary;
 *   - removals from either side reach both;
 *   - rollback: when the secondary's driver refuses a device, the primary's attach is undone
 *     and the error comes back, whichever side asked.
 * The driver is dev_common.h's "rtm_fake", which in a secondary refuses names containing
 * "secrefuse". Every wait for the other process is bounded (common.h).
 */
#define ALLOW_EXPERIMENTAL_API 1
#define ALLOW_INTERNAL_API 1
#include "dev_common.h"
#include "common.h"

static int probed(const char *name)
{
	struct rte_device *d = rtm_vdev(name);
	return d == NULL ? -1 : rte_dev_is_probed(d);
}

static int sec_probe(struct rte_vdev_device *dev)
{
	if (rte_eal_process_type() == RTE_PROC_SECONDARY && strstr(dev->device.name, "secrefuse"))
		return -7;
	return rtm_fake_probe(dev);
}

/* Steps, one byte each way: the other side checks what this side just did. */
static void step(int wfd, int rfd, char c)
{
	CHECK(test_send_byte(wfd, c) == 0, "send %c", c);
	CHECK(test_recv_byte(rfd) == c, "the other side answers step %c", c);
}

static int secondary(int rfd, int wfd)
{
	const char *extra[] = { "--proc-type", "secondary" };
	CHECK(test_eal_init_argv(2, extra, 1) >= 0, "secondary init: %s", rte_strerror(rte_errno));
	OBS("sec: the primary's --vdev device: probed %d", probed("rtm_fake_p0"));
	int r = rte_eal_hotplug_add("vdev", "rtm_fake_s1", "k=v");
	OBS("sec: hotplug_add rtm_fake_s1 -> %d, probed here %d", r, probed("rtm_fake_s1"));
	step(wfd, rfd, '1'); /* the primary looks at rtm_fake_s1 */
	CHECK(test_recv_byte(rfd) == '2', "the primary probed rtm_fake_p2");
	OBS("sec: rtm_fake_p2 probed here %d", probed("rtm_fake_p2"));
	r = rte_eal_hotplug_remove("vdev", "rtm_fake_s1");
	OBS("sec: hotplug_remove rtm_fake_s1 -> %d, here %d", r, probed("rtm_fake_s1"));
	step(wfd, rfd, '3'); /* the primary looks, then removes rtm_fake_p2 */
	OBS("sec: rtm_fake_p2 here %d", probed("rtm_fake_p2"));
	CHECK(test_send_byte(wfd, '4') == 0, "send 4");
	CHECK(test_recv_byte(rfd) == '5', "the primary tried rtm_fake_secrefuse0");
	OBS("sec: rtm_fake_secrefuse0 here %d", probed("rtm_fake_secrefuse0"));
	r = rte_eal_hotplug_add("vdev", "rtm_fake_secrefuse1", "");
	OBS("sec: hotplug_add rtm_fake_secrefuse1 -> %d, here %d", r, probed("rtm_fake_secrefuse1"));
	step(wfd, rfd, '6'); /* the primary looks at rtm_fake_secrefuse1 */
	struct rte_device *d = rtm_vdev("rtm_fake_p0");
	r = d ? rte_dev_remove(d) : -999;
	OBS("sec: dev_remove rtm_fake_p0 -> %d, here %d", r, probed("rtm_fake_p0"));
	step(wfd, rfd, '7');
	OBS("sec: cleanup %d", rte_eal_cleanup());
	return 0;
}

static int primary(void)
{
	const char *extra[] = { "--vdev", "rtm_fake_p0" };
	CHECK(test_eal_init_argv(2, extra, 1) >= 0, "primary init: %s", rte_strerror(rte_errno));
	struct test_link sec;
	pid_t pid = test_spawn_self(&sec, "secondary", (char *)NULL);
	CHECK(test_recv_byte(sec.from) == '1', "secondary added rtm_fake_s1");
	OBS("pri: rtm_fake_s1 probed here %d", probed("rtm_fake_s1"));
	struct rte_device *s1 = rtm_vdev("rtm_fake_s1");
	OBS("pri: rtm_fake_s1 args '%s'", s1 ? rte_dev_devargs(s1)->args : "-");
	CHECK(test_send_byte(sec.to, '1') == 0, "ack 1");
	int r = rte_dev_probe("rtm_fake_p2");
	OBS("pri: probe rtm_fake_p2 -> %d", r);
	CHECK(test_send_byte(sec.to, '2') == 0, "send 2");
	CHECK(test_recv_byte(sec.from) == '3', "secondary removed rtm_fake_s1");
	OBS("pri: rtm_fake_s1 here %d", probed("rtm_fake_s1"));
	r = rte_eal_hotplug_remove("vdev", "rtm_fake_p2");
	OBS("pri: hotplug_remove rtm_fake_p2 -> %d, here %d", r, probed("rtm_fake_p2"));
	CHECK(test_send_byte(sec.to, '3') == 0, "ack 3");
	CHECK(test_recv_byte(sec.from) == '4', "secondary looked");
	r = rte_dev_probe("rtm_fake_secrefuse0");
	OBS("pri: probe rtm_fake_secrefuse0 -> %d, here %d", r, probed("rtm_fake_secrefuse0"));
	CHECK(test_send_byte(sec.to, '5') == 0, "send 5");
	CHECK(test_recv_byte(sec.from) == '6', "secondary tried rtm_fake_secrefuse1");
	OBS("pri: rtm_fake_secrefuse1 here %d", probed("rtm_fake_secrefuse1"));
	CHECK(test_send_byte(sec.to, '6') == 0, "ack 6");
	CHECK(test_recv_byte(sec.from) == '7', "secondary removed rtm_fake_p0");
	OBS("pri: rtm_fake_p0 here %d", probed("rtm_fake_p0"));
	CHECK(test_send_byte(sec.to, '7') == 0, "ack 7");
	OBS("pri: secondary exit %d", test_wait(pid, -1));
	test_link_close(&sec);
	OBS("pri: probes %d removes %d", rtm_fake_probes, rtm_fake_removes);
	OBS("pri: cleanup %d", rte_eal_cleanup());
	return 0;
}

int main(int argc, char **argv)
{
	rtm_fake_drv.probe = sec_probe;
	if (argc >= 4 && strcmp(argv[1], "secondary") == 0)
		return secondary(atoi(argv[2]), atoi(argv[3]));
	if (!test_have_hugepages()) {
		fprintf(stderr, "not run: needs hugepages (DPDK 22.11 has no --no-huge secondaries)\n");
		return 77;
	}
	return primary();
}
