// SPDX-License-Identifier: GPL-2.0
/*
 * cmascope_cma - drive and observe the kernel's CMA areas from a guest script.
 *
 * Built out of tree against Debian's linux-headers for ONE kernel version by
 * traces/capture/capture.sh. Debian's arm64 kernels have CMA but neither
 * CONFIG_CMA_DEBUGFS nor exported cma_alloc()/cma_release(), so this module
 *  - finds cma_alloc, cma_release, cma_areas and cma_area_count through
 *    kallsyms_lookup_name (itself found with a kprobe),
 *  - reads struct cma through mm/cma.h copied from the *same* kernel source
 *    (Debian's linux-source package), and refuses to load on any other kernel
 *    release/version or when the areas do not look like areas,
 *  - offers, under <debugfs>/cmascope/:
 *      ctl                    write-only command file (one command a write):
 *        alloc AREA COUNT ALIGN LABEL   cma_alloc(area, COUNT pages, ALIGN order)
 *        free LABEL                     cma_release() of a whole allocation
 *        freepart LABEL PAGES           release its first PAGES pages (order_per_bit 0)
 *        dma LABEL BYTES                dma_alloc_coherent() on our platform device
 *                                       (the kernel's DMA path: default CMA area)
 *        pin AREA STRIDE MAX            hold an extra reference on the first LRU
 *                                       (movable) page of every STRIDE-page window of
 *                                       AREA, at most MAX pages: a cma_alloc() over
 *                                       such a page fails with -EBUSY and retries
 *        unpin                          drop those references
 *        freeall                        release everything this module holds
 *        stress AREA OPS SEED MAXLIVE MAXCOUNT
 *                                       OPS deterministic operations in a loop in the
 *                                       kernel (no shell per operation): each either
 *                                       releases a random live stress allocation or
 *                                       makes a new one (see do_stress()); the
 *                                       allocations still live at the end join the
 *                                       module's list as s<run>.<i> (freeall frees them)
 *      areas/<name>/{base_pfn,count,order_per_bit,used,maxchunk,bitmap,allocs}
 *                             the upstream mm/cma_debug.c formats of the kernel built
 *                             for (6.12, or 6.15+ with base_pfn/bitmap of range 0), read
 *                             under the area's lock, plus our live allocations;
 *                             6.15+ also ranges/N/{base_pfn,count,bitmap} per range
 *                             (count is ours: no upstream file)
 *      dma_allocs             live dma allocations: "pfn=0x.. count=N bytes=N"
 *      pinned                 pinned pages: "pfn=0x.. area=NAME"
 *      last                   result of the last command ("ok pfn=0x.. count=N" or
 *                             "error -12"); the ctl write also fails with it
 *    A failed allocation is not an error of the write (the script goes on):
 *    it is reported in `last` and in the trace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cma.h>
#include <linux/debugfs.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

/* mm/cma.h of exactly this kernel source (copied in by capture.sh). */
#include "cma.h"

/*
 * Range accessors. 6.15 split an area into up to CMA_MAX_RANGES physical ranges (struct
 * cma_memrange: base_pfn, count, bitmap each; cma->count is their sum and cma->available_count
 * the free pages). Before 6.15 an area is one range: its own base_pfn, count and bitmap.
 */
#ifdef CMA_MAX_RANGES
#define CMASCOPE_MULTIRANGE 1
static int nranges(const struct cma *c) { return c->nranges; }
static unsigned long range_base(const struct cma *c, int r) { return c->ranges[r].base_pfn; }
static unsigned long range_count(const struct cma *c, int r) { return c->ranges[r].count; }
static unsigned long *range_bitmap(const struct cma *c, int r) { return c->ranges[r].bitmap; }
#else
#define CMASCOPE_MULTIRANGE 0
static int nranges(const struct cma *c) { return 1; }
static unsigned long range_base(const struct cma *c, int r) { return c->base_pfn; }
static unsigned long range_count(const struct cma *c, int r) { return c->count; }
static unsigned long *range_bitmap(const struct cma *c, int r) { return c->bitmap; }
#endif

static unsigned long range_maxno(const struct cma *c, int r)
{
	return range_count(c, r) >> c->order_per_bit;
}

#ifndef CMASCOPE_KREL
#error "CMASCOPE_KREL (uname -r of the target kernel) must be defined"
#endif
#ifndef CMASCOPE_KVER
#error "CMASCOPE_KVER (Debian package version, part of uname -v) must be defined"
#endif

typedef unsigned long (*kallsyms_lookup_name_t)(const char *name);
typedef struct page *(*cma_alloc_t)(struct cma *cma, unsigned long count,
				    unsigned int align, bool no_warn);
typedef bool (*cma_release_t)(struct cma *cma, const struct page *pages,
			      unsigned long count);
typedef phys_addr_t (*cma_get_base_t)(const struct cma *cma);
typedef unsigned long (*cma_get_size_t)(const struct cma *cma);

static cma_alloc_t k_cma_alloc;
static cma_release_t k_cma_release;
static cma_get_base_t k_cma_get_base;
static cma_get_size_t k_cma_get_size;
static struct cma *k_cma_areas;
static unsigned int *k_cma_area_count;

#define LABEL_LEN 32
struct cmascope_alloc {
	struct list_head node;
	char label[LABEL_LEN];
	struct cma *cma; /* NULL: dma allocation */
	struct page *page;
	unsigned long pfn, count;
	unsigned int align;
	/* dma */
	void *cpu;
	dma_addr_t handle;
	size_t bytes;
};

struct cmascope_pin {
	struct list_head node;
	struct page *page;
	struct cma *cma;
};

static LIST_HEAD(allocs);
static LIST_HEAD(pins);
static DEFINE_MUTEX(lock);
static char last[96] = "none\n";
static struct dentry *root;
static struct platform_device *pdev;

static unsigned long lookup(kallsyms_lookup_name_t kln, const char *name)
{
	unsigned long a = kln(name);

	if (!a)
		pr_err("symbol %s not found\n", name);
	return a;
}

static int resolve_symbols(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	kallsyms_lookup_name_t kln;
	int ret = register_kprobe(&kp);

	if (ret < 0) {
		pr_err("cannot find kallsyms_lookup_name (kprobe: %d)\n", ret);
		return ret;
	}
	kln = (kallsyms_lookup_name_t)kp.addr;
	unregister_kprobe(&kp);
	k_cma_alloc = (cma_alloc_t)lookup(kln, "cma_alloc");
	k_cma_release = (cma_release_t)lookup(kln, "cma_release");
	k_cma_get_base = (cma_get_base_t)lookup(kln, "cma_get_base");
	k_cma_get_size = (cma_get_size_t)lookup(kln, "cma_get_size");
	k_cma_areas = (struct cma *)lookup(kln, "cma_areas");
	k_cma_area_count = (unsigned int *)lookup(kln, "cma_area_count");
	if (!k_cma_alloc || !k_cma_release || !k_cma_get_base ||
	    !k_cma_get_size || !k_cma_areas || !k_cma_area_count)
		return -ENOENT;
	return 0;
}

/* Does struct cma (from our copy of mm/cma.h) match what the kernel uses? */
static int check_range(struct cma *c, int r)
{
	unsigned long step = 1UL << c->order_per_bit;
	unsigned long base = range_base(c, r), count = range_count(c, r);

	if (!range_bitmap(c, r) || !count || (base & (step - 1)) || (count & (step - 1)) ||
	    !pfn_valid(base) || !pfn_valid(base + count - 1)) {
		pr_err("area %s range %d: layout check failed\n", c->name, r);
		return -EINVAL;
	}
	pr_info("area %s range %d base_pfn=0x%lx count=%lu\n", c->name, r, base, count);
	return 0;
}

static int check_area(struct cma *c, unsigned int i)
{
	unsigned long total = 0;
	int r, n = nranges(c);

	if (strnlen(c->name, CMA_MAX_NAME) == 0 || strnlen(c->name, CMA_MAX_NAME) == CMA_MAX_NAME ||
	    !c->count || c->order_per_bit > 20 || n < 1 || n > (CMASCOPE_MULTIRANGE ? 8 : 1)) {
		pr_err("area %u does not look like struct cma of this kernel\n", i);
		return -EINVAL;
	}
	for (r = 0; r < n; r++) {
		if (check_range(c, r))
			return -EINVAL;
		total += range_count(c, r);
	}
	/* cma_get_base() warns on a multi-range area: only asked for a single range */
	if (total != c->count || k_cma_get_size(c) != c->count << PAGE_SHIFT ||
	    (n == 1 && k_cma_get_base(c) != PFN_PHYS(range_base(c, 0)))) {
		pr_err("area %u (%s): size/base check failed\n", i, c->name);
		return -EINVAL;
	}
	pr_info("area %s count=%lu order_per_bit=%u ranges=%d\n", c->name, c->count,
		c->order_per_bit, n);
	return 0;
}

static int check_areas(void)
{
	unsigned int i, n = READ_ONCE(*k_cma_area_count);

	if (n == 0 || n > MAX_CMA_AREAS) {
		pr_err("cma_area_count %u is not plausible\n", n);
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		if (check_area(&k_cma_areas[i], i))
			return -EINVAL;
	return 0;
}

static struct cma *find_area(const char *name)
{
	unsigned int i, n = READ_ONCE(*k_cma_area_count);

	for (i = 0; i < n; i++)
		if (!strcmp(k_cma_areas[i].name, name))
			return &k_cma_areas[i];
	return NULL;
}

static struct cmascope_alloc *find_label(const char *label)
{
	struct cmascope_alloc *a;

	list_for_each_entry(a, &allocs, node)
		if (!strcmp(a->label, label))
			return a;
	return NULL;
}

static void release_one(struct cmascope_alloc *a)
{
	if (a->cma)
		k_cma_release(a->cma, a->page, a->count);
	else
		dma_free_coherent(&pdev->dev, a->bytes, a->cpu, a->handle);
	list_del(&a->node);
	kfree(a);
}

static void unpin_all(void)
{
	struct cmascope_pin *p, *t;

	list_for_each_entry_safe(p, t, &pins, node) {
		put_page(p->page);
		list_del(&p->node);
		kfree(p);
	}
}

static bool in_bitmap(struct cma *c, int r, unsigned long pfn)
{
	return test_bit((pfn - range_base(c, r)) >> c->order_per_bit, range_bitmap(c, r));
}

/* Hold a reference on the first LRU page of each STRIDE window of each range of the area. */
static int pin_range(struct cma *c, int r, unsigned long stride, unsigned long max,
		     unsigned long *pinned)
{
	unsigned long w, pfn, end = range_base(c, r) + range_count(c, r);

	for (w = range_base(c, r); w < end && *pinned < max; w += stride) {
		for (pfn = w; pfn < min(w + stride, end); pfn++) {
			struct page *page = pfn_to_online_page(pfn);
			struct cmascope_pin *p;

			if (!page || in_bitmap(c, r, pfn) || !PageLRU(page) ||
			    PageCompound(page))
				continue;
			if (!get_page_unless_zero(page))
				continue;
			if (!PageLRU(page)) {
				put_page(page);
				continue;
			}
			p = kzalloc(sizeof(*p), GFP_KERNEL);
			if (!p) {
				put_page(page);
				return -ENOMEM;
			}
			p->page = page;
			p->cma = c;
			list_add_tail(&p->node, &pins);
			(*pinned)++;
			break;
		}
	}
	return 0;
}

static int pin_area(struct cma *c, unsigned long stride, unsigned long max)
{
	unsigned long pinned = 0;
	int r, ret;

	for (r = 0; r < nranges(c); r++) {
		ret = pin_range(c, r, stride, max, &pinned);
		if (ret)
			return ret;
	}
	return pinned;
}

/*
 * The stress loop, like the text generator of tests/bench/bench_replay.cpp. With next() a
 * xorshift64* generator seeded with SEED, each of the OPS operations is
 *   if (live && (live >= MAXLIVE || next() % 2 == 0))
 *       cma_release() of the live stress allocation number next() % live (swap-removed)
 *   else
 *       r = next(); count = 1 + (r % 8 == 0 ? next() % MAXCOUNT : next() % 64);
 *       align = min(8, ceil(log2(count))); cma_alloc(AREA, count, align, no_warn)
 * (no_warn: a failure is only the trace's errorno=-12), then cond_resched(). The counts of
 * what happened go to `last`.
 */
static u64 stress_state;

static u64 stress_rand(void)
{
	u64 x = stress_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	stress_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

struct stress_live {
	struct page *page;
	unsigned long count;
	unsigned int align;
};

static int do_stress(struct cma *c, unsigned long ops, u64 seed, unsigned long maxlive,
		     unsigned long maxcount)
{
	unsigned long i, done, nlive = 0, nalloc = 0, nfail = 0, nrel = 0;
	static unsigned int run;
	struct stress_live *live;
	int ret = 0;

	if (!maxlive || !maxcount)
		return -EINVAL;
	live = kvmalloc_array(maxlive, sizeof(*live), GFP_KERNEL);
	if (!live)
		return -ENOMEM;
	stress_state = seed ? seed : 1;
	for (i = 0; i < ops; i++) {
		if (nlive && (nlive >= maxlive || stress_rand() % 2 == 0)) {
			unsigned long k = stress_rand() % nlive;

			k_cma_release(c, live[k].page, live[k].count);
			live[k] = live[--nlive];
			nrel++;
		} else {
			u64 r = stress_rand();
			unsigned long count = 1 + (r % 8 == 0 ? stress_rand() % maxcount
							      : stress_rand() % 64);
			unsigned int align = count <= 1 ? 0 : min_t(unsigned int, 8, ilog2(count - 1) + 1);
			struct page *page = k_cma_alloc(c, count, align, true);

			nalloc++;
			if (page) {
				live[nlive].page = page;
				live[nlive].count = count;
				live[nlive].align = align;
				nlive++;
			} else {
				nfail++;
			}
		}
		cond_resched();
		if (fatal_signal_pending(current))
			break;
	}
	done = i;
	run++;
	/* the survivors become ordinary allocations of the module (labels s<run>.<i>) */
	for (i = 0; i < nlive; i++) {
		struct cmascope_alloc *a = kzalloc(sizeof(*a), GFP_KERNEL);

		if (!a) {
			k_cma_release(c, live[i].page, live[i].count);
			ret = -ENOMEM;
			continue;
		}
		snprintf(a->label, sizeof(a->label), "s%u.%lu", run, i);
		a->cma = c;
		a->page = live[i].page;
		a->pfn = page_to_pfn(live[i].page);
		a->count = live[i].count;
		a->align = live[i].align;
		list_add_tail(&a->node, &allocs);
	}
	kvfree(live);
	if (!ret)
		snprintf(last, sizeof(last), "ok stress ops=%lu allocs=%lu failed=%lu releases=%lu live=%lu\n",
			 done, nalloc, nfail, nrel, nlive);
	return ret;
}

static int do_command(char *cmd)
{
	char area[CMA_MAX_NAME], label[LABEL_LEN];
	unsigned long count, n2, n3;
	unsigned long long seed;
	unsigned int align;
	struct cmascope_alloc *a;
	struct cma *c;

	if (sscanf(cmd, "alloc %63s %lu %u %31s", area, &count, &align, label) == 4) {
		c = find_area(area);
		if (!c)
			return -ENOENT;
		if (find_label(label))
			return -EEXIST;
		a = kzalloc(sizeof(*a), GFP_KERNEL);
		if (!a)
			return -ENOMEM;
		a->page = k_cma_alloc(c, count, align, false);
		if (!a->page) {
			kfree(a);
			snprintf(last, sizeof(last), "failed %s count=%lu align=%u\n", label, count, align);
			return 0;
		}
		strscpy(a->label, label, sizeof(a->label));
		a->cma = c;
		a->pfn = page_to_pfn(a->page);
		a->count = count;
		a->align = align;
		list_add(&a->node, &allocs);
		snprintf(last, sizeof(last), "ok %s pfn=0x%lx count=%lu\n", label, a->pfn, count);
		return 0;
	}
	if (sscanf(cmd, "dma %31s %lu", label, &count) == 2) {
		if (find_label(label))
			return -EEXIST;
		a = kzalloc(sizeof(*a), GFP_KERNEL);
		if (!a)
			return -ENOMEM;
		a->cpu = dma_alloc_coherent(&pdev->dev, count, &a->handle, GFP_KERNEL);
		if (!a->cpu) {
			kfree(a);
			snprintf(last, sizeof(last), "failed %s bytes=%lu\n", label, count);
			return 0;
		}
		strscpy(a->label, label, sizeof(a->label));
		a->bytes = count;
		a->pfn = PHYS_PFN(dma_to_phys(&pdev->dev, a->handle));
		a->count = PAGE_ALIGN(count) >> PAGE_SHIFT;
		list_add(&a->node, &allocs);
		snprintf(last, sizeof(last), "ok %s pfn=0x%lx count=%lu\n", label, a->pfn, a->count);
		return 0;
	}
	if (sscanf(cmd, "freepart %31s %lu", label, &n2) == 2) {
		a = find_label(label);
		if (!a || !a->cma || a->cma->order_per_bit || n2 == 0 || n2 >= a->count)
			return -EINVAL;
		k_cma_release(a->cma, a->page, n2);
		a->page = pfn_to_page(page_to_pfn(a->page) + n2);
		a->pfn += n2;
		a->count -= n2;
		snprintf(last, sizeof(last), "ok %s pfn=0x%lx count=%lu\n", label, a->pfn, a->count);
		return 0;
	}
	if (!strncmp(cmd, "freeall", 7)) {
		while (!list_empty(&allocs))
			release_one(list_first_entry(&allocs, struct cmascope_alloc, node));
		snprintf(last, sizeof(last), "ok freed all\n");
		return 0;
	}
	if (sscanf(cmd, "free %31s", label) == 1) {
		a = find_label(label);
		if (!a)
			return -ENOENT;
		release_one(a);
		snprintf(last, sizeof(last), "ok freed %s\n", label);
		return 0;
	}
	if (sscanf(cmd, "stress %63s %lu %llu %lu %lu", area, &count, &seed, &n2, &n3) == 5) {
		c = find_area(area);
		if (!c)
			return -ENOENT;
		return do_stress(c, count, seed, n2, n3);
	}
	if (sscanf(cmd, "pin %63s %lu %lu", area, &count, &n2) == 3) {
		int ret;

		c = find_area(area);
		if (!c || count == 0)
			return -EINVAL;
		ret = pin_area(c, count, n2);
		if (ret < 0)
			return ret;
		snprintf(last, sizeof(last), "ok pinned %d\n", ret);
		pr_info("pinned %d movable pages in %s\n", ret, area);
		return 0;
	}
	if (!strncmp(cmd, "unpin", 5)) {
		unpin_all();
		snprintf(last, sizeof(last), "ok unpinned\n");
		return 0;
	}
	return -EINVAL;
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char buf[160];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&lock);
	ret = do_command(buf);
	if (ret)
		snprintf(last, sizeof(last), "error %d\n", ret);
	mutex_unlock(&lock);
	return ret ? ret : len;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.write = ctl_write,
};

static int last_show(struct seq_file *s, void *unused)
{
	mutex_lock(&lock);
	seq_puts(s, last);
	mutex_unlock(&lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(last);

static int dma_allocs_show(struct seq_file *s, void *unused)
{
	struct cmascope_alloc *a;

	mutex_lock(&lock);
	list_for_each_entry(a, &allocs, node)
		if (!a->cma)
			seq_printf(s, "pfn=0x%lx count=%lu bytes=%zu\n", a->pfn, a->count, a->bytes);
	mutex_unlock(&lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dma_allocs);

static int pinned_show(struct seq_file *s, void *unused)
{
	struct cmascope_pin *p;

	mutex_lock(&lock);
	list_for_each_entry(p, &pins, node)
		seq_printf(s, "pfn=0x%lx area=%s\n", page_to_pfn(p->page), p->cma->name);
	mutex_unlock(&lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pinned);

/*
 * ---- per-area files in the mm/cma_debug.c formats of the kernel built for ----
 * Top level: count, order_per_bit, used, maxchunk, and base_pfn/bitmap of range 0 (6.15+
 * makes those two links to ranges/0/). Under CMASCOPE_MULTIRANGE also ranges/N/{base_pfn,
 * count,bitmap} (count is ours: upstream has no such file).
 */
struct cmascope_range {
	struct cma *c;
	int r;
};
static struct cmascope_range range_ids[MAX_CMA_AREAS][8];

static int base_pfn_show(struct seq_file *s, void *unused)
{
	struct cmascope_range *id = s->private;

	seq_printf(s, "%llu\n", (u64)range_base(id->c, id->r));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(base_pfn);

static int range_count_show(struct seq_file *s, void *unused)
{
	struct cmascope_range *id = s->private;

	seq_printf(s, "%llu\n", (u64)range_count(id->c, id->r));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(range_count);

static int count_show(struct seq_file *s, void *unused)
{
	struct cma *c = s->private;

	seq_printf(s, "%llu\n", (u64)c->count);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(count);

static int order_per_bit_show(struct seq_file *s, void *unused)
{
	struct cma *c = s->private;

	seq_printf(s, "%llu\n", (u64)c->order_per_bit);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(order_per_bit);

/* cma_used_get(): 6.15+ count - available_count; before, bitmap weight << order_per_bit */
static int used_show(struct seq_file *s, void *unused)
{
	struct cma *c = s->private;
	unsigned long used;

	spin_lock_irq(&c->lock);
#if CMASCOPE_MULTIRANGE
	used = c->count - c->available_count;
#else
	used = bitmap_weight(c->bitmap, (int)cma_bitmap_maxno(c)) << c->order_per_bit;
#endif
	spin_unlock_irq(&c->lock);
	seq_printf(s, "%llu\n", (u64)used);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(used);

/* cma_maxchunk_get(): longest run of clear bits in any one range << order_per_bit */
static int maxchunk_show(struct seq_file *s, void *unused)
{
	struct cma *c = s->private;
	unsigned long maxchunk = 0, start, end, maxno;
	int r;

	spin_lock_irq(&c->lock);
	for (r = 0; r < nranges(c); r++) {
		maxno = range_maxno(c, r);
		end = 0;
		for (;;) {
			start = find_next_zero_bit(range_bitmap(c, r), maxno, end);
			if (start >= maxno)
				break;
			end = find_next_bit(range_bitmap(c, r), maxno, start);
			maxchunk = max(end - start, maxchunk);
		}
	}
	spin_unlock_irq(&c->lock);
	seq_printf(s, "%llu\n", (u64)maxchunk << c->order_per_bit);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(maxchunk);

/*
 * debugfs_create_u32_array(): DIV_ROUND_UP(maxno, 32) u32 words of the range's bitmap
 * as "%u" separated by ' ', then '\n' (fs/debugfs/file.c format_array()).
 */
static int bitmap_show(struct seq_file *s, void *unused)
{
	struct cmascope_range *id = s->private;
	struct cma *c = id->c;
	unsigned long n = DIV_ROUND_UP(range_maxno(c, id->r), 32), i;
	u32 *copy = kmalloc_array(n, sizeof(u32), GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	spin_lock_irq(&c->lock);
	memcpy(copy, range_bitmap(c, id->r), n * sizeof(u32));
	spin_unlock_irq(&c->lock);
	for (i = 0; i < n; i++)
		seq_printf(s, "%u%c", copy[i], i + 1 == n ? '\n' : ' ');
	kfree(copy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bitmap);

static int allocs_show(struct seq_file *s, void *unused)
{
	struct cma *c = s->private;
	struct cmascope_alloc *a;

	mutex_lock(&lock);
	list_for_each_entry(a, &allocs, node)
		if (a->cma == c)
			seq_printf(s, "pfn=0x%lx count=%lu label=%s align=%u\n", a->pfn,
				   a->count, a->label, a->align);
	mutex_unlock(&lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(allocs);

static void add_ranges(struct dentry *area, struct cmascope_range *ids, int n)
{
	struct dentry *rdir = debugfs_create_dir("ranges", area);
	char name[12];
	int r;

	for (r = 0; r < n; r++) {
		struct dentry *d;

		snprintf(name, sizeof(name), "%d", r);
		d = debugfs_create_dir(name, rdir);
		debugfs_create_file("base_pfn", 0444, d, &ids[r], &base_pfn_fops);
		debugfs_create_file("count", 0444, d, &ids[r], &range_count_fops);
		debugfs_create_file("bitmap", 0444, d, &ids[r], &bitmap_fops);
	}
}

static int __init cmascope_init(void)
{
	struct dentry *areas;
	unsigned int i;
	int ret;

	if (strcmp(init_utsname()->release, CMASCOPE_KREL) ||
	    !strstr(init_utsname()->version, CMASCOPE_KVER)) {
		pr_err("built for %s (%s), refusing to run on %s (%s)\n", CMASCOPE_KREL,
		       CMASCOPE_KVER, init_utsname()->release, init_utsname()->version);
		return -EINVAL;
	}
	ret = resolve_symbols();
	if (ret)
		return ret;
	ret = check_areas();
	if (ret)
		return ret;

	pdev = platform_device_register_simple("cmascope", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret) {
		platform_device_unregister(pdev);
		return ret;
	}

	root = debugfs_create_dir("cmascope", NULL);
	debugfs_create_file("ctl", 0200, root, NULL, &ctl_fops);
	debugfs_create_file("last", 0444, root, NULL, &last_fops);
	debugfs_create_file("dma_allocs", 0444, root, NULL, &dma_allocs_fops);
	debugfs_create_file("pinned", 0444, root, NULL, &pinned_fops);
	areas = debugfs_create_dir("areas", root);
	for (i = 0; i < READ_ONCE(*k_cma_area_count); i++) {
		struct cma *c = &k_cma_areas[i];
		struct dentry *d = debugfs_create_dir(c->name, areas);

		int r;

		for (r = 0; r < nranges(c); r++) {
			range_ids[i][r].c = c;
			range_ids[i][r].r = r;
		}
		debugfs_create_file("base_pfn", 0444, d, &range_ids[i][0], &base_pfn_fops);
		debugfs_create_file("count", 0444, d, c, &count_fops);
		debugfs_create_file("order_per_bit", 0444, d, c, &order_per_bit_fops);
		debugfs_create_file("used", 0444, d, c, &used_fops);
		debugfs_create_file("maxchunk", 0444, d, c, &maxchunk_fops);
		debugfs_create_file("bitmap", 0444, d, &range_ids[i][0], &bitmap_fops);
		if (CMASCOPE_MULTIRANGE)
			add_ranges(d, &range_ids[i][0], nranges(c));
		debugfs_create_file("allocs", 0444, d, c, &allocs_fops);
	}
	return 0;
}

static void __exit cmascope_exit(void)
{
	debugfs_remove_recursive(root);
	mutex_lock(&lock);
	unpin_all();
	while (!list_empty(&allocs))
		release_one(list_first_entry(&allocs, struct cmascope_alloc, node));
	mutex_unlock(&lock);
	platform_device_unregister(pdev);
}

module_init(cmascope_init);
module_exit(cmascope_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cmascope: drive cma_alloc/cma_release and snapshot CMA areas (debugfs formats)");
