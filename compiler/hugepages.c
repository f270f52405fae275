/*
 * hugepages.c — a build's malloc heaps on transparent huge pages, in
 * the process as it is.  A build spends much of its time faulting in
 * fresh 4 KiB pages: every cmark node, libxml2 node and Lua table is a
 * small block of a heap that grows by megabytes, and on this project's
 * machine (a VM) each fault costs some 8 µs, so that a one-document
 * rebuild of 1,000 documents took 0.22 s on 4 KiB pages against 0.13 s
 * on 2 MiB ones.  The kernel gives 2 MiB pages to memory marked with
 * madvise(MADV_HUGEPAGE) when its setting is "madvise" (Debian's
 * default) or "always".
 *
 * glibc can mark its heaps itself (the tunable glibc.malloc.hugetlb=1),
 * but reads its tunables only as a program starts, and starting policyc
 * again (it did, for projects of 250 documents or more) cost some 11 ms
 * of loading shared libraries a build: a tenth of a one-document
 * rebuild.  So hugepages_setup, early in a build, check or serve:
 *
 *   - grows the main heap once by RESERVE (a quarter of the memory, at
 *     most 1 GiB, less under a data or address-space limit) before
 *     anything is stored in it, keeps glibc from giving that back
 *     (M_TRIM_THRESHOLD), and marks it: address space only, the kernel
 *     gives it pages as they are first written;
 *   - has malloc keep blocks up to 32 MiB in its heaps (M_MMAP_THRESHOLD;
 *     above 128 KiB each would be a mapping of its own, on 4 KiB pages,
 *     given back on free and faulted in again for the next);
 *
 * and jobs.c has each worker thread mark the heap of its malloc arena as
 * it starts (hugepages_mark_thread: glibc's arena heaps are 64 MiB,
 * aligned to their size), and every worker mark what the main heap grew
 * beyond the reservation between its items (hugepages_mark).  Each mark
 * is one madvise, and only when something new appeared.  A forked
 * sandbox child gives the unused reservation back first
 * (hugepages_release), so that the address-space limit it sets itself
 * (jail.c) means what it says.
 *
 * Nothing is marked when:
 *   - POLICYC_HUGEPAGES=0;
 *   - the machine is a virtual one whose host takes back the guest's
 *     free memory (a virtio balloon with free page reporting), and a
 *     huge page costs it more than its small pages would (unless
 *     POLICYC_HUGEPAGES=1).  The guest reports its free blocks of 2 MiB
 *     and more, the host discards them, and a huge page is such a
 *     block: one the build touches may have to be found again by the
 *     host (3.4-4.2 ms, where it costs ~0.1 ms while the host still
 *     has it).  Whether 4 KiB pages are the cheaper then depends on
 *     the host: on one Firecracker VM (faults ~8 us) huge pages made
 *     every build slower unless it ran just after another build that
 *     had used them (a full HTML build of 1,000 documents 1.26 s
 *     against 1.08, a one-document rebuild 111 ms against 83); on a
 *     PVM guest (shadow page tables: every 4 KiB fault ~10-13 us)
 *     they made every build faster, cold or not (1.38 s against 1.73;
 *     135 ms against 190).  So on such a host the setup measures, as
 *     it starts: the median of 16 small faults in a scratch mapping,
 *     and one huge page near the bottom of the reserved heap (which
 *     the build then uses).  Huge pages are kept when one cost less
 *     than 3/4 of the 512 small faults it stands for (a heap does not
 *     fill every page it touches); --timings prints both figures;
 *   - the user set glibc.malloc.hugetlb (glibc does it, or was told not
 *     to);
 *   - LD_PRELOAD is set (another malloc, or valgrind's);
 *   - the kernel's transparent huge pages are "never";
 *   - the kernel's overcommit policy is "never" (the reservation would
 *     be charged as memory);
 *   - the build has sanitizers (they replace malloc).
 * The malloc settings above are kept then too; the build is the same
 * either way, byte for byte (tests/hugepages.t).
 */
#include <dirent.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "date.h"
#include "hugepages.h"

#define TUNABLE "glibc.malloc.hugetlb"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define MIB ((size_t)1 << 20)
#define HUGE_PAGE (2 * MIB)
/* glibc's arena heaps, on 64-bit: HEAP_MAX_SIZE, heaps aligned to it */
#define ARENA_HEAP (64 * MIB)
/* the most the reservation may be: the trim threshold above it is an
 * int (mallopt's argument) */
#define RESERVE_MAX (1024 * MIB)
#define RESERVE_MIN (64 * MIB)
/* malloc's settings outside the reservation (hugepages_setup says why) */
#define TRIM_THRESHOLD (256 * MIB)
#define TOP_PAD (64 * MIB)

/* a block of the main heap kept for hugepages_release: bigger than
 * glibc's FASTBIN_CONSOLIDATION_THRESHOLD (64 KiB), so that freeing it
 * checks the top for trimming */
#define TRIM_KEY (128 * 1024)

static int considered;
static int declined_for_host;
/* on a host that takes back free memory: what the setup measured, in
 * nanoseconds (0 when it did not) */
static long probe_small_ns, probe_huge_ns;
static void *trim_key;
static int active;
static size_t reserved;
static uintptr_t heap_lo;          /* the main heap, as marked */
static _Atomic uintptr_t heap_hi;  /* marked up to here */
/* the arena heaps marked (a build has a few: glibc's arenas outlive
 * their threads and serve the next) */
#define MAX_ARENA_HEAPS 64
static _Atomic uintptr_t arena_heaps[MAX_ARENA_HEAPS];

/* The first line of a file of the kernel's into line; 0 when there is
 * none. */
static int
read_line(const char *path, char *line, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return 0;
	ok = fgets(line, (int)size, f) != NULL;
	fclose(f);
	return ok;
}

/* "always" or "madvise": the kernel would give huge pages when asked. */
static int
kernel_offers(void)
{
	char line[128];

	return read_line("/sys/kernel/mm/transparent_hugepage/enabled", line,
	    sizeof line) && (strstr(line, "[always]") ||
	    strstr(line, "[madvise]"));
}

/* A virtio memory balloon with free page reporting
 * (VIRTIO_BALLOON_F_REPORTING, feature bit 5): the guest tells the host
 * of its free blocks of 2 MiB and more, and the host takes them back.
 * Each is then memory the host must find again when the guest next
 * hands it out, and a huge page is made of exactly such a block.  The
 * kernel lists a virtio device's features in sysfs as a string of 0s
 * and 1s, bit 0 first. */
#define VIRTIO_ID_BALLOON "0x0005"
#define VIRTIO_BALLOON_F_REPORTING 5

static int
host_takes_back_free_memory(void)
{
	DIR *dir = opendir("/sys/bus/virtio/devices");
	struct dirent *e;
	char path[512], line[256];
	int found = 0;

	if (!dir)
		return 0;
	while (!found && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/sys/bus/virtio/devices/%s/device",
		    e->d_name);
		if (!read_line(path, line, sizeof line) ||
		    strncmp(line, VIRTIO_ID_BALLOON, strlen(VIRTIO_ID_BALLOON)))
			continue;
		snprintf(path, sizeof path,
		    "/sys/bus/virtio/devices/%s/features", e->d_name);
		found = read_line(path, line, sizeof line) &&
		    strlen(line) > VIRTIO_BALLOON_F_REPORTING &&
		    line[VIRTIO_BALLOON_F_REPORTING] == '1';
	}
	closedir(dir);
	return found;
}

/* 0: no huge pages; 1: huge pages; 2: huge pages if they measure
 * cheaper (the host takes back free memory: hugepages.c's header). */
static int
wanted(void)
{
	const char *want = getenv("POLICYC_HUGEPAGES");
	const char *tun = getenv("GLIBC_TUNABLES");
	const char *preload = getenv("LD_PRELOAD");
	int forced = want && !strcmp(want, "1");

	if (SANITIZED || (want && !strcmp(want, "0")) ||
	    (tun && strstr(tun, TUNABLE)) || (preload && *preload) ||
	    !kernel_offers())
		return 0;
	if (!forced && host_takes_back_free_memory())
		return 2;
	return 1;
}

static size_t
limit_quarter(int resource, size_t r)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur / 4 < r)
		r = rl.rlim_cur / 4;
	return r;
}

/* The kernel's overcommit policy is "never" (2): address space counts
 * against the commit limit as memory would, so a reservation would take
 * a gigabyte from everyone else. */
static int
strict_overcommit(void)
{
	char line[32];

	return read_line("/proc/sys/vm/overcommit_memory", line,
	    sizeof line) && atoi(line) == 2;
}

/* A quarter of the memory, at most RESERVE_MAX, and at most a quarter
 * of any data or address-space limit; 0 when that is too little to be
 * worth it, or under strict overcommit. */
static size_t
reserve_size(void)
{
	struct sysinfo si;
	size_t r = RESERVE_MAX;
	unsigned long long ram;

	if (strict_overcommit())
		return 0;

	if (sysinfo(&si) == 0) {
		ram = (unsigned long long)si.totalram * si.mem_unit;
		if (ram / 4 < r)
			r = (size_t)(ram / 4);
	}
	r = limit_quarter(RLIMIT_DATA, r);
	r = limit_quarter(RLIMIT_AS, r);
	r &= ~(HUGE_PAGE - 1);
	return r < RESERVE_MIN ? 0 : r;
}

static void
mark(uintptr_t lo, uintptr_t hi)
{
	lo = (lo + 4095) & ~(uintptr_t)4095;
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

/* The heap does not start on a 2 MiB boundary, and the part below the
 * first one cannot be a huge page: malloc would fill it first, 4 KiB at
 * a time.  A block from there to the boundary, never freed and never
 * written (but for malloc's header), has malloc start above it.
 * Returns the boundary: nothing of the heap is written above it yet. */
static uintptr_t
skip_to_boundary(void)
{
	void *p = malloc(16), *q;
	uintptr_t at = (uintptr_t)p, edge = (at + HUGE_PAGE) & ~(HUGE_PAGE - 1);

	if (p && edge - at > 64 * 1024) {
		q = malloc(edge - at - 64);
		(void)q;          /* kept: see above */
	}
	free(p);
	return p ? edge : 0;
}

/* Grows the main heap by r without writing to it: malloc's top chunk
 * is made bigger than r at the next growth (M_TOP_PAD), and the growth
 * is brought on by blocks just under the mapping threshold.  Returns
 * the heap's start, or 0; *edge is its first huge page not yet
 * written. */
static uintptr_t
grow_heap(size_t r, uintptr_t *edge)
{
	void *blocks[64];
	char *before = sbrk(0), *now;
	int n = 0, i;
	struct mallinfo2 mi;

	if (before == (char *)-1)
		return 0;
	mallopt(M_TOP_PAD, (int)r);
	while (n < 64 && (now = sbrk(0)) == before &&
	    (blocks[n] = malloc(100 * 1024)))
		n++;
	for (i = 0; i < n; i++)
		free(blocks[i]);
	mallopt(M_TOP_PAD, (int)TOP_PAD);
	now = sbrk(0);
	if (now == (char *)-1 || (size_t)(now - before) < r)
		return 0;
	mi = mallinfo2();      /* what malloc has from sbrk, all of it */
	*edge = skip_to_boundary();
	return *edge ? (uintptr_t)now - mi.arena : 0;
}

/* Nanoseconds on the one clock for measuring since t0 (its seconds). */
static long
ns_since(double t0)
{
	return (long)((date_monotonic() - t0) * 1e9);
}

static int
by_value(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The median time of a first write to a fresh 4 KiB page, in a scratch
 * mapping (64 KiB, given back); 0 when there is none. */
#define PROBE_PAGES 16
static long
small_fault_ns(void)
{
	long t[PROBE_PAGES];
	volatile char *p;
	double t0;
	int i;

	/* (smaller than a huge page: never one) */
	p = mmap(NULL, PROBE_PAGES * 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	for (i = 0; i < PROBE_PAGES; i++) {
		t0 = date_monotonic();
		p[i * 4096] = 0;
		t[i] = ns_since(t0);
	}
	(void)munmap((void *)p, PROBE_PAGES * 4096);
	qsort(t, PROBE_PAGES, sizeof *t, by_value);
	return t[PROBE_PAGES / 2];
}

/* The time of the first write to the huge page above the one at edge
 * (marked first): free memory in malloc's top chunk, still as sbrk
 * gave it, so the write is of a 0 (calloc counts on that).  Not edge's
 * own: the blocks that grew the heap may have left a header in it. */
static long
huge_fault_ns(uintptr_t edge)
{
	uintptr_t at = edge + HUGE_PAGE;
	double t0;

	mark(at, at + HUGE_PAGE);
	t0 = date_monotonic();
	*(volatile char *)at = 0;
	return ns_since(t0);
}

/* Whether a huge page costs less than 3/4 of the 512 small faults it
 * stands for, measured now (hugepages.c's header says why). */
static int
huge_pages_pay(uintptr_t edge)
{
	probe_small_ns = small_fault_ns();
	probe_huge_ns = huge_fault_ns(edge);
	return probe_small_ns > 0 &&
	    probe_huge_ns * 4 < probe_small_ns * 512 * 3;
}

void
hugepages_setup(void)
{
	size_t r;
	uintptr_t lo, edge = 0;
	int want;

	if (considered)
		return;
	considered = 1;
	/* Tens of thousands of small tree nodes come and go per document;
	 * freed memory stays in the process rather than going back to the
	 * kernel and being faulted in again for the next document. */
	mallopt(M_TRIM_THRESHOLD, (int)TRIM_THRESHOLD);
	mallopt(M_TOP_PAD, (int)TOP_PAD);
	mallopt(M_MMAP_THRESHOLD, (int)(32 * MIB));
	if (!(want = wanted()) || !(r = reserve_size()))
		return;
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
	if (!(lo = grow_heap(r, &edge))) {
		mallopt(M_TRIM_THRESHOLD, (int)TRIM_THRESHOLD);
		return;
	}
	if (want == 2 && !huge_pages_pay(edge)) {
		/* the reservation given back, the heap as it would be */
		declined_for_host = 1;
		mallopt(M_TRIM_THRESHOLD, (int)TRIM_THRESHOLD);
		(void)malloc_trim(TOP_PAD);
		return;
	}
	/* (taken now, on the main thread: a block of the main heap) */
	trim_key = malloc(TRIM_KEY);
	heap_lo = lo;
	atomic_store(&heap_hi, (uintptr_t)sbrk(0));
	mark(heap_lo, atomic_load(&heap_hi));
	reserved = r;
	active = 1;
}

/* 1 for the first caller with base; 0 for the rest, and when the table
 * is full (the heap is then left as it is). */
static int
first_mark(uintptr_t base)
{
	uintptr_t none;
	size_t i;

	for (i = 0; i < MAX_ARENA_HEAPS; i++) {
		none = 0;
		if (atomic_load(&arena_heaps[i]) == base)
			return 0;
		if (atomic_compare_exchange_strong(&arena_heaps[i], &none,
		    base))
			return 1;
		if (none == base)
			return 0;
	}
	return 0;
}

void
hugepages_mark(void)
{
	uintptr_t hi, was;

	if (!active)
		return;
	/* the main heap, grown past the reservation (sbrk(0) only reads
	 * glibc's record of the break: no system call) */
	hi = (uintptr_t)sbrk(0);
	was = atomic_load(&heap_hi);
	if (hi != (uintptr_t)-1 && hi > was &&
	    atomic_compare_exchange_strong(&heap_hi, &was, hi))
		mark(was, hi);
}

void
hugepages_mark_thread(void)
{
	uintptr_t base;
	void *p;

	if (!active || !(p = malloc(1)))
		return;
	/* the heap of the arena this block came from: not the main
	 * heap's, and not marked yet */
	base = (uintptr_t)p & ~(uintptr_t)(ARENA_HEAP - 1);
	if (((uintptr_t)p < heap_lo || (uintptr_t)p >= atomic_load(&heap_hi))
	    && first_mark(base)) {
		mark(base, base + ARENA_HEAP);
		/* its first 2 MiB already has the arena's header in 4 KiB
		 * pages: made one page now, while nearly empty */
		(void)madvise((void *)base, HUGE_PAGE, MADV_COLLAPSE);
	}
	free(p);
}

void
hugepages_release(void)
{
	if (!active)
		return;
	active = 0;
	/* the main heap's top given back down to M_TOP_PAD: freeing a big
	 * block of the main heap checks its top against the threshold,
	 * from whichever thread forked this child (malloc_trim would do
	 * it too, but walks every free block of every arena: ~1 ms) */
	mallopt(M_TRIM_THRESHOLD, (int)TOP_PAD);
	free(trim_key);
	trim_key = NULL;
}

/* ---- a forked child's fresh heap, faulted in beside it ----
 *
 * A pack's child process (pdfchild.c) draws into fresh heap, about
 * 0.2 MiB a page of the pack (cairo's recording of each page and the
 * PDF it writes, qpdf's objects for tagging): 95 MiB for a pack of 485
 * pages, every huge page of it zeroed on the child's one thread, the
 * PDF stage's critical path, at 0.6-3 ms each on this project's VM.
 * hugepages_prefault has a thread of the child fault in (write-ready,
 * MADV_POPULATE_WRITE: Linux 5.14) the next bytes above the main heap's
 * top, 2 MiB at a time, while the child works: the faults are paid on
 * the other core, where the parent's worker has time to spare (the
 * generated project's PDF build, 1.99 s -> 1.83 s of wall in six
 * pairs).  Populating touches no byte, so a page malloc has written
 * first is left as it is. */
static _Atomic size_t prefaulted;   /* bytes, so far */

#ifdef MADV_POPULATE_WRITE
static void *
prefault_main(void *arg)
{
	uintptr_t *span = arg, p;

	for (p = span[0]; p + HUGE_PAGE <= span[1]; p += HUGE_PAGE) {
		if (madvise((void *)p, HUGE_PAGE, MADV_POPULATE_WRITE) != 0)
			break;    /* an old kernel (EINVAL), or no memory */
		atomic_fetch_add(&prefaulted, HUGE_PAGE);
	}
	free(span);
	return NULL;
}
#endif

void
hugepages_prefault(size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
	struct mallinfo2 mi;
	uintptr_t top, end, *span;
	pthread_t th;
	pthread_attr_t at;

	if (!active || bytes < HUGE_PAGE)
		return;
	/* the main heap's top chunk runs to the break (the reservation) */
	mi = mallinfo2();
	end = (uintptr_t)sbrk(0);
	if (end == (uintptr_t)-1 || mi.keepcost > end)
		return;
	top = (end - mi.keepcost + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (top >= end)
		return;
	span = malloc(2 * sizeof *span);
	if (span == NULL)
		return;
	span[0] = top;
	span[1] = end - top > bytes ? top + bytes : end;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 64 * 1024);
	if (pthread_create(&th, &at, prefault_main, span) != 0)
		free(span);
	pthread_attr_destroy(&at);
#else
	(void)bytes;
#endif
}

size_t
hugepages_prefaulted(void)
{
	return atomic_load(&prefaulted);
}

size_t
hugepages_reserved(void)
{
	return active ? reserved : 0;
}

int
hugepages_declined_for_host(void)
{
	return declined_for_host;
}

int
hugepages_probed(long *small_ns, long *huge_ns)
{
	*small_ns = probe_small_ns;
	*huge_ns = probe_huge_ns;
	return probe_huge_ns > 0;
}
