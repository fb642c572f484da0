/* Placement: a first-fit page allocator over the free RAM of a memory map. It only ever
 * hands out pages that the firmware calls RAM, that no other firmware entry claims, and (when
 * the running kernel's view is known) that the running kernel calls RAM too: mem=768M on the
 * firmware kernel keeps segments below 768 MiB. Every allocation is carved out of the pool,
 * so segments never overlap. */
#include "loader/segplan.h"

#include <errno.h>
#include <string.h>

static uint64_t page_up(uint64_t v)
{
	return v > UINT64_MAX - (SEG_PAGE_SIZE - 1) ? UINT64_MAX & ~(SEG_PAGE_SIZE - 1)
						    : (v + SEG_PAGE_SIZE - 1) & ~(SEG_PAGE_SIZE - 1);
}

static uint64_t page_down(uint64_t v)
{
	return v & ~(SEG_PAGE_SIZE - 1);
}

/* Adds [START, END) in order; merges with a neighbour it touches. */
static int pool_add(struct place_pool *p, uint64_t start, uint64_t end)
{
	unsigned i;

	start = page_up(start);
	end = page_down(end);
	if (end <= start)
		return 0;
	for (i = 0; i < p->n && p->r[i].start < start; i++)
		;
	if (i > 0 && p->r[i - 1].end >= start) {
		if (end > p->r[i - 1].end)
			p->r[i - 1].end = end;
		/* It may now reach the next ones too. */
		while (i < p->n && p->r[i].start <= p->r[i - 1].end) {
			if (p->r[i].end > p->r[i - 1].end)
				p->r[i - 1].end = p->r[i].end;
			memmove(&p->r[i], &p->r[i + 1], (p->n - i - 1) * sizeof(p->r[0]));
			p->n--;
		}
		return 0;
	}
	if (p->n >= PLACE_MAX_RANGES)
		return -E2BIG;
	memmove(&p->r[i + 1], &p->r[i], (p->n - i) * sizeof(p->r[0]));
	p->r[i].start = start;
	p->r[i].end = end;
	p->n++;
	/* Merge forward with what it now touches. */
	while (i + 1 < p->n && p->r[i + 1].start <= p->r[i].end) {
		if (p->r[i + 1].end > p->r[i].end)
			p->r[i].end = p->r[i + 1].end;
		memmove(&p->r[i + 1], &p->r[i + 2], (p->n - i - 2) * sizeof(p->r[0]));
		p->n--;
	}
	return 0;
}

/* Removes [START, END) (widened to whole pages) from every free range. */
static int pool_remove(struct place_pool *p, uint64_t start, uint64_t end)
{
	start = page_down(start);
	end = page_up(end);
	for (unsigned i = 0; i < p->n; i++) {
		uint64_t s = p->r[i].start, e = p->r[i].end;

		if (end <= s || start >= e)
			continue;
		if (start > s && end < e) { /* a hole in the middle: split */
			if (p->n >= PLACE_MAX_RANGES)
				return -E2BIG;
			memmove(&p->r[i + 1], &p->r[i], (p->n - i) * sizeof(p->r[0]));
			p->n++;
			p->r[i].end = start;
			p->r[i + 1].start = end;
			return 0;
		}
		if (start <= s && end >= e) { /* all of it */
			memmove(&p->r[i], &p->r[i + 1], (p->n - i - 1) * sizeof(p->r[0]));
			p->n--;
			i--;
			continue;
		}
		if (start <= s)
			p->r[i].start = end;
		else
			p->r[i].end = start;
	}
	return 0;
}

int place_pool_init(struct place_pool *p, const struct memmap *firmware,
		    const struct memmap *running, uint64_t floor)
{
	int r;

	p->n = 0;
	for (unsigned i = 0; i < firmware->n && i < MEMMAP_MAX; i++) {
		const struct memmap_range *m = &firmware->r[i];

		if (m->type != E820_TYPE_RAM || m->end <= floor)
			continue;
		r = pool_add(p, m->start > floor ? m->start : floor, m->end);
		if (r < 0)
			return r;
	}
	/* Firmware maps can overlap; whatever any entry says is not RAM is not free. */
	for (unsigned i = 0; i < firmware->n && i < MEMMAP_MAX; i++) {
		if (firmware->r[i].type == E820_TYPE_RAM)
			continue;
		r = pool_remove(p, firmware->r[i].start, firmware->r[i].end);
		if (r < 0)
			return r;
	}
	/* The running kernel's view: remove the gaps between its RAM ranges. */
	if (running) {
		uint64_t covered = 0;

		for (unsigned i = 0; i < running->n && i < MEMMAP_MAX; i++) {
			const struct memmap_range *m = &running->r[i];

			if (m->type != E820_TYPE_RAM)
				continue;
			if (m->start > covered) {
				r = pool_remove(p, covered, m->start);
				if (r < 0)
					return r;
			}
			if (m->end > covered)
				covered = m->end;
		}
		r = pool_remove(p, covered, UINT64_MAX);
		if (r < 0)
			return r;
	}
	return p->n ? (int)p->n : -ENOMEM;
}

int place_alloc(struct place_pool *p, uint64_t size, uint64_t align, uint64_t min,
		uint64_t max_end, bool top_down, uint64_t *addr)
{
	if (size == 0 || align < SEG_PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;
	size = page_up(size);
	for (unsigned k = 0; k < p->n; k++) {
		unsigned i = top_down ? p->n - 1 - k : k;
		uint64_t lo = p->r[i].start > min ? p->r[i].start : min;
		uint64_t hi = p->r[i].end < max_end ? p->r[i].end : max_end;
		uint64_t at;

		if (lo > UINT64_MAX - (align - 1))
			continue;
		lo = (lo + align - 1) & ~(align - 1);
		if (hi <= lo || hi - lo < size)
			continue;
		at = top_down ? (hi - size) & ~(align - 1) : lo;
		if (at < lo)
			continue;
		*addr = at;
		return pool_remove(p, at, at + size);
	}
	return -ENOMEM;
}

uint64_t place_free_bytes(const struct place_pool *p)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < p->n; i++)
		total += p->r[i].end - p->r[i].start;
	return total;
}
