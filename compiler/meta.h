/*
 * meta.h — the typed document model: front matter read once into C
 * values (status, review state and its day count, owner, version, tags,
 * audience, amendments, history, related, superseded-by).  meta.c is the
 * only reader of a document's raw front-matter tree; xmlout.c, links.c
 * and the Lua bridge read these fields.
 *
 * Ownership: every string and array here belongs to its document and is
 * freed by document_free (meta_free_fields).
 */
#ifndef POLICYC_META_H
#define POLICYC_META_H

#include <stddef.h>

/* status: in front matter (absent: active). */
enum doc_status {
	STATUS_ACTIVE = 0,
	STATUS_DRAFT,
	STATUS_WITHDRAWN,
	STATUS_SUPERSEDED,
	STATUS_OTHER          /* a word outside the list (meta-invalid);
	                         d->status still reads "active" and the
	                         document is treated as active */
};

/* Where a document stands against its review date, computed once from
 * review:, the status and today (with review-due-soon's days:). */
enum review_state {
	REVIEW_NONE = 0,      /* no review date */
	REVIEW_OK,            /* due later than the due-soon window */
	REVIEW_DUE_SOON,      /* due within the window (review_days >= 0) */
	REVIEW_OVERDUE,       /* due date has passed (review_days > 0 days late) */
	REVIEW_SKIPPED        /* draft, withdrawn or superseded: not judged;
	                         review_days is the signed days left (negative
	                         when the date has passed) */
};

/* One amendments: entry (newest first, as written).  Entries that are not
 * maps are reported (meta-invalid) and left out. */
typedef struct {
	char *date;           /* normalised YYYY-MM-DD; NULL when absent or
	                         not a real date (meta-invalid) */
	char *summary;        /* NULL when absent */
	int line, col;
	int generated;        /* proposed from the release history (history.c) */
} meta_amendment;

/* One history: entry (the document control table). */
typedef struct {
	char *version, *date, *by, *note;   /* NULL when absent or empty;
	                                       date normalised as above */
	int line, col;
} meta_history;

/* One related: entry: a document name, or an external URL. */
typedef struct {
	char *name;           /* id, last segment or title as written; NULL
	                         for a {url:} entry */
	char *url;            /* url: (or href:); NULL for a name */
	char *title;          /* title:, else note:; may be NULL */
	char *note;           /* may be NULL */
	int line, col;        /* of the entry */
} meta_related;

/* One redirect_from: (Jekyll) or aliases: (Hugo) entry: an old site path
 * that should lead to this document.  The link pass (links.c) judges it:
 * key is the path relative to the site root without a trailing '/' or
 * ".html" ("old/name"), set only when it is safe as an output path and
 * no other page uses it; links to it resolve to the document, and
 * publish.c writes a redirect page for it. */
typedef struct {
	char *path;           /* as written */
	char *key;            /* judged (links.c); NULL when refused */
	int html;             /* written as "x.html": published as KEY.html,
	                         else KEY/index.html */
	int line, col;
} meta_alias;

/* One cites: entry: statutory guidance the document relies on, judged
 * against the sources registry by sources.c (citation-unknown,
 * citation-superseded). */
typedef struct {
	char *source;         /* registry id: "working-together" */
	char *edition;        /* "2018"; NULL when not given */
	char *section;        /* "Chapter 2"; may be NULL */
	int line, col;
} meta_cite;

/* A front-matter key this version does not model (kept for the XML's
 * <field> elements and the Lua bridge): borrowed from the raw tree. */
struct yval;
typedef struct {
	const char *key;
	const struct yval *value;
} meta_extra;

struct document;
struct project;
struct corpus;
struct diag_set;

/* Reads d->meta (may be NULL) into the typed fields of d: title, type,
 * status and status_kind, owner, version, approved, approved-by, review,
 * superseded-by, tags, audience, amendments, history, related, the id:
 * override and the extra keys; reports meta-invalid, meta-unknown and the
 * draft:/published: note.  Called by document_load before the body is
 * parsed; d->path and d->relpath are set. */
void meta_read(const struct project *p, struct document *d,
    struct diag_set *ds);
/* The id: override as written (borrowed), or NULL when absent or empty;
 * document_load judges whether it is safe. */
const char *meta_id(const struct document *d);
/* meta-required for d (after the title fallback). */
void meta_check_required(const struct project *p, struct document *d,
    struct diag_set *ds);
/* Computes review_state and review_days of every document with c->today
 * and rules: review-due-soon: {days: N} (default 60).  Call once c->today
 * is set, before filters and the XML writer. */
void meta_judge(struct corpus *c, struct diag_set *ds);
/* "none", "ok", "due-soon", "overdue" or "skipped" (for XML and Lua). */
const char *meta_review_state_name(enum review_state s);
/* "draft", "active", "withdrawn", "superseded" ("active" for OTHER). */
const char *meta_status_name(enum doc_status s);
/* The status a word names, as the XML carries it ("superseded"): the one
 * reading of a status word for back ends that read the XML; NULL or ""
 * is active, a word outside the list STATUS_OTHER. */
enum doc_status meta_status_parse(const char *word);
/* Frees the typed fields meta_read set (not title/type/status). */
void meta_free_fields(struct document *d);
/* Reads cites: (a list of {source, edition, section} maps; a bare string
 * is a source without an edition).  Called by meta_read. */
void meta_read_cites(struct document *d, struct diag_set *ds);

/* The window review-due-soon uses when rules: says nothing. */
#define META_DUE_SOON_DAYS 60

#endif
