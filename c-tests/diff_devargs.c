/* LIBS: -lrte_bus_vdev */
/*
 * Device strings and the devargs list, compared with DPDK 22.11: the layered syntax
 * ("bus=X,../class=Y,../driver=Z,.."), the legacy one ("[bus:]name[,args]"), names too long,
 * unknown buses and classes, too many layers or pairs, parsef, and add/insert/remove/next/
 * type_count/dump, with -a and --vdev on the command line. Debian's librte_bus_vdev is linked
 * in; the devices, buses and classes used are the test doubles of dev_common.h, so that the
 * drivers real DPDK loads from its plugin directory do not change the answers.
 */
#define ALLOW_EXPERIMENTAL_API 1
#define ALLOW_INTERNAL_API 1
#include "dev_common.h"
#include "common.h"

static const char *s_or(const char *s) { return s ? s : "(NULL)"; }

static void show_parse(const char *str, int show_layers)
{
	struct rte_devargs da;
	memset(&da, 0x5a, sizeof(da));
	rte_errno = 0;
	int r = rte_devargs_parse(&da, str);
	int e = rte_errno;
	char shown[48];
	snprintf(shown, sizeof(shown), "%.40s%s", str, strlen(str) > 40 ? "..." : "");
	if (r != 0) {
		OBS("parse '%s' -> %d errno %d", shown, r, e);
		return;
	}
	OBS("parse '%s' -> 0 errno %d name '%s' bus %s cls %s args '%s'", shown, e, da.name,
	    da.bus ? rte_bus_name(da.bus) : "(NULL)", da.cls ? da.cls->name : "(NULL)",
	    s_or(da.args));
	if (show_layers)
		OBS("  layers bus_str '%s' cls_str '%s'", s_or(da.bus_str), s_or(da.cls_str));
	rte_devargs_reset(&da);
	CHECK(da.data == NULL, "reset leaves data set");
}

int main(void)
{
	const char *extra[] = { "--vdev", "rtm_fake_opt0,x=1", "-a", "rtmdev0" };
	CHECK(test_eal_init_argv(4, extra, 0) >= 0, "rte_eal_init failed: %s",
	      rte_strerror(rte_errno));
	OBS("probes at init %d", rtm_fake_probes);

	/* Legacy syntax. */
	show_parse("rtm_fake0,size=64", 0);
	show_parse("vdev:rtm_fake1,a=b,c=[1,2]", 0);
	show_parse("rtm_fake2", 0);
	show_parse("rtmbus:rtmdev0,opt=1", 0);
	show_parse("rtmdev1", 0);
	show_parse("nosuchbus:xx", 0);
	show_parse("rtm_fake5/class=nope", 0);
	char name[128];
	snprintf(name, sizeof(name), "rtm_fake%055d", 0); /* 63 characters */
	show_parse(name, 0);
	snprintf(name, sizeof(name), "rtm_fake%056d,a=1", 0); /* 64 characters */
	show_parse(name, 0);
	/* Layered syntax. */
	show_parse("bus=vdev,name=rtm_fake3", 1);
	show_parse("bus=vdev,name=rtm_fake4/class=rtmcls2,x=1/driver=rtm_fake,k0=v0", 1);
	show_parse("bus=vdev/class=rtmcls2", 1);
	show_parse("class=rtmcls2,foo=bar", 1);
	show_parse("bus=vdev,path=/tmp/x/class=rtmcls2", 1);
	show_parse("bus=rtmbus", 1);
	show_parse("bus=foo", 1);
	show_parse("class=wrong-class", 1);
	show_parse("bus=vdev/class=rtmcls2/driver=a/driver=b", 1);
	char many[512] = "bus=vdev";
	for (int i = 0; i < 33; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), ",k%d", i);
	show_parse(many, 1);
	snprintf(name, sizeof(name), "bus=vdev,name=rtm_fake%060d", 0);
	show_parse(name, 1);

	struct rte_devargs da;
	rte_errno = 0;
	int r0 = rte_devargs_parse(NULL, "x");
	OBS("parse NULL -> %d errno %d", r0, rte_errno);
	rte_errno = 0;
	int r = rte_devargs_parsef(&da, "%s%d,%s", "rtm_fake", 6, "k=v");
	OBS("parsef -> %d errno %d name '%s' bus %s args '%s'", r, rte_errno, da.name,
	    da.bus ? rte_bus_name(da.bus) : "(NULL)", s_or(da.args));
	rte_devargs_reset(&da);
	rte_devargs_reset(NULL);

	/* The list: what -a and --vdev put there, then add/insert/remove. */
	OBS("count allowed %u virtual %u blocked %u", rte_devargs_type_count(RTE_DEVTYPE_ALLOWED),
	    rte_devargs_type_count(RTE_DEVTYPE_VIRTUAL), rte_devargs_type_count(RTE_DEVTYPE_BLOCKED));
	OBS("scan modes: vdev %d rtmbus %d", rte_bus_find_by_name("vdev")->conf.scan_mode,
	    rtmbus.conf.scan_mode);
	OBS("add rtm_fake7,x=1 -> %d", rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "rtm_fake7,x=1"));
	OBS("add rtm_fake7,x=2 -> %d", rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "rtm_fake7,x=2"));
	OBS("add junk::: -> %d", rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "junk:::"));
	OBS("add rtmdev1 blocked -> %d", rte_devargs_add(RTE_DEVTYPE_BLOCKED, "rtmdev1"));
	OBS("count allowed %u virtual %u blocked %u", rte_devargs_type_count(RTE_DEVTYPE_ALLOWED),
	    rte_devargs_type_count(RTE_DEVTYPE_VIRTUAL), rte_devargs_type_count(RTE_DEVTYPE_BLOCKED));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_devargs_dump(f);
	fclose(f);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		OBS("dump|%s|", line);
	free(buf);

	struct rte_devargs *d, *first7 = NULL;
	int n = 0;
	RTE_EAL_DEVARGS_FOREACH("vdev", d) {
		OBS("vdev devargs %d: %s args '%s' type %d policy %d", n++, d->name, s_or(d->args),
		    d->type, d->policy);
		if (first7 == NULL && strcmp(d->name, "rtm_fake7") == 0)
			first7 = d;
	}
	n = 0;
	RTE_EAL_DEVARGS_FOREACH(NULL, d)
		n++;
	OBS("all devargs %d", n);
	OBS("next on a bus with none: %p", (void *)rte_devargs_next("nope", NULL));

	/* insert: the same device replaces the listed one's content. */
	struct rte_devargs *nd = calloc(1, sizeof(*nd));
	CHECK(rte_devargs_parse(nd, "rtm_fake7,y=3") == 0, "parse");
	struct rte_devargs *keep = nd;
	r = rte_devargs_insert(&nd);
	OBS("insert same device -> %d, now the listed one %d, args '%s'", r, nd == first7,
	    s_or(first7->args));
	(void)keep;
	r = rte_devargs_insert(&nd);
	OBS("insert listed one again -> %d", r);
	struct rte_devargs *nb = calloc(1, sizeof(*nb));
	OBS("insert with no bus -> %d", rte_devargs_insert(&nb));
	free(nb);
	struct rte_devargs *fresh = calloc(1, sizeof(*fresh));
	CHECK(rte_devargs_parse(fresh, "rtm_fake8") == 0, "parse");
	OBS("insert new -> %d", rte_devargs_insert(&fresh));
	OBS("count virtual %u (insert keeps the type it was given: %d)",
	    rte_devargs_type_count(RTE_DEVTYPE_VIRTUAL), fresh->type);

	/* remove by an equal devargs: the first listed one each time. */
	struct rte_devargs probe;
	CHECK(rte_devargs_parse(&probe, "rtm_fake7") == 0, "parse");
	OBS("remove -> %d", rte_devargs_remove(&probe));
	OBS("remove -> %d", rte_devargs_remove(&probe));
	OBS("remove -> %d", rte_devargs_remove(&probe));
	rte_devargs_reset(&probe);
	OBS("remove NULL -> %d", rte_devargs_remove(NULL));
	struct rte_devargs nobus;
	memset(&nobus, 0, sizeof(nobus));
	OBS("remove no bus -> %d", rte_devargs_remove(&nobus));
	OBS("count virtual %u", rte_devargs_type_count(RTE_DEVTYPE_VIRTUAL));

	OBS("cleanup %d", rte_eal_cleanup());
	return 0;
}
