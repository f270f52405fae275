/*
 * pdfprofile.c — a pack's own profile in the PDF.  A pack of policyc.yaml
 * may say `include: {audience: parents}` (DITA-style profiling per pack):
 * the edition's site and documents keep the edition's profile, and the
 * pack's PDF leaves out the audience blocks of other audiences.  The XML
 * marks every block an edition kept from an audience block
 * (audience="staff", xmlbody.c); for each member document holding a
 * block the pack leaves out, pdf.c's render_pack lays the document out
 * again from a pruned copy of its tree, here, instead of reusing its
 * flow.  Only the back end's reading changes: nothing is judged here.
 */
#include <stdlib.h>
#include <string.h>

#include "pdfint.h"
#include "pdfprofile.h"
#include "profile.h"

struct pdfprofile {
	xmlDocPtr *trees;
	pdf_flow **flows;
	size_t n;
};

/* 1 when x, an element, is one the pack leaves out. */
static int
left_out(xmlNodePtr x, const char *keep)
{
	char *a = xmlread_attr(x, "audience");
	int out = a && !profile_keeps(keep, a);
	free(a);
	return out;
}

/* Takes out of node's children what the pack leaves out: a block
 * whole; a section its heading, its other content moving up to stand
 * where the section stood (content after the audience block's end, and
 * deeper sections, stay). */
static int
prune(xmlNodePtr node, const char *keep)
{
	xmlNodePtr x, next, c, cnext;
	int changed = 0;

	for (x = node->children; x; x = next) {
		next = x->next;
		if (x->type != XML_ELEMENT_NODE)
			continue;
		changed |= prune(x, keep);
		if (!left_out(x, keep))
			continue;
		if (xmlread_is(x, "section"))
			for (c = x->children; c; c = cnext) {
				cnext = c->next;
				if (c->type == XML_ELEMENT_NODE &&
				    xmlread_is(c, "heading"))
					continue;
				xmlUnlinkNode(c);
				xmlAddPrevSibling(x, c);
			}
		xmlUnlinkNode(x);
		xmlFreeNode(x);
		changed = 1;
	}
	return changed;
}

pdfprofile *
pdfprofile_pack(pdf_thread *t, const backend_input *in, xmlNodePtr pk,
    pdf_flow **flows, pdf_flow **docs, size_t ndocs)
{
	char *keep = xmlread_attr(pk, "audience");
	pdfprofile *pp;
	size_t k, i;

	if (!keep)
		return NULL;
	pp = xcalloc(1, sizeof *pp);
	for (k = 0; k < ndocs; k++)
		for (i = 0; i < in->ndocs; i++) {
			xmlDocPtr copy;
			if (flows[i] != docs[k])
				continue;
			copy = xmlCopyDoc(in->docs[i], 1);
			if (!copy || !prune((xmlNodePtr)copy, keep)) {
				xmlFreeDoc(copy);
				break;
			}
			pp->trees = xrealloc(pp->trees, (pp->n + 1) *
			    sizeof *pp->trees);
			pp->flows = xrealloc(pp->flows, (pp->n + 1) *
			    sizeof *pp->flows);
			pp->trees[pp->n] = copy;
			docs[k] = pp->flows[pp->n] = pdfflow_document(t, in, copy);
			pdfpage_paginate(docs[k], t->st);
			pp->n++;
			break;
		}
	free(keep);
	return pp;
}

void
pdfprofile_release(pdfprofile *pp)
{
	size_t i;

	if (!pp)
		return;
	for (i = 0; i < pp->n; i++) {
		pdfflow_free(pp->flows[i]);
		xmlFreeDoc(pp->trees[i]);
	}
	free(pp->flows);
	free(pp->trees);
	free(pp);
}
