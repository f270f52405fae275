/*
 * packs.h — which documents each pack of policyc.yaml holds, judged once
 * at load (so `policyc check` reports a pack naming no document, as
 * `build` does) and kept on the corpus for the XML writer and the PDF.
 */
#ifndef POLICYC_PACKS_H
#define POLICYC_PACKS_H

#include "corpus.h"
#include "diag.h"

/* Resolves every pack of c->project into c->packs (document indexes, in
 * pack order): ids first, in the order given, then every document a
 * types/tags/folders rule matches that is not withdrawn or superseded.
 * Reports config-invalid for a named document that does not exist or is
 * ambiguous, and for a pack id that is not safe as an output name (that
 * pack gets no members and is not written).  Call after corpus_new, and
 * once. */
void packs_resolve(corpus *c, diag_set *ds);

#endif
