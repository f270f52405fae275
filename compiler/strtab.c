/*
 * strtab.c — the one string→index table (see strtab.h).  It sits under
 * every stage that looks things up by name: the glossary indexes its slugs
 * with it, the link pass asks the glossary through it, and branches that
 * index ids or rule names use the same table.  Open addressing with linear
 * probing over a power-of-two array kept at most half full, FNV-1a hashes
 * stored beside the entries so a probe compares strings only when the
 * hashes agree; keys are copied so callers may free theirs.  Cost per
 * operation is constant on average, so building an index over n names is
 * linear in their total length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strtab.h"
#include "util.h"

typedef struct {
	char *key;           /* NULL: empty slot */
	uint64_t hash;
	long value;
} slot;

struct strtab {
	slot *slots;
	size_t cap;          /* power of two */
	size_t n;
};

/* Eight bytes at a time, each word multiply-xorshift mixed, the length
 * and a final mix folded in (the low bits pick the slot).  Byte at a
 * time (FNV-1a) it was most of a lookup: a rebuild looks up some 80,000
 * glossary slugs.  Nothing outside this file sees a hash or the slots'
 * order. */
static uint64_t
hash_key(const char *s)
{
	size_t n = strlen(s), k;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n, w;

	for (; n >= 8; n -= 8, s += 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	for (k = 0; k < n; k++)
		w |= (uint64_t)(unsigned char)s[k] << (8 * k);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 32;
	return h;
}

strtab *
strtab_new(size_t hint)
{
	strtab *t = xcalloc(1, sizeof *t);
	t->cap = 16;
	while (t->cap < hint * 2 + 1 && t->cap < ((size_t)1 << 60))
		t->cap *= 2;
	t->slots = xcalloc(t->cap, sizeof *t->slots);
	return t;
}

void
strtab_free(strtab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].key);
	free(t->slots);
	free(t);
}

/* Slot where key lives, or the empty slot where it would go. */
static size_t
probe(const slot *slots, size_t cap, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);
	while (slots[i].key && (slots[i].hash != h ||
	    strcmp(slots[i].key, key) != 0))
		i = (i + 1) & (cap - 1);
	return i;
}

static void
grow(strtab *t)
{
	size_t ncap = t->cap * 2;
	slot *ns = xcalloc(ncap, sizeof *ns);
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].key)
			continue;
		size_t j = (size_t)t->slots[i].hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
}

int
strtab_put(strtab *t, const char *key, long value)
{
	uint64_t h = hash_key(key);
	size_t i = probe(t->slots, t->cap, key, h);
	if (t->slots[i].key)
		return 1;
	if ((t->n + 1) * 2 > t->cap) {
		grow(t);
		i = probe(t->slots, t->cap, key, h);
	}
	t->slots[i].key = xstrdup(key);
	t->slots[i].hash = h;
	t->slots[i].value = value;
	t->n++;
	return 0;
}

void
strtab_set(strtab *t, const char *key, long value)
{
	uint64_t h = hash_key(key);
	size_t i = probe(t->slots, t->cap, key, h);
	if (t->slots[i].key) {
		t->slots[i].value = value;
		return;
	}
	strtab_put(t, key, value);
}

long
strtab_get(const strtab *t, const char *key)
{
	if (!t || !key)
		return -1;
	size_t i = probe(t->slots, t->cap, key, hash_key(key));
	return t->slots[i].key ? t->slots[i].value : -1;
}

size_t
strtab_count(const strtab *t)
{
	return t ? t->n : 0;
}
