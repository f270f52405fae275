/*
 * serve.c — `policyc serve [DIR] [--port N] [--bind ADDR]`: the preview
 * loop of Hugo's and MkDocs' `serve`.  It builds the project as `policyc
 * build --outputs xml,html` does (the same pipeline, the same publisher,
 * the build cache of incremental.c, so a rebuild after one save makes
 * only the pages the save reaches), serves OUT/html (servehttp.c),
 * watches the project (watch.c) and, a short quiet moment after a save,
 * rebuilds and tells every open page to reload.  Each rebuild's
 * diagnostics go to the terminal and to the banners of the pages they
 * concern.  A document's PDF is laid out when /pdf/<id>.pdf is asked
 * for (servehttp.c), from the last good build, which is kept for that
 * and lends the next build its unchanged trees.  Ctrl-C
 * (or SIGTERM) is read from a signalfd in the main loop (or, in the
 * moments publish.c unblocks it, sets a flag), never acted on in the
 * middle of a build, so OUT is always a complete build; the server's
 * threads are joined before exit.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "date.h"
#include "diagfmt.h"
#include "fsio.h"
#include "incremental.h"
#include "pipeline.h"
#include "publish.h"
#include "serve.h"
#include "servehttp.h"
#include "util.h"
#include "watch.h"

/* Quiet time after the last event before a rebuild: an editor's save is
 * several events (write a temporary file, rename, chmod), and a "save
 * all" is many. */
#define DEBOUNCE_MS 60

static const char help_serve[] =
"usage: policyc serve [DIR] [--port N] [--bind ADDR] [-o OUT] [--today DATE]\n"
"                     [-j N] [--timings]\n"
"\n"
"Builds the project in DIR (default: .) into OUT (XML and HTML), serves\n"
"OUT/html at http://127.0.0.1:8000/ and watches the project: a saved\n"
"document, glossary, policyc.yaml, filter or template rebuilds what it\n"
"reaches, and open pages reload.  Diagnostics are printed here and shown\n"
"as a banner on the page they concern.  /pdf/ID.pdf lays out a document's\n"
"PDF when asked for (never into OUT).\n"
"Ctrl-C stops it; OUT is left as the last complete build.\n"
"\n"
"      --port N         the port (default 8000; 0: any free port)\n"
"      --bind ADDR      the address to listen on (default 127.0.0.1;\n"
"                       anything else lets other machines read the site)\n"
"  -o, --output OUT     where to build (default: DIR/out)\n"
"      --today DATE     the date review rules use (YYYY-MM-DD)\n"
"  -j, --jobs N         threads (default: the number of cores)\n"
"      --drafts         show drafts too (else left out, as in build)\n"
"      --timings        print each rebuild's stage times and memory\n"
"\n"
"Examples:\n"
"  policyc serve                      # ./policyc.yaml, http://127.0.0.1:8000/\n"
"  policyc serve content --port 0     # any free port (printed)\n";

typedef struct {
	const char *dir, *out, *today, *bind;
	int port, jobs;
	int drafts;               /* --drafts: preview drafts too */
	int timings;              /* --timings: each build's stages */
	int built;          /* a build has published OUT */
	serve_site *site;
	char *const *argv;  /* main's: the first build of a large project
	                       may restart with huge pages (hugepages.c) */
} serve_opts;

/* CPU seconds of this process and its reaped children (the filters'):
 * on a shared machine the wall time measures the neighbours too. */
static double
cpu_seconds(void)
{
	struct rusage self, kids;

	if (getrusage(RUSAGE_SELF, &self) || getrusage(RUSAGE_CHILDREN, &kids))
		return 0;
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
	    kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) +
	    (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
	    kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
}

/* One build into OUT; prints its diagnostics and hands them to the
 * site.  EXIT_USAGE when the project cannot be read or OUT may not be
 * replaced. */
static int
build_once(serve_opts *o, const char *why)
{
	pipeline_options po;
	publish_options pub;
	diag_set *ds = diag_new();
	pipeline *pl;
	double t0 = date_monotonic(), c0 = cpu_seconds();
	int rc;
	incr_stats st;

	memset(&po, 0, sizeof po);
	po.dir = o->dir;
	po.today = o->today;
	po.drafts = o->drafts;
	po.jobs = o->jobs;
	po.timings = o->timings;
	po.cache_out = o->out;   /* the filters' share of the cache */
	po.restart_argv = o->argv;
	po.defer_tree_drop = 1;
	memset(&pub, 0, sizeof pub);
	pub.out = o->out;
	pub.outputs = OUTPUT_XML | OUTPUT_HTML;
	pub.keep_trees = 1;
	/* the last good build lends its trees (and makes no PDF meanwhile) */
	po.donor = o->site ? servehttp_lend(o->site) : NULL;
	pl = pipeline_open(&po, ds);
	if (pipeline_check(pl) != PIPELINE_OK)
		rc = EXIT_USAGE;
	else
		rc = publish_run(pl, &pub, ds);
	if (o->site)
		servehttp_give_back(o->site);
	diag_print(ds, stderr, FMT_TEXT, pipeline_doc_paths(pl),
	    pipeline_ndocs(pl));
	st = incr_last_stats();
	if (rc == EXIT_OK) {
		o->built = 1;
		size_t taken, read_back;
		incr_model_counts(&taken, &read_back);
		fprintf(stderr, "policyc serve: %s: built in %.0f ms, %.0f ms CPU "
		    "(%zu pages made, %zu carried over; %zu trees kept, %zu read "
		    "back)\n", why, (date_monotonic() - t0) * 1e3,
		    (cpu_seconds() - c0) * 1e3, st.made, st.reused, taken,
		    read_back);
	} else
		fprintf(stderr, "policyc serve: %s: the build failed%s\n", why,
		    o->built ? "; still serving the last good one" : "");
	if (o->site)
		servehttp_update(o->site, rc == EXIT_USAGE ? NULL : pl, ds);
	/* the browser has been told: now the cmark trees (the XML trees
	 * stay, for PDFs on request and the next build) */
	pipeline_drop_trees(pl);
	if (o->site && rc == EXIT_OK)
		servehttp_keep(o->site, pl, ds);   /* for PDFs on request */
	else {
		pipeline_free(pl);
		diag_free(ds);
	}
	return rc;
}

static int
serve_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "policyc serve: ");
	fprintf(stderr, fmt, arg);
	fputs("\n(policyc serve --help explains)\n", stderr);
	return EXIT_USAGE;
}

/* serve's options, read by the one table (options.c). */
static int
parse(const options *op, serve_opts *o)
{
	if (op->help) {
		fputs(help_serve, stdout);
		return EXIT_OK;
	}
	if (op->noperands > 1)
		return serve_usage("one project folder at a time; got '%s' too",
		    op->operands[1]);
	o->port = op->port;
	o->bind = op->bind;
	o->out = op->pub.out;
	o->today = op->po.today;
	o->jobs = op->po.jobs;
	o->drafts = op->po.drafts;
	o->timings = op->po.timings;
	o->argv = op->po.restart_argv;
	o->dir = op->noperands ? op->operands[0] : ".";
	return -1;
}

/* Set by a SIGINT or SIGTERM that arrives while publish.c has them
 * unblocked (it blocks them around its swap, then unblocks them). */
static volatile sig_atomic_t stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Ctrl-C and SIGTERM: blocked, and read from a signalfd in the loop; a
 * handler that only sets a flag covers the moments a build unblocks
 * them.  A signal the caller ignores (nohup) stays ignored. */
static int
stop_signals(sigset_t *set)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction sa, old;
	size_t i;

	sigemptyset(set);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		sigaddset(set, sigs[i]);
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, set, NULL);
	return signalfd(-1, set, SFD_CLOEXEC);
}

/* The loop: signals and saves, until Ctrl-C or SIGTERM. */
static void
loop(serve_opts *o, int sigfd, watch *w, const sigset_t *set)
{
	struct pollfd fds[2];
	int pending = 0;
	char last[512] = "";

	fds[0].fd = sigfd;
	fds[0].events = POLLIN;
	fds[1].fd = watch_fd(w);
	fds[1].events = POLLIN;
	for (;;) {
		int n;
		if (stop_requested)
			return;
		n = poll(fds, 2, pending ? DEBOUNCE_MS : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (fds[0].revents & POLLIN))
			return;
		if (n > 0 && (fds[1].revents & POLLIN)) {
			if (watch_read(w, last, sizeof last))
				pending = 1;
			continue;
		}
		if (pending) {
			char *why = xasprintf("%s changed", last[0] ? last :
			    "the project");
			pending = 0;
			build_once(o, why);
			sigprocmask(SIG_BLOCK, set, NULL);   /* publish unblocked them */
			free(why);
			last[0] = '\0';
		}
	}
}

int
serve_run(const options *op)
{
	serve_opts o;
	sigset_t set;
	int rc, sigfd, port;
	char *default_out = NULL;
	watch *w;

	memset(&o, 0, sizeof o);
	if ((rc = parse(op, &o)) >= 0)
		return rc;
	if (!o.out)
		o.out = default_out = path_join(o.dir, "out");
	/* Ctrl-C and SIGTERM are read in the loop, never mid-build; every
	 * thread made from here on (the server's, the build's) inherits
	 * the mask.  A client gone mid-response is not a reason to die. */
	sigfd = stop_signals(&set);
	signal(SIGPIPE, SIG_IGN);
	xmlInitParser();
	o.site = servehttp_new(o.out);
	rc = build_once(&o, "first build");
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (rc == EXIT_USAGE || stop_requested)
		goto out;
	port = servehttp_listen(o.site, o.bind, o.port);
	if (port < 0) {
		fprintf(stderr, "policyc serve: cannot listen on %s port %d: %s\n",
		    o.bind, o.port, strerror(errno));
		rc = EXIT_USAGE;
		goto out;
	}
	if (!(w = watch_new(o.dir, o.out))) {
		fprintf(stderr, "policyc serve: cannot watch %s: %s\n", o.dir,
		    strerror(errno));
		rc = EXIT_USAGE;
		goto out;
	}
	fprintf(stderr, "policyc serve: http://%s%s%s:%d/ (Ctrl-C stops)\n",
	    strchr(o.bind, ':') ? "[" : "", o.bind,
	    strchr(o.bind, ':') ? "]" : "", port);
	if (strcmp(o.bind, "127.0.0.1") && strcmp(o.bind, "::1"))
		fprintf(stderr, "policyc serve: note: listening on %s: other "
		    "machines can read this site\n", o.bind);
	loop(&o, sigfd, w, &set);
	fprintf(stderr, "policyc serve: stopped\n");
	watch_free(w);
	rc = EXIT_OK;
out:
	servehttp_free(o.site);
	close(sigfd);
	free(default_out);
	xmlCleanupParser();
	return rc;
}
