/*
 * servehttp.h — the HTTP side of `policyc serve`: OUT/html over
 * libmicrohttpd, with a reload script, server-sent events and a
 * diagnostics banner added to pages as they are served (never written to
 * OUT, so OUT stays what `policyc build` makes).
 */
#ifndef POLICYC_SERVEHTTP_H
#define POLICYC_SERVEHTTP_H

#include "diag.h"
#include "pipeline.h"

typedef struct serve_site serve_site;

/* A site serving out/html; nothing listens yet. */
serve_site *servehttp_new(const char *out);
/* Listens on bind:port (port 0: any free port).  Returns the port, or
 * -1 (errno set) when it cannot. */
int servehttp_listen(serve_site *s, const char *bind, int port);
/* After each build: keeps the documents' ids and paths and the
 * diagnostics (for the banners), and tells every open page to reload.
 * pl may be NULL (the project could not be read). */
void servehttp_update(serve_site *s, pipeline *pl, diag_set *ds);
/* After a good build: keeps its pipeline and diagnostics (taken over,
 * freed by the next call or servehttp_free) so /pdf/<id>.pdf can lay
 * out a document's PDF on request, into a private folder, never OUT. */
void servehttp_keep(serve_site *s, pipeline *pl, diag_set *ds);
/* Lends the kept build to the next one (pipeline_options.donor, which
 * may take its trees): no PDF is made until servehttp_give_back. */
pipeline *servehttp_lend(serve_site *s);
void servehttp_give_back(serve_site *s);
/* Ends every event stream, stops listening (joining the server's
 * threads), frees. */
void servehttp_free(serve_site *s);

#endif
