/*
 * servehttp.h — the HTTP side of `policyc serve`: OUT/html over
 * libmicrohttpd, with a reload script, server-sent events and a
 * diagnostics banner added to pages as they are served (never written to
 * OUT, so OUT stays what `policyc build` makes), and a document's PDF
 * laid out on request from OUT/xml.
 */
#ifndef POLICYC_SERVEHTTP_H
#define POLICYC_SERVEHTTP_H

#include "diag.h"

typedef struct serve_site serve_site;

/* A site serving out/html; nothing listens yet. */
serve_site *servehttp_new(const char *out);
/* Listens on bind:port (port 0: any free port).  Returns the port, or
 * -1 (errno set) when it cannot. */
int servehttp_listen(serve_site *s, const char *bind, int port);
/* What a build (a child of serve's, serve.c) told the server. */
typedef struct {
	char **ids, **paths;      /* its documents */
	size_t ndocs;
	char *today;              /* the date it judged by */
	char *project_dir;        /* the project folder, as it resolved it */
} serve_build;

/* After each build: keeps the documents' ids and paths and the
 * diagnostics (for the banners), and tells every open page to reload.
 * b may be NULL (the project could not be read). */
void servehttp_update(serve_site *s, const serve_build *b, diag_set *ds);
/* Around a build: no PDF is laid out while OUT is being replaced.  At
 * the end, good is the build when it published OUT (PDFs on request are
 * then laid out from its OUT/xml, each once), else NULL (the last good
 * build's stay). */
void servehttp_hold(serve_site *s);
void servehttp_release(serve_site *s, const serve_build *good);
/* Ends every event stream, stops listening (joining the server's
 * threads), frees. */
void servehttp_free(serve_site *s);

/* The functions above are the module policyc-serve.so's (module.h),
 * reached through its table; servemodule.c loads it and calls. */
typedef struct {
	const char *build_id;
	serve_site *(*site_new)(const char *out);
	int (*listen)(serve_site *s, const char *bind, int port);
	void (*update)(serve_site *s, const serve_build *b, diag_set *ds);
	void (*hold)(serve_site *s);
	void (*release)(serve_site *s, const serve_build *good);
	void (*free)(serve_site *s);
} serve_http;

extern const serve_http policyc_serve_http;

#endif
