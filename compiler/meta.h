/*
 * meta.h — the typed document model: front matter read once into C
 * values (status, review state and its day count, owner, version, tags,
 * audience, amendments, history, related, superseded-by).  meta.c is the
 * only reader of a document's raw front-matter tree; xmlout.c, links.c
 * and the Lua bridge read these fields.
 */
#ifndef POLICYC_META_H
#define POLICYC_META_H

/* status: in front matter (absent: active). */
enum doc_status {
	STATUS_ACTIVE = 0,
	STATUS_DRAFT,
	STATUS_WITHDRAWN,
	STATUS_SUPERSEDED,
	STATUS_OTHER          /* a word outside the list (meta-invalid) */
};

/* Where a document stands against its review date, computed once from
 * review:, the status and today (with review-due-soon's days:). */
enum review_state {
	REVIEW_NONE = 0,      /* no review date */
	REVIEW_OK,            /* due later than the due-soon window */
	REVIEW_DUE_SOON,      /* due within the window (review_days >= 0) */
	REVIEW_OVERDUE,       /* due date has passed (review_days > 0 days late) */
	REVIEW_SKIPPED        /* draft, withdrawn or superseded: not judged */
};

#endif
