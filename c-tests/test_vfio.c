/* VFIO as C callers see it, under AddressSanitizer: the bad-input table. NULL strings and
 * pointers fail with -1, rte_errno EINVAL and one log line naming the call (DPDK would print
 * "(null)" into a path or write through NULL); nothing is corrupted: the calls that worked
 * before still answer the same afterwards. */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API /* rte_eal_vfio_get_vf_token */
#include <stdint.h>
#include <sys/stat.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_vfio.h>
#include "common.h"

static char *log_buf;
static size_t log_len;
static FILE *log_f;

/* Lines logged since the last call that contain `what`. */
static int logged(const char *what)
{
	fflush(log_f);
	int n = 0;
	for (char *p = log_buf; *what && p && (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	fclose(log_f);
	free(log_buf);
	log_buf = NULL;
	log_f = open_memstream(&log_buf, &log_len);
	rte_openlog_stream(log_f);
	return n;
}

#define BAD(call, name) do { \
	rte_errno = 0; \
	int _r = (call); \
	CHECK(_r == -1, "%s returned %d, want -1", #call, _r); \
	CHECK(rte_errno == EINVAL, "%s: rte_errno %d, want EINVAL", #call, rte_errno); \
	CHECK(logged(name) == 1, "%s: not exactly one log line naming %s", #call, name); \
} while (0)

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	log_f = open_memstream(&log_buf, &log_len);
	rte_openlog_stream(log_f);

	/* A device whose IOMMU group link exists. */
	char root[256], path[512];
	snprintf(root, sizeof(root), "/tmp/%s-sysfs", test_prefix());
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	CHECK(system(path) == 0, "clean %s", root);
	snprintf(path, sizeof(path), "%s/dev3", root);
	CHECK(mkdir(root, 0755) == 0 && mkdir(path, 0755) == 0, "mkdir: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/dev3/iommu_group", root);
	CHECK(symlink("../kernel/iommu_groups/3", path) == 0, "symlink: %s", strerror(errno));

	int n = -1, fd = -1;
	struct vfio_device_info info = {.argsz = sizeof(info)};
	CHECK(rte_vfio_get_group_num(root, "dev3", &n) == 1 && n == 3, "group 3");
	(void)logged("");

	BAD(rte_vfio_get_group_num(NULL, "dev3", &n), "rte_vfio_get_group_num");
	BAD(rte_vfio_get_group_num(root, NULL, &n), "rte_vfio_get_group_num");
	BAD(rte_vfio_get_group_num(root, "dev3", NULL), "rte_vfio_get_group_num");
	BAD(rte_vfio_setup_device(NULL, "dev3", &fd, &info), "rte_vfio_setup_device");
	BAD(rte_vfio_setup_device(root, NULL, &fd, &info), "rte_vfio_setup_device");
	BAD(rte_vfio_release_device(NULL, "dev3", 3), "rte_vfio_release_device");
	BAD(rte_vfio_release_device(root, NULL, 3), "rte_vfio_release_device");
	BAD(rte_vfio_enable(NULL), "rte_vfio_enable");
	rte_errno = 0;
	rte_eal_vfio_get_vf_token(NULL);
	CHECK(rte_errno == EINVAL && logged("rte_eal_vfio_get_vf_token") == 1, "NULL token");
	CHECK(rte_vfio_is_enabled(NULL) == 0, "is_enabled(NULL) is 0, as DPDK");
	/* Bad numbers: DPDK's answers, nothing corrupted. */
	CHECK(rte_vfio_clear_group(-1) == 0, "clear_group(-1) answers 0 as DPDK");
	CHECK(rte_vfio_container_group_unbind(-1, -1) == 0, "unbind(-1) answers 0 as DPDK");
	CHECK(rte_vfio_container_destroy(INT32_MAX) == -1, "an unknown container");
	CHECK(rte_vfio_container_dma_map(-1, UINT64_MAX, UINT64_MAX, UINT64_MAX) == -1 &&
	      rte_errno == ENODEV, "huge DMA range, no device: ENODEV");

	/* Still the same answers. */
	n = -1;
	CHECK(rte_vfio_get_group_num(root, "dev3", &n) == 1 && n == 3, "group 3 again");
	CHECK(rte_vfio_get_group_fd(3) == -ENOENT, "no /dev/vfio/3: -ENOENT");
	CHECK(rte_vfio_setup_device(root, "dev3", &fd, &info) == 1, "not VFIO's: 1");
	CHECK(rte_vfio_get_container_fd() == -1, "no container");

	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	CHECK(system(path) == 0, "clean %s", root);
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	fclose(log_f);
	free(log_buf);
	printf("vfio bad inputs: all refused, answers unchanged\n");
	return 0;
}
