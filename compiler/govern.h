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
#include "util.h"

struct corpus;
typedef struct govern govern;

/* Governance in three steps.  govern_begin judges the contacts (and
 * finds which documents use each) and loads the sources registry
 * (data_dir holds data/sources.yaml); never NULL.  govern_judge_document
 * judges document i's citations, declared and mentioned in its text, once
 * its links are final (the link pass calls it for each document, from
 * any thread: each document has a list of its own).  govern_finish
 * gathers the lists in document order and gives the diagnostics each
 * document's owner and page; the XML writers below need it done.
 * Caller frees with govern_free, finished or not. */
govern *govern_begin(struct corpus *c, const char *data_dir, diag_set *ds);
void govern_judge_document(govern *g, const struct corpus *c, size_t i,
    diag_set *ds);
void govern_finish(govern *g, struct corpus *c, diag_set *ds);
/* serve's standby (prelink.h): document i's citations as judged, taken
 * out of g (*v is the caller's to free, an array of *n), and given to
 * the build's g for a document linked ahead instead of judging it
 * again (the same sources and the same document's place: the link
 * world is the one they were judged in). */
void govern_take_list(govern *g, size_t i, void **v, size_t *n);
void govern_give_list(govern *g, size_t i, void *v, size_t n);
/* The build cache (incrlinks.c): document i's citations as judged,
 * after govern_finish, as "lc SOURCE EDITION SECTION LINE DECLARED"
 * lines into b (SECTION: the index of the cites: entry whose section
 * it is, or -1); 0, with b's new lines to be dropped by the caller, when
 * one cannot be recorded so.  govern_cite_parse reads one line's fields
 * (after "lc\t") back onto the array *v of *n, for govern_give_list:
 * 0 when they name no source, edition or entry of this world. */
int govern_cites_record(const govern *g, const struct corpus *c, size_t i,
    buf *b);
int govern_cite_parse(const govern *g, const struct corpus *c, size_t i,
    const char *fields, void **v, size_t *n);
void govern_free(govern *g);

/* <control> and <cites> of document i, after its <meta>. */
void govern_document_xml(xmlNodePtr root, const struct corpus *c, size_t i);
/* <contacts> and <sources> of corpus.xml. */
void govern_corpus_xml(xmlNodePtr root, const struct corpus *c);
/* Everything govern_corpus_xml reads beyond corpus.xml's head, through
 * put (util.h): equal digests write equal <contacts> and <sources>. */
void govern_corpus_digest(const struct corpus *c, digest_put_fn put,
    void *ctx);

/* The form checks, for the unit tests: 1 when s looks like a telephone
 * number (7 to 15 digits; spaces, +, -, (, ), . and "ext" allowed), or
 * like an e-mail address (one @, a dotted domain, no spaces). */
int govern_phone_ok(const char *s);
int govern_email_ok(const char *s);

#endif
