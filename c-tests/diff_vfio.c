/*
 * Differential test of VFIO (rte_vfio.h, rte_eal_vfio_intr_mode, rte_eal_vfio_get_vf_token),
 * built against DPDK 22.11's headers and run on real DPDK and on rtemem, on a machine without
 * /dev/vfio (the vfio module not loaded): every call's return value, and rte_errno where DPDK
 * sets it (the DMA calls). A fake sysfs tree gives devices with IOMMU groups whose
 * /dev/vfio/<n> does not exist. Children check the options: --vfio-intr and --vfio-vf-token
 * reach the getters, an unknown --vfio-intr fails init (eal_flags_misc's case).
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API /* rte_eal_vfio_get_vf_token */
#include <stdint.h>
#include <sys/stat.h>

#include <rte_eal.h>
#include <rte_vfio.h>

#include "common.h"

#define R(call) OBS("%s = %d", #call, (int)(call))
/* The DMA calls set rte_errno in DPDK too. */
#define RE(call) do { rte_errno = 0; int _r = (call); OBS("%s = %d errno %d", #call, _r, rte_errno); } while (0)

static char root[256];

/* A device directory under root whose iommu_group link points at `target`. */
static void fake_device(const char *dev, const char *target)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", root, dev);
	CHECK(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s/iommu_group", root, dev);
	CHECK(symlink(target, path) == 0, "symlink %s: %s", path, strerror(errno));
}

static void remove_fake(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
}

static void no_vfio_here(void)
{
	int gnum = -5, dfd = -7;
	struct vfio_device_info info;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	R(rte_vfio_enable("vfio"));
	R(rte_vfio_enable("vfio"));
	R(rte_vfio_is_enabled("vfio"));
	R(rte_vfio_is_enabled("vfio_pci"));
	R(rte_vfio_noiommu_is_enabled());
	R(rte_vfio_get_container_fd());
	R(rte_vfio_container_create());
	R(rte_vfio_container_destroy(-1));
	R(rte_vfio_container_destroy(-1));
	R(rte_vfio_container_destroy(5));
	R(rte_vfio_get_group_fd(1));
	R(rte_vfio_get_group_fd(-1));
	R(rte_vfio_get_group_num("/sys/bus/pci/devices", "0000:00:04.0", &gnum));
	OBS("gnum %d", gnum);
	R(rte_vfio_get_group_num("/sys/bus/pci/devices", "no-such-device", NULL));
	R(rte_vfio_clear_group(5));
	R(rte_vfio_clear_group(-1));
	R(rte_vfio_container_group_bind(-1, 1));
	R(rte_vfio_container_group_bind(-1, -1));
	R(rte_vfio_container_group_bind(5, 1));
	R(rte_vfio_container_group_unbind(-1, 1));
	R(rte_vfio_container_group_unbind(-1, -1));
	R(rte_vfio_container_group_unbind(5, 1));
	RE(rte_vfio_container_dma_map(-1, 0x1000, 0x1000, 0x1000));
	RE(rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD, 0x1000, 0x1000, 0));
	RE(rte_vfio_container_dma_unmap(-1, 0x1000, 0x1000, 0x1000));
	RE(rte_vfio_container_dma_unmap(-1, 0x1000, 0x1000, 0));
	R(rte_vfio_container_dma_map(5, 0x1000, 0x1000, 0x1000));
	R(rte_vfio_container_dma_unmap(5, 0x1000, 0x1000, 0x1000));
	R(rte_vfio_setup_device("/sys/bus/pci/devices", "0000:00:04.0", &dfd, &info));
	OBS("dfd %d", dfd);
	R(rte_vfio_setup_device("/sys/bus/pci/devices", "0000:00:04.0", NULL, NULL));
	R(rte_vfio_release_device("/sys/bus/pci/devices", "0000:00:04.0", 3));
	R(rte_eal_vfio_intr_mode());
	unsigned char t[16];
	memset(t, 0xab, sizeof(t));
	rte_eal_vfio_get_vf_token(t);
	int zero = 1;
	for (int i = 0; i < 16; i++)
		zero &= t[i] == 0;
	OBS("vf token all zero: %d", zero);
}

static void fake_groups(void)
{
	int gnum = -5, dfd = -7;
	struct vfio_device_info info;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	snprintf(root, sizeof(root), "/tmp/%s-sysfs", test_prefix());
	remove_fake();
	CHECK(mkdir(root, 0755) == 0, "mkdir %s: %s", root, strerror(errno));
	fake_device("dev7", "../../kernel/iommu_groups/7");
	fake_device("devslash", "/sys/kernel/iommu_groups/12/");
	fake_device("devname", "../../kernel/iommu_groups/abc");
	fake_device("devjunk", "../../kernel/iommu_groups/7x");
	R(rte_vfio_get_group_num(root, "dev7", &gnum));
	OBS("gnum %d", gnum);
	R(rte_vfio_get_group_num(root, "devslash", &gnum));
	OBS("gnum %d", gnum);
	gnum = -5;
	R(rte_vfio_get_group_num(root, "devname", &gnum));
	OBS("gnum %d", gnum);
	gnum = -5;
	R(rte_vfio_get_group_num(root, "devjunk", &gnum));
	OBS("gnum %d", gnum);
	/* Group 7 has no /dev/vfio/7: not VFIO's. */
	R(rte_vfio_setup_device(root, "dev7", &dfd, &info));
	OBS("dfd %d", dfd);
	R(rte_vfio_setup_device(root, "devjunk", &dfd, &info));
	R(rte_vfio_release_device(root, "dev7", 3));
	R(rte_vfio_release_device(root, "devjunk", 3));
	R(rte_vfio_get_group_fd(7));
	R(rte_vfio_container_group_bind(-1, 7));
	R(rte_vfio_container_group_unbind(-1, 7));
	remove_fake();
}

static int options_child(void)
{
	const char *extra[] = {"--vfio-intr", "msix", "--vfio-vf-token",
			       "14d63f20-8445-11ea-8900-1f9ce7d5650d"};
	CHECK(test_eal_init_argv(4, extra, test_have_hugepages()) >= 0, "rte_eal_init: %s",
	      rte_strerror(rte_errno));
	R(rte_eal_vfio_intr_mode());
	unsigned char t[16];
	rte_eal_vfio_get_vf_token(t);
	char hex[33];
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", t[i]);
	OBS("vf token %s", hex);
	R(rte_eal_cleanup());
	return 0;
}

static int bad_intr_child(void)
{
	const char *extra[] = {"--vfio-intr", "bogus"};
	rte_errno = 0;
	int ret = test_eal_init_argv(2, extra, test_have_hugepages());
	OBS("init with --vfio-intr bogus: %d errno %d", ret, rte_errno);
	return 0;
}

static void run_child(const char *argv0, const char *role)
{
	pid_t pid = test_fork();
	if (pid == 0) {
		/* DPDK keeps the config file locked after cleanup: a prefix per child. */
		char prefix[256];
		snprintf(prefix, sizeof(prefix), "%s-%s", test_prefix(), role);
		setenv("RTEMEM_TEST_PREFIX", prefix, 1);
		execl(argv0, argv0, role, (char *)NULL);
		_exit(127);
	}
	OBS("%s exit %d", role, test_wait(pid, -1));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "options") == 0)
		return options_child();
	if (argc > 1 && strcmp(argv[1], "badintr") == 0)
		return bad_intr_child();
	R(rte_vfio_is_enabled("vfio"));
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	no_vfio_here();
	fake_groups();
	R(rte_eal_cleanup());
	run_child(argv[0], "options");
	run_child(argv[0], "badintr");
	return 0;
}
