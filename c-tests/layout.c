/*
 * Prints the size and field offsets of every public struct rtemem defines, and the values of
 * key constants, one "name value" per line. c-tests/sh_layout.sh builds this file once against
 * rtemem's include/ and once against DPDK 22.11's headers and requires identical output.
 */
/* As DPDK's own build: rte_thread_attr_t then has its cpuset. */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API /* the trace buffer structs of rte_trace_point.h */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_class.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hypervisor.h>
#include <rte_keepalive.h>
#include <rte_lcore.h>
#include <rte_power_intrinsics.h>
#include <rte_reciprocal.h>
#include <rte_epoll.h>
#include <rte_interrupts.h>
#include <rte_alarm.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_rwlock.h>
#include <rte_service.h>
#include <rte_service_component.h>
#include <rte_spinlock.h>
#include <rte_thread.h>
#include <rte_uuid.h>
#include <rte_trace.h>
#include <rte_trace_point.h>
#include <rte_version.h>
#include <rte_vfio.h>

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
	SIZE(struct rte_epoll_data);
	OFF(struct rte_epoll_data, event);
	OFF(struct rte_epoll_data, data);
	OFF(struct rte_epoll_data, cb_fun);
	OFF(struct rte_epoll_data, cb_arg);
	SIZE(struct rte_epoll_event);
	OFF(struct rte_epoll_event, status);
	OFF(struct rte_epoll_event, fd);
	OFF(struct rte_epoll_event, epfd);
	OFF(struct rte_epoll_event, epdata);
	VAL(RTE_EPOLL_INVALID);
	VAL(RTE_EPOLL_VALID);
	VAL(RTE_EPOLL_EXEC);
	VAL(RTE_EPOLL_PER_THREAD);
	VAL(RTE_INTR_EVENT_ADD);
	VAL(RTE_INTR_EVENT_DEL);
	VAL(sizeof(RTE_INTR_EVENT_ADD));
	VAL(RTE_INTR_INSTANCE_F_PRIVATE);
	VAL(RTE_INTR_INSTANCE_F_SHARED);
	VAL(sizeof(RTE_INTR_INSTANCE_F_SHARED));
	VAL(RTE_MAX_RXTX_INTR_VEC_ID);
	VAL(RTE_INTR_VEC_ZERO_OFFSET);
	VAL(RTE_INTR_VEC_RXTX_OFFSET);
	VAL(RTE_INTR_HANDLE_UNKNOWN);
	VAL(RTE_INTR_HANDLE_UIO);
	VAL(RTE_INTR_HANDLE_UIO_INTX);
	VAL(RTE_INTR_HANDLE_VFIO_LEGACY);
	VAL(RTE_INTR_HANDLE_VFIO_MSI);
	VAL(RTE_INTR_HANDLE_VFIO_MSIX);
	VAL(RTE_INTR_HANDLE_ALARM);
	VAL(RTE_INTR_HANDLE_EXT);
	VAL(RTE_INTR_HANDLE_VDEV);
	VAL(RTE_INTR_HANDLE_DEV_EVENT);
	VAL(RTE_INTR_HANDLE_VFIO_REQ);
	VAL(RTE_INTR_HANDLE_MAX);
	VAL(sizeof(enum rte_intr_handle_type));
	VAL(sizeof(rte_intr_callback_fn) + sizeof(rte_intr_unregister_callback_fn) +
	    sizeof(rte_eal_alarm_callback) + sizeof(rte_intr_event_cb_t));
	SIZE(struct rte_service_spec);
	OFF(struct rte_service_spec, name);
	OFF(struct rte_service_spec, callback);
	OFF(struct rte_service_spec, callback_userdata);
	OFF(struct rte_service_spec, capabilities);
	OFF(struct rte_service_spec, socket_id);
	VAL(RTE_SERVICE_NAME_MAX);
	VAL(RTE_SERVICE_CAP_MT_SAFE);
	VAL(RTE_SERVICE_ATTR_CYCLES);
	VAL(RTE_SERVICE_ATTR_CALL_COUNT);
	VAL(RTE_SERVICE_LCORE_ATTR_LOOPS);
	VAL(RTE_SERVICE_LCORE_ATTR_CYCLES);
	VAL(RTE_VFIO_DEFAULT_CONTAINER_FD);
	VAL(RTE_VFIO_NOIOMMU);
	VAL(RTE_VFIO_INFO_FLAG_CAPS);
	VAL(RTE_VFIO_CAP_MSIX_MAPPABLE);
	STR(VFIO_CONTAINER_PATH);
	STR(VFIO_GROUP_FMT);
	STR(VFIO_NOIOMMU_GROUP_FMT);
	STR(VFIO_NOIOMMU_MODE);
#ifdef HAVE_VFIO_DEV_REQ_INTERFACE
	VAL(1); /* HAVE_VFIO_DEV_REQ_INTERFACE */
#endif
	VAL(RTE_INTR_MODE_NONE);
	VAL(RTE_INTR_MODE_LEGACY);
	VAL(RTE_INTR_MODE_MSI);
	VAL(RTE_INTR_MODE_MSIX);
	SIZE(struct __rte_trace_stream_header);
	OFF(struct __rte_trace_stream_header, magic);
	OFF(struct __rte_trace_stream_header, uuid);
	OFF(struct __rte_trace_stream_header, lcore_id);
	OFF(struct __rte_trace_stream_header, thread_name);
	SIZE(struct __rte_trace_header);
	OFF(struct __rte_trace_header, offset);
	OFF(struct __rte_trace_header, len);
	OFF(struct __rte_trace_header, stream_header);
	OFF(struct __rte_trace_header, mem);
	SIZE(rte_trace_point_t);
	VAL(RTE_TRACE_MODE_OVERWRITE);
	VAL(RTE_TRACE_MODE_DISCARD);
	VAL(__RTE_TRACE_EMIT_STRING_LEN_MAX);
	VAL(__RTE_TRACE_EVENT_HEADER_SZ);
	VAL(__RTE_TRACE_EVENT_HEADER_ID_SHIFT);
	VAL(__RTE_TRACE_FIELD_SIZE_MASK);
	VAL(__RTE_TRACE_FIELD_ID_SHIFT);
	VAL(__RTE_TRACE_FIELD_ID_MASK);
	VAL(__RTE_TRACE_FIELD_ENABLE_MASK);
	VAL(__RTE_TRACE_FIELD_ENABLE_DISCARD);
	/* Types of macro values matter for printf and arithmetic in callers. */
	VAL(sizeof(RTE_PGSIZE_2M));
	VAL(sizeof(RTE_BAD_IOVA));
	VAL(sizeof(RTE_MEMZONE_2MB));
	VAL(sizeof(SOCKET_ID_ANY));
	VAL(sizeof(RTE_MAX_LCORE));

	/* CPU flags, intrinsics, hypervisor, timer (issue 10 WP1) */
	VAL(RTE_CPUFLAG_SSE3);
	VAL(RTE_CPUFLAG_PCLMULQDQ);
	VAL(RTE_CPUFLAG_DTES64);
	VAL(RTE_CPUFLAG_MONITOR);
	VAL(RTE_CPUFLAG_DS_CPL);
	VAL(RTE_CPUFLAG_VMX);
	VAL(RTE_CPUFLAG_SMX);
	VAL(RTE_CPUFLAG_EIST);
	VAL(RTE_CPUFLAG_TM2);
	VAL(RTE_CPUFLAG_SSSE3);
	VAL(RTE_CPUFLAG_CNXT_ID);
	VAL(RTE_CPUFLAG_FMA);
	VAL(RTE_CPUFLAG_CMPXCHG16B);
	VAL(RTE_CPUFLAG_XTPR);
	VAL(RTE_CPUFLAG_PDCM);
	VAL(RTE_CPUFLAG_PCID);
	VAL(RTE_CPUFLAG_DCA);
	VAL(RTE_CPUFLAG_SSE4_1);
	VAL(RTE_CPUFLAG_SSE4_2);
	VAL(RTE_CPUFLAG_X2APIC);
	VAL(RTE_CPUFLAG_MOVBE);
	VAL(RTE_CPUFLAG_POPCNT);
	VAL(RTE_CPUFLAG_TSC_DEADLINE);
	VAL(RTE_CPUFLAG_AES);
	VAL(RTE_CPUFLAG_XSAVE);
	VAL(RTE_CPUFLAG_OSXSAVE);
	VAL(RTE_CPUFLAG_AVX);
	VAL(RTE_CPUFLAG_F16C);
	VAL(RTE_CPUFLAG_RDRAND);
	VAL(RTE_CPUFLAG_HYPERVISOR);
	VAL(RTE_CPUFLAG_FPU);
	VAL(RTE_CPUFLAG_VME);
	VAL(RTE_CPUFLAG_DE);
	VAL(RTE_CPUFLAG_PSE);
	VAL(RTE_CPUFLAG_TSC);
	VAL(RTE_CPUFLAG_MSR);
	VAL(RTE_CPUFLAG_PAE);
	VAL(RTE_CPUFLAG_MCE);
	VAL(RTE_CPUFLAG_CX8);
	VAL(RTE_CPUFLAG_APIC);
	VAL(RTE_CPUFLAG_SEP);
	VAL(RTE_CPUFLAG_MTRR);
	VAL(RTE_CPUFLAG_PGE);
	VAL(RTE_CPUFLAG_MCA);
	VAL(RTE_CPUFLAG_CMOV);
	VAL(RTE_CPUFLAG_PAT);
	VAL(RTE_CPUFLAG_PSE36);
	VAL(RTE_CPUFLAG_PSN);
	VAL(RTE_CPUFLAG_CLFSH);
	VAL(RTE_CPUFLAG_DS);
	VAL(RTE_CPUFLAG_ACPI);
	VAL(RTE_CPUFLAG_MMX);
	VAL(RTE_CPUFLAG_FXSR);
	VAL(RTE_CPUFLAG_SSE);
	VAL(RTE_CPUFLAG_SSE2);
	VAL(RTE_CPUFLAG_SS);
	VAL(RTE_CPUFLAG_HTT);
	VAL(RTE_CPUFLAG_TM);
	VAL(RTE_CPUFLAG_PBE);
	VAL(RTE_CPUFLAG_DIGTEMP);
	VAL(RTE_CPUFLAG_TRBOBST);
	VAL(RTE_CPUFLAG_ARAT);
	VAL(RTE_CPUFLAG_PLN);
	VAL(RTE_CPUFLAG_ECMD);
	VAL(RTE_CPUFLAG_PTM);
	VAL(RTE_CPUFLAG_MPERF_APERF_MSR);
	VAL(RTE_CPUFLAG_ACNT2);
	VAL(RTE_CPUFLAG_ENERGY_EFF);
	VAL(RTE_CPUFLAG_FSGSBASE);
	VAL(RTE_CPUFLAG_BMI1);
	VAL(RTE_CPUFLAG_HLE);
	VAL(RTE_CPUFLAG_AVX2);
	VAL(RTE_CPUFLAG_SMEP);
	VAL(RTE_CPUFLAG_BMI2);
	VAL(RTE_CPUFLAG_ERMS);
	VAL(RTE_CPUFLAG_INVPCID);
	VAL(RTE_CPUFLAG_RTM);
	VAL(RTE_CPUFLAG_AVX512F);
	VAL(RTE_CPUFLAG_RDSEED);
	VAL(RTE_CPUFLAG_LAHF_SAHF);
	VAL(RTE_CPUFLAG_LZCNT);
	VAL(RTE_CPUFLAG_SYSCALL);
	VAL(RTE_CPUFLAG_XD);
	VAL(RTE_CPUFLAG_1GB_PG);
	VAL(RTE_CPUFLAG_RDTSCP);
	VAL(RTE_CPUFLAG_EM64T);
	VAL(RTE_CPUFLAG_INVTSC);
	VAL(RTE_CPUFLAG_AVX512DQ);
	VAL(RTE_CPUFLAG_AVX512IFMA);
	VAL(RTE_CPUFLAG_AVX512CD);
	VAL(RTE_CPUFLAG_AVX512BW);
	VAL(RTE_CPUFLAG_AVX512VL);
	VAL(RTE_CPUFLAG_AVX512VBMI);
	VAL(RTE_CPUFLAG_AVX512VBMI2);
	VAL(RTE_CPUFLAG_GFNI);
	VAL(RTE_CPUFLAG_VAES);
	VAL(RTE_CPUFLAG_VPCLMULQDQ);
	VAL(RTE_CPUFLAG_AVX512VNNI);
	VAL(RTE_CPUFLAG_AVX512BITALG);
	VAL(RTE_CPUFLAG_AVX512VPOPCNTDQ);
	VAL(RTE_CPUFLAG_CLDEMOTE);
	VAL(RTE_CPUFLAG_MOVDIRI);
	VAL(RTE_CPUFLAG_MOVDIR64B);
	VAL(RTE_CPUFLAG_AVX512VP2INTERSECT);
	VAL(RTE_CPUFLAG_WAITPKG);
	VAL(RTE_CPUFLAG_NUMFLAGS);
	SIZE(struct rte_cpu_intrinsics);
	{
		struct rte_cpu_intrinsics in;
		uint32_t w;

		memset(&in, 0, sizeof(in));
		in.power_monitor = 1;
		memcpy(&w, &in, 4);
		printf("rte_cpu_intrinsics.power_monitor bits %u\n", w);
		memset(&in, 0, sizeof(in));
		in.power_pause = 1;
		memcpy(&w, &in, 4);
		printf("rte_cpu_intrinsics.power_pause bits %u\n", w);
		memset(&in, 0, sizeof(in));
		in.power_monitor_multi = 1;
		memcpy(&w, &in, 4);
		printf("rte_cpu_intrinsics.power_monitor_multi bits %u\n", w);
	}
	VAL(RTE_HYPERVISOR_NONE);
	VAL(RTE_HYPERVISOR_KVM);
	VAL(RTE_HYPERVISOR_HYPERV);
	VAL(RTE_HYPERVISOR_VMWARE);
	VAL(RTE_HYPERVISOR_UNKNOWN);
	VAL(EAL_TIMER_TSC);
	VAL(EAL_TIMER_HPET);
	VAL(sizeof(eal_timer_source));
	VAL(sizeof(rte_rtm_supported));
	SIZE(struct rte_power_monitor_cond);
	OFF(struct rte_power_monitor_cond, addr);
	OFF(struct rte_power_monitor_cond, size);
	OFF(struct rte_power_monitor_cond, fn);
	OFF(struct rte_power_monitor_cond, opaque);
	VAL(RTE_POWER_MONITOR_OPAQUE_SZ);

	/* threads */
	SIZE(rte_thread_t);
	SIZE(rte_thread_attr_t);
	OFF(rte_thread_attr_t, priority);
	OFF(rte_thread_attr_t, cpuset);
	SIZE(rte_thread_key);
	VAL(RTE_THREAD_PRIORITY_NORMAL);
	VAL(RTE_THREAD_PRIORITY_REALTIME_CRITICAL);

	/* uuid, reciprocal, keepalive */
	SIZE(rte_uuid_t);
	VAL(RTE_UUID_STRLEN);
	{
		rte_uuid_t u = RTE_UUID_INIT(0x01234567, 0x89ab, 0xcdef, 0x0123, 0x456789abcdefULL);
		rte_uuid_t v;
		int i;

		rte_uuid_copy(v, u);
		printf("RTE_UUID_INIT");
		for (i = 0; i < 16; i++)
			printf(" %02x", v[i]);
		printf("\n");
	}
	SIZE(struct rte_reciprocal);
	OFF(struct rte_reciprocal, m);
	OFF(struct rte_reciprocal, sh1);
	OFF(struct rte_reciprocal, sh2);
	SIZE(struct rte_reciprocal_u64);
	OFF(struct rte_reciprocal_u64, m);
	OFF(struct rte_reciprocal_u64, sh1);
	OFF(struct rte_reciprocal_u64, sh2);
	{
		struct rte_reciprocal r = { .m = 613566757, .sh1 = 1, .sh2 = 2 };
		struct rte_reciprocal_u64 r64 = { .m = 2635249153387078803ULL, .sh1 = 1, .sh2 = 2 };

		printf("rte_reciprocal_divide(1000, 7) %u\n", rte_reciprocal_divide(1000, r));
		printf("rte_reciprocal_divide_u64(10^18, 7) %llu\n",
		       (unsigned long long)rte_reciprocal_divide_u64(1000000000000000000ULL, &r64));
	}
	VAL(RTE_KEEPALIVE_MAXCORES);
	VAL(RTE_KA_STATE_UNUSED);
	VAL(RTE_KA_STATE_ALIVE);
	VAL(RTE_KA_STATE_MISSING);
	VAL(RTE_KA_STATE_DEAD);
	VAL(RTE_KA_STATE_GONE);
	VAL(RTE_KA_STATE_DOZING);
	VAL(RTE_KA_STATE_SLEEP);
	return 0;
}
