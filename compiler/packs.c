/*
 * packs.c — pack membership, judged at load.  A pack (policyc.yaml
 * `packs:`) names documents by id, or includes them by type, tag or
 * folder; packs_resolve turns that into document indexes on the corpus
 * right after the corpus is indexed, before links and filters, so every
 * problem with a pack is a diagnostic of `policyc check` as much as of
 * `policyc build`.  The XML writer (xmlout.c) writes the resolved lists
 * into corpus.xml and the PDF back end reads them there.
 */
#include <stdlib.h>
#include <string.h>

#include "packs.h"
#include "profile.h"
#include "util.h"

static int
list_has(char **list, size_t n, const char *s)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s && !strcmp(list[i], s))
			return 1;
	return 0;
}

static int
doc_has_tag(const document *d, char **tags, size_t n)
{
	size_t i;
	for (i = 0; i < d->ntags && n; i++)
		if (list_has(tags, n, d->tags[i]))
			return 1;
	return 0;
}

static int
doc_in_folders(const document *d, char **folders, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		size_t l = strlen(folders[i]);
		while (l && folders[i][l - 1] == '/')
			l--;
		if (!strncmp(d->id, folders[i], l) && d->id[l] == '/')
			return 1;
	}
	return 0;
}

/* Where the pack's ids entry NAME is written in policyc.yaml (the pack
 * keeps only its own line), so the diagnostic points at the name. */
static const yval *
ids_entry(const project *p, const pack *pk, const char *name)
{
	const yval *list = yval_get(p->config, "packs"), *ids;
	size_t i;

	if (!list || list->kind != YV_LIST)
		return NULL;
	for (i = 0; i < list->n; i++)
		if (list->items[i]->line == pk->line)
			break;
	if (i == list->n)
		return NULL;
	ids = yval_get(yval_get(list->items[i], "include"), "ids");
	if (!ids || ids->kind != YV_LIST)
		return ids;
	for (i = 0; i < ids->n; i++)
		if (yval_str(ids->items[i]) &&
		    !strcmp(yval_str(ids->items[i]), name))
			return ids->items[i];
	return ids;
}

static void
add_member(pack_members *m, size_t k)
{
	m->docs = xrealloc(m->docs, (m->n + 1) * sizeof *m->docs);
	m->docs[m->n++] = k;
}

static void
resolve_named(corpus *c, const pack *pk, pack_members *m, char *in,
    diag_set *ds)
{
	size_t i;
	for (i = 0; i < pk->nids; i++) {
		char *cands = NULL;
		long t = corpus_resolve_name(c, pk->ids[i], &cands);
		if (t < 0) {
			const yval *at = ids_entry(c->project, pk, pk->ids[i]);
			diag_report(ds, R_CONFIG_INVALID, "policyc.yaml",
			    at ? at->line : pk->line, at ? at->col : 0,
			    "pack '%s' names '%s', %s%s", pk->id, pk->ids[i],
			    t == -2 ? "which matches several documents: " :
			    "which is no document", cands ? cands : "");
		} else if (!in[t]) {
			add_member(m, (size_t)t);
			in[t] = 1;
		}
		free(cands);
	}
}

void
packs_resolve(corpus *c, diag_set *ds)
{
	const project *p = c->project;
	size_t k, i;

	if (c->packs || !p->npacks)
		return;
	c->packs = xcalloc(p->npacks, sizeof *c->packs);
	c->npacks = p->npacks;
	for (k = 0; k < p->npacks; k++) {
		const pack *pk = &p->packs[k];
		pack_members *m = &c->packs[k];
		char *in;

		/* the id names OUT/pdf/<id>.pdf: the same test as a
		 * document id (project.c has refused '/' and "..") */
		if (!document_id_safe(pk->id)) {
			diag_report(ds, R_CONFIG_INVALID, "policyc.yaml", pk->line,
			    0, "pack id '%s' cannot be a file name; the pack is "
			    "not published", pk->id);
			m->refused = 1;
			continue;
		}
		/* a pack's profile narrows the edition's: blocks the edition
		 * left out at load are not there to put back */
		for (i = 0; i < pk->naudiences; i++)
			if (!profile_edition_keeps(p, pk->audiences[i]))
				diag_report_sev(ds, SEV_WARNING, R_CONFIG_INVALID,
				    "policyc.yaml", pk->line, 0, "pack '%s' includes "
				    "audience '%s', which the edition leaves out: its "
				    "blocks are not in the pack", pk->id,
				    pk->audiences[i]);
		in = xcalloc(c->ndocs + 1, 1);
		resolve_named(c, pk, m, in, ds);
		if (pk->ntypes || pk->ntags || pk->nfolders)
			for (i = 0; i < c->ndocs; i++) {
				const document *d = c->docs[i];
				int match = list_has(pk->types, pk->ntypes, d->type) ||
				    doc_has_tag(d, pk->tags, pk->ntags) ||
				    doc_in_folders(d, pk->folders, pk->nfolders);
				if (match && !in[i] &&
				    d->status_kind != STATUS_WITHDRAWN &&
				    d->status_kind != STATUS_SUPERSEDED) {
					add_member(m, i);
					in[i] = 1;
				}
			}
		free(in);
		/* published all the same (a cover and contents), as an
		 * empty folder's index page would be, but said */
		if (m->n == 0)
			diag_report_sev(ds, SEV_WARNING, R_CONFIG_INVALID,
			    "policyc.yaml", pk->line, 0, "pack '%s' includes no "
			    "document: its PDF has a cover and contents only",
			    pk->id);
	}
}
