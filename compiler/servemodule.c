/*
 * servemodule.c — the core's side of serve's HTTP server (servehttp.h),
 * which is the module policyc-serve.so (module.c says why and where it
 * is looked for): libmicrohttpd and GnuTLS are loaded by `policyc serve`
 * alone.  A server that cannot be loaded fails as one that cannot
 * listen does: servehttp_new says why and returns NULL.  Programs that link the
 * server in (the unit tests) find its table without loading anything.
 */
#include <stddef.h>
#include <stdio.h>

#include "module.h"
#include "servehttp.h"

/* present when the server is linked into this program */
extern const serve_http policyc_serve_http __attribute__((weak));

static const serve_http *
http_err(char *err, size_t errsize)
{
	return module_table("policyc-serve.so", "policyc_serve_http",
	    &policyc_serve_http, err, errsize);
}

static const serve_http *
http(void)
{
	char err[1500];

	return http_err(err, sizeof err);
}

serve_site *
servehttp_new(const char *out)
{
	char err[1500];
	const serve_http *h = http_err(err, sizeof err);

	if (!h)
		fprintf(stderr, "policyc serve: cannot load the HTTP server: "
		    "%s\n", err);
	return h ? h->site_new(out) : NULL;
}

/* Past servehttp_new, the module is loaded: a site exists only then. */
int
servehttp_listen(serve_site *s, const char *bind, int port)
{
	return http()->listen(s, bind, port);
}

void
servehttp_update(serve_site *s, const serve_build *b, diag_set *ds)
{
	http()->update(s, b, ds);
}

void
servehttp_hold(serve_site *s)
{
	http()->hold(s);
}

void
servehttp_release(serve_site *s, const serve_build *good)
{
	http()->release(s, good);
}

void
servehttp_free(serve_site *s)
{
	if (s)
		http()->free(s);
}
