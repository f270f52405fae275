/*
 * govern.h — document governance judged in pipeline_check: contacts as
 * typed data (contact-invalid, contact-stale, which documents use each),
 * citations of statutory guidance against the sources registry
 * (citation-unknown, citation-superseded; declared in cites: and found
 * in the text), and the controlled-copy facts of each document (content
 * hash, live URL, build date, valid-until).  The XML writer puts all of
 * it into the trees, so the back ends only draw it.
 */
#ifndef POLICYC_GOVERN_H
#define POLICYC_GOVERN_H

#include <libxml/tree.h>
#include "diag.h"

struct corpus;
typedef struct govern govern;

/* Judges contacts and citations of c (after the link pass, with the cmark
 * trees still there) and keeps what the XML needs.  data_dir holds
 * data/sources.yaml; documents are judged on jobs threads (jobs.c).
 * Never NULL; caller frees with govern_free. */
govern *govern_judge(struct corpus *c, const char *data_dir, int jobs,
    diag_set *ds);
void govern_free(govern *g);

/* <control> and <cites> of document i, after its <meta>. */
void govern_document_xml(xmlNodePtr root, const struct corpus *c, size_t i);
/* <contacts> and <sources> of corpus.xml. */
void govern_corpus_xml(xmlNodePtr root, const struct corpus *c);

/* The form checks, for the unit tests: 1 when s looks like a telephone
 * number (7 to 15 digits; spaces, +, -, (, ), . and "ext" allowed), or
 * like an e-mail address (one @, a dotted domain, no spaces). */
int govern_phone_ok(const char *s);
int govern_email_ok(const char *s);

#endif
