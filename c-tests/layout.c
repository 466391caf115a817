/*
 * Prints the size and field offsets of every public struct rtemem defines, and the values of
 * key constants, one "name value" per line. c-tests/sh_layout.sh builds this file once against
 * rtemem's include/ and once against DPDK 22.11's headers and requires identical output.
 */
#include <stddef.h>
#include <stdio.h>

#include <rte_bus.h>
#include <rte_class.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_rwlock.h>
#include <rte_spinlock.h>
#include <rte_version.h>

#define SIZE(t) printf("sizeof(%s) %zu\n", #t, sizeof(t))
#define OFF(t, f) printf("offsetof(%s, %s) %zu\n", #t, #f, offsetof(t, f))
#define VAL(c) printf("%s %lld\n", #c, (long long)(c))
#define STR(c) printf("%s \"%s\"\n", #c, c)

int main(void)
{
	SIZE(struct rte_memseg);
	OFF(struct rte_memseg, iova);
	OFF(struct rte_memseg, addr);
	OFF(struct rte_memseg, addr_64);
	OFF(struct rte_memseg, len);
	OFF(struct rte_memseg, hugepage_sz);
	OFF(struct rte_memseg, socket_id);
	OFF(struct rte_memseg, nchannel);
	OFF(struct rte_memseg, nrank);
	OFF(struct rte_memseg, flags);

	SIZE(struct rte_memseg_list);
	OFF(struct rte_memseg_list, base_va);
	OFF(struct rte_memseg_list, addr_64);
	OFF(struct rte_memseg_list, page_sz);
	OFF(struct rte_memseg_list, socket_id);
	OFF(struct rte_memseg_list, version);
	OFF(struct rte_memseg_list, len);
	OFF(struct rte_memseg_list, external);
	OFF(struct rte_memseg_list, heap);
	OFF(struct rte_memseg_list, memseg_arr);

	SIZE(struct rte_devargs);
	OFF(struct rte_devargs, next);
	OFF(struct rte_devargs, type);
	OFF(struct rte_devargs, policy);
	OFF(struct rte_devargs, name);
	OFF(struct rte_devargs, args);
	OFF(struct rte_devargs, drv_str);
	OFF(struct rte_devargs, bus);
	OFF(struct rte_devargs, cls);
	OFF(struct rte_devargs, bus_str);
	OFF(struct rte_devargs, cls_str);
	OFF(struct rte_devargs, data);

	SIZE(struct rte_dev_iterator);
	OFF(struct rte_dev_iterator, dev_str);
	OFF(struct rte_dev_iterator, bus_str);
	OFF(struct rte_dev_iterator, cls_str);
	OFF(struct rte_dev_iterator, bus);
	OFF(struct rte_dev_iterator, cls);
	OFF(struct rte_dev_iterator, device);
	OFF(struct rte_dev_iterator, class_device);

	SIZE(struct rte_class);
	OFF(struct rte_class, name);
	OFF(struct rte_class, dev_iterate);

	SIZE(struct rte_mem_resource);
	OFF(struct rte_mem_resource, len);
	OFF(struct rte_mem_resource, addr);

	SIZE(struct rte_fbarray);
	OFF(struct rte_fbarray, name);
	OFF(struct rte_fbarray, count);
	OFF(struct rte_fbarray, len);
	OFF(struct rte_fbarray, elt_sz);
	OFF(struct rte_fbarray, data);
	OFF(struct rte_fbarray, rwlock);

	SIZE(struct rte_memzone);
	OFF(struct rte_memzone, name);
	OFF(struct rte_memzone, iova);
	OFF(struct rte_memzone, addr);
	OFF(struct rte_memzone, addr_64);
	OFF(struct rte_memzone, len);
	OFF(struct rte_memzone, hugepage_sz);
	OFF(struct rte_memzone, socket_id);
	OFF(struct rte_memzone, flags);

	SIZE(struct rte_malloc_socket_stats);
	OFF(struct rte_malloc_socket_stats, heap_totalsz_bytes);
	OFF(struct rte_malloc_socket_stats, heap_freesz_bytes);
	OFF(struct rte_malloc_socket_stats, greatest_free_size);
	OFF(struct rte_malloc_socket_stats, free_count);
	OFF(struct rte_malloc_socket_stats, alloc_count);
	OFF(struct rte_malloc_socket_stats, heap_allocsz_bytes);

	SIZE(struct rte_mp_msg);
	OFF(struct rte_mp_msg, name);
	OFF(struct rte_mp_msg, len_param);
	OFF(struct rte_mp_msg, num_fds);
	OFF(struct rte_mp_msg, param);
	OFF(struct rte_mp_msg, fds);
	SIZE(struct rte_mp_reply);
	OFF(struct rte_mp_reply, nb_sent);
	OFF(struct rte_mp_reply, nb_received);
	OFF(struct rte_mp_reply, msgs);

	SIZE(rte_rwlock_t);
	SIZE(rte_spinlock_t);
	SIZE(rte_spinlock_recursive_t);
	SIZE(rte_iova_t);
	SIZE(phys_addr_t);
	SIZE(enum rte_proc_type_t);
	SIZE(enum rte_iova_mode);
	SIZE(enum rte_mem_event);

	VAL(RTE_MAX_LCORE);
	VAL(RTE_MAX_NUMA_NODES);
	VAL(RTE_MAX_MEMSEG_LISTS);
	VAL(RTE_MAX_MEMSEG_PER_LIST);
	VAL(RTE_MAX_MEM_MB_PER_LIST);
	VAL(RTE_MAX_MEMSEG_PER_TYPE);
	VAL(RTE_MAX_MEM_MB_PER_TYPE);
	VAL(RTE_MAX_MEM_MB);
	VAL(RTE_MAX_MEMZONE);
	VAL(RTE_MAX_HEAPS);
	VAL(RTE_MAX_TAILQ);
	VAL(RTE_CACHE_LINE_SIZE);
	VAL(RTE_CACHE_LINE_MIN_SIZE);
	VAL(RTE_MAX_THREAD_NAME_LEN);
	VAL(RTE_MAGIC);
	VAL(RTE_VER_YEAR);
	VAL(RTE_VER_MONTH);
	VAL(RTE_VER_MINOR);
	VAL(RTE_VER_RELEASE);
	VAL(RTE_VERSION);
	STR(RTE_VER_PREFIX);
	STR(RTE_VER_SUFFIX);
	VAL(RTE_EXEC_ENV_LINUX);
	VAL(RTE_ARCH_X86_64);
	VAL(RTE_MEMZONE_2MB);
	VAL(RTE_MEMZONE_1GB);
	VAL(RTE_MEMZONE_16MB);
	VAL(RTE_MEMZONE_16GB);
	VAL(RTE_MEMZONE_256KB);
	VAL(RTE_MEMZONE_256MB);
	VAL(RTE_MEMZONE_512MB);
	VAL(RTE_MEMZONE_4GB);
	VAL(RTE_MEMZONE_SIZE_HINT_ONLY);
	VAL(RTE_MEMZONE_IOVA_CONTIG);
	VAL(RTE_MEMZONE_NAMESIZE);
	VAL(RTE_MEMSEG_FLAG_DO_NOT_FREE);
	VAL(RTE_MEMSEG_FLAG_DIRTY);
	VAL(RTE_MEM_EVENT_ALLOC);
	VAL(RTE_MEM_EVENT_FREE);
	VAL(RTE_MEM_EVENT_CALLBACK_NAME_LEN);
	VAL(RTE_MEM_ALLOC_VALIDATOR_NAME_LEN);
	VAL(SOCKET_ID_ANY);
	VAL(RTE_BAD_IOVA);
	VAL(RTE_BAD_PHYS_ADDR);
	VAL(RTE_PGSIZE_4K);
	VAL(RTE_PGSIZE_64K);
	VAL(RTE_PGSIZE_256K);
	VAL(RTE_PGSIZE_2M);
	VAL(RTE_PGSIZE_16M);
	VAL(RTE_PGSIZE_256M);
	VAL(RTE_PGSIZE_512M);
	VAL(RTE_PGSIZE_1G);
	VAL(RTE_PGSIZE_4G);
	VAL(RTE_PGSIZE_16G);
	VAL(RTE_MP_MAX_FD_NUM);
	VAL(RTE_MP_MAX_NAME_LEN);
	VAL(RTE_MP_MAX_PARAM_LEN);
	VAL(RTE_PROC_AUTO);
	VAL(RTE_PROC_PRIMARY);
	VAL(RTE_PROC_SECONDARY);
	VAL(RTE_PROC_INVALID);
	VAL(RTE_IOVA_DC);
	VAL(RTE_IOVA_PA);
	VAL(RTE_IOVA_VA);
	VAL(RTE_MIN_ERRNO);
	VAL(E_RTE_SECONDARY);
	VAL(E_RTE_NO_CONFIG);
	VAL(RTE_MAX_ERRNO);
	VAL(RTE_RWLOCK_WAIT);
	VAL(RTE_RWLOCK_WRITE);
	VAL(RTE_RWLOCK_READ);
	VAL(RTE_PRIORITY_LOG);
	VAL(RTE_PRIORITY_BUS);
	VAL(RTE_PRIORITY_CLASS);
	VAL(RTE_PRIORITY_LAST);
	VAL(MS_PER_S);
	VAL(RTE_DEV_NAME_MAX_LEN);
	VAL(RTE_DEVTYPE_ALLOWED);
	VAL(RTE_DEVTYPE_BLOCKED);
	VAL(RTE_DEVTYPE_VIRTUAL);
	VAL(RTE_DEV_ALLOWED);
	VAL(RTE_DEV_BLOCKED);
	VAL(RTE_DEV_EVENT_ADD);
	VAL(RTE_DEV_EVENT_REMOVE);
	VAL(RTE_DEV_EVENT_MAX);
	VAL(sizeof(enum rte_devtype));
	STR(RTE_DEVARGS_KEY_BUS);
	STR(RTE_DEVARGS_KEY_CLASS);
	STR(RTE_DEVARGS_KEY_DRIVER);
	VAL(US_PER_S);
	VAL(NS_PER_S);
	/* Types of macro values matter for printf and arithmetic in callers. */
	VAL(sizeof(RTE_PGSIZE_2M));
	VAL(sizeof(RTE_BAD_IOVA));
	VAL(sizeof(RTE_MEMZONE_2MB));
	VAL(sizeof(SOCKET_ID_ANY));
	VAL(sizeof(RTE_MAX_LCORE));
	return 0;
}
