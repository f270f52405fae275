/*
 * reviewcal.h — review reminders where people work: OUT/html/review.ics
 * (an iCalendar feed, RFC 5545) and OUT/html/review.csv (by owner, for a
 * mail merge; RFC 4180) beside the review dashboard, made by the HTML
 * back end from corpus.xml.
 */
#ifndef POLICYC_REVIEWCAL_H
#define POLICYC_REVIEWCAL_H

#include "backend.h"

/* The iCalendar text of the documents in corpus with a review date
 * (drafts, withdrawn and superseded ones left out).  Caller frees. */
char *reviewcal_ics(xmlDocPtr cx);
/* The same documents as CSV, sorted by owner then date.  Caller frees. */
char *reviewcal_csv(xmlDocPtr cx);
/* Writes both, made from corpus.xml's whole tree (backend_corpus, asked
 * only when one is made), into OUT/html/, or carries each over from the
 * previous OUT when the corpus pages' key is the one it was made under
 * (incremental.h).  0 on success; -1 after reporting html-write. */
int reviewcal_write(const backend_input *in);

#endif
