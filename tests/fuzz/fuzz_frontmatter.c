/*
 * fuzz_frontmatter.c — libFuzzer target for the front matter stage:
 * frontmatter_split, then yval_parse of the YAML it found, on arbitrary
 * bytes.  The split's offsets must stay inside the input, and a parsed tree
 * must be well formed (every scalar has text, every map has keys); the tree
 * is then walked with the lookups later stages use and every scalar goes
 * through date_parse as document.c does with review: and approved:.
 *
 * First byte: bit 0 set parses the whole rest as YAML (as policyc.yaml and
 * glossary.yaml are read) instead of the front matter part.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "frontmatter.h"
#include "yamlval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const yval *v, int depth)
{
	size_t i;
	char day[11];

	if (!v)
		abort();
	if (yval_kind_name(v->kind) == NULL)
		abort();
	if (yval_is_scalar(v)) {
		const char *s = yval_str(v);
		if (v->kind != YV_NULL && !s)
			abort();
		if (s)
			(void)date_parse(s, day);
		return;
	}
	if (v->n && !v->items)
		abort();
	if (v->kind == YV_MAP) {
		if (v->n && (!v->keys || !v->key_lines || !v->key_cols))
			abort();
		for (i = 0; i < v->n; i++) {
			if (!v->keys[i])
				abort();
			/* a lookup by a key that is there finds a value */
			if (yval_key_index(v, v->keys[i]) < 0 ||
			    !yval_get(v, v->keys[i]))
				abort();
			(void)yval_path(v, v->keys[i]);
		}
	}
	for (i = 0; i < v->n; i++)
		walk(v->items[i], depth + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	frontmatter fm;
	const char *text, *yaml;
	size_t len, ylen;
	int offset;
	yval_error err;
	yval *v;

	if (size < 1)
		return 0;
	text = (const char *)data + 1;
	len = size - 1;

	frontmatter_split(text, len, &fm);
	if (fm.bom > len || fm.body_start > len || fm.body_line < 1)
		abort();
	if (fm.present && (fm.yaml_start > len || fm.yaml_len > len -
	    fm.yaml_start || fm.body_start < fm.yaml_start + fm.yaml_len ||
	    fm.yaml_line < 2 || fm.unterminated))
		abort();

	if (data[0] & 1) {
		yaml = text;
		ylen = len;
		offset = 0;
	} else if (fm.present) {
		yaml = text + fm.yaml_start;
		ylen = fm.yaml_len;
		offset = fm.yaml_line - 1;
	} else
		return 0;

	memset(&err, 0, sizeof err);
	v = yval_parse(yaml, ylen, offset, &err);
	if (v) {
		walk(v, 0);
		(void)yval_path(v, "contacts.lado.phone");
		(void)yval_get(v, "title");
		yval_free(v);
	} else if (memchr(err.message, '\0', sizeof err.message) == NULL)
		abort();    /* the message must be a string */
	return 0;
}
