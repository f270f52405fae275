/*
 * serve.c — `policyc serve [DIR] [--port N] [--bind ADDR]`: the preview
 * loop of Hugo's and MkDocs' `serve`.  It builds the project as `policyc
 * build --outputs xml,html` does (the same pipeline, the same publisher,
 * the build cache of incremental.c, so a rebuild after one save makes
 * only the pages the save reaches), serves OUT/html (servehttp.c),
 * watches the project (watch.c) and, a short quiet moment after a save,
 * rebuilds and tells every open page to reload.  Each rebuild's
 * diagnostics go to the terminal and to the banners of the pages they
 * concern.  Each build runs in a child forked by the builder (below),
 * which sends the server what it needs (wire.h) and exits: the server holds no build between
 * saves, so it has no trees to free and only a small heap for the next
 * fork to copy (a build's filters fork too, and a large parent paid a
 * copy-on-write fault for every page it wrote afterwards), and a crash
 * in a build does not end the server.  A document's PDF is laid out when
 * /pdf/<id>.pdf is asked for (servehttp.c), from the last good build's
 * OUT/xml.  Ctrl-C (or SIGTERM) is read from a signalfd in the main
 * loop, never acted on in the middle of a build (the child inherits the
 * signals blocked, or, in the moments publish.c unblocks them, only
 * sets a flag), so OUT is always a complete build; the server's threads
 * are joined before exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "date.h"
#include "diagfmt.h"
#include "fsio.h"
#include "hugepages.h"
#include "incremental.h"
#include "pipeline.h"
#include "publish.h"
#include "serve.h"
#include "servehttp.h"
#include "standby.h"
#include "util.h"
#include "watch.h"
#include "wire.h"

/* Quiet time after the last event before a rebuild: an editor's save is
 * several events (write a temporary file, rename, chmod) within a
 * millisecond or two, and a "save all" is many, a few milliseconds
 * apart.  Every millisecond of it is on the way to the reload; a burst
 * longer than this (a large git checkout) is built twice, the second
 * build taking what the first missed. */
#define DEBOUNCE_MS 30

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
	pid_t builder;      /* the builder process (builder_start), and */
	int builder_sock;   /* its end of the socket to it */
	serve_site *site;
} serve_opts;

/* CPU seconds of this process (a build's are the builder's to count). */
static double
cpu_seconds(void)
{
	struct rusage self;

	if (getrusage(RUSAGE_SELF, &self))
		return 0;
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
	    (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
}

/* In the child: one build into OUT, as `policyc build --outputs
 * xml,html` makes it (the build cache makes only what the save reaches);
 * its diagnostics printed to the terminal, then sent up fd with what the
 * server needs: 'B' and the exit code, pages made and carried over, the
 * date, the project folder and each document's id and path; an 'R' a
 * diagnostic (wire.h); 'E'.  Leaves with _exit: the process ends, and
 * with it every tree, all at once. */
/* A build's options, the standby's link ahead's too. */
static void
build_options(const serve_opts *o, pipeline_options *po)
{
	memset(po, 0, sizeof *po);
	po->dir = o->dir;
	po->today = o->today;
	po->drafts = o->drafts;
	po->jobs = o->jobs;
	po->timings = o->timings;
	po->cache_out = o->out;   /* the filters' share of the cache */
}

static void
build_child(serve_opts *o, int fd, standby *ready)
{
	pipeline_options po;
	publish_options pub;
	diag_set *ds = diag_new();
	pipeline *pl;
	const corpus *c;
	const project *p;
	incr_stats st;
	size_t i, n;
	int rc;
	buf b;

	build_options(o, &po);
	po.standby = ready;      /* documents parsed before the save */
	memset(&pub, 0, sizeof pub);
	pub.out = o->out;
	pub.outputs = OUTPUT_XML | OUTPUT_HTML;
	pub.keep_old = 1;        /* the standby removes it, after the save */
	pl = pipeline_open(&po, ds);
	if (pipeline_check(pl) != PIPELINE_OK)
		rc = EXIT_USAGE;
	else
		rc = publish_run(pl, &pub, ds);
	diag_print(ds, stderr, FMT_TEXT, pipeline_doc_paths(pl),
	    pipeline_ndocs(pl));
	st = incr_last_stats();
	c = rc == EXIT_USAGE ? NULL : pipeline_corpus(pl);
	p = pipeline_project(pl);
	n = c ? c->ndocs : 0;
	buf_init(&b);
	buf_putc(&b, 'B');
	wire_put_u32(&b, (uint32_t)rc);
	wire_put_u32(&b, (uint32_t)st.made);
	wire_put_u32(&b, (uint32_t)st.reused);
	wire_put_str(&b, c ? c->today : "");
	wire_put_str(&b, p ? p->dir : o->dir);
	wire_put_u32(&b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		wire_put_str(&b, c->docs[i]->id);
		wire_put_str(&b, c->docs[i]->path);
	}
	for (i = 0; i < diag_count(ds); i++)
		wire_put_report(&b, diag_at(ds, i));
	buf_putc(&b, 'E');
	_exit(wire_write_all(fd, b.data, b.len) == 0 ? rc : 3);
}

/* ---- the builder ----
 *
 * Builds are forked from a process of their own, itself forked before
 * the server starts any thread: a fork copies only the thread that made
 * it, so a build forked from the server could inherit a lock one of
 * libmicrohttpd's threads held at that moment, and ThreadSanitizer
 * cannot follow a multi-threaded fork at all.  The builder stays single
 * threaded and small: for each message from the server (a byte, and the
 * write end of the pipe the report goes up) it forks one build, waits
 * for it, and answers with how it ended and the CPU it used. */

typedef struct {
	int status;         /* waitpid's */
	double cpu;         /* seconds, the build's and its filters' */
} build_end;

/* Sends fd with the byte cmd over sock (SCM_RIGHTS).  0, or -1. */
static int
send_fd(int sock, char cmd, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &cmd, 1 };
	struct msghdr m;
	struct cmsghdr *cm;
	ssize_t k;

	memset(&m, 0, sizeof m);
	memset(ctl, 0, sizeof ctl);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = sizeof ctl;
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	do
		k = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (k < 0 && errno == EINTR);
	return k == 1 ? 0 : -1;
}

/* Waits for a message of send_fd on sock: the descriptor it carries
 * (close-on-exec), or -1 when sock closed (or the message had none). */
static int
recv_fd(int sock)
{
	char cmd, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &cmd, 1 };
	struct msghdr m;
	struct cmsghdr *cm;
	int fd = -1;
	ssize_t k;

	memset(&m, 0, sizeof m);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = sizeof ctl;
	do
		k = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (k < 0 && errno == EINTR);
	if (k <= 0)
		return -1;
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	return fd;
}

/* ---- the standby ----
 *
 * The builder keeps the next build ready: a child forked as the last
 * build ended, which removes that build's previous OUT (left for it:
 * publish keep_old), reads policyc.yaml, parses every document and
 * links them (standby.h, prelink.h) while the editor types, then waits.
 * A build is asked of it by sending it the report's descriptor; its
 * load stage takes the parses whose files are unchanged and parses the
 * rest, and its link pass keeps their links when nothing they link to
 * changed, so the save's rebuild parses and links what the save
 * changed.  It waits STANDBY_PAUSE_MS
 * first, or until it is asked: the moment a build ends, open pages
 * reload, and the parse would compete with the server for the cores.
 * A standby that has died (it held no output) is replaced by a plain
 * build child. */

#define STANDBY_PAUSE_MS 250

typedef struct {
	pid_t pid;          /* 0: none */
	int sock;           /* the builder's end */
} standby_proc;

static void
standby_main(serve_opts *o, int sock)
{
	struct pollfd pfd = { sock, POLLIN, 0 };
	pipeline_options po;
	standby *ready = NULL;
	int fd;

#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	while (poll(&pfd, 1, STANDBY_PAUSE_MS) < 0 && errno == EINTR)
		;
	/* the last build's previous OUT (publish keep_old), off the
	 * save's path */
	fsio_sweep_stale(o->out);
	if (!(pfd.revents & (POLLHUP | POLLERR))) {
		memset(&po, 0, sizeof po);
		po.dir = o->dir;
		po.jobs = o->jobs;
		ready = standby_make(&po);
		/* and linked, as the build would link them (prelink.h),
		 * unless a build is asked for already: it links them then */
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) == 0) {
			build_options(o, &po);
			standby_link_ahead(ready, &po);
		}
	}
	if ((fd = recv_fd(sock)) < 0)
		_exit(0);           /* the builder has gone */
	close(sock);
#ifdef __linux__
	/* a build, from here: it finishes what it began (its swap is not
	 * to be cut), as a build forked on demand would */
	(void)prctl(PR_SET_PDEATHSIG, 0);
#endif
	build_child(o, fd, ready);
}

/* Forks the standby (bsock, the builder's socket to the server, is not
 * its to hold).  None when it cannot be had: builds are forked then. */
static void
standby_start(serve_opts *o, int bsock, standby_proc *sp)
{
	int sv[2];
	pid_t pid;

	sp->pid = 0;
	sp->sock = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return;
	if ((pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		close(bsock);
		standby_main(o, sv[1]);
	}
	close(sv[1]);
	sp->pid = pid;
	sp->sock = sv[0];
}

/* CPU seconds a running child has used so far (its parse ahead). */
static double
child_cpu_now(pid_t pid)
{
	clockid_t id;
	struct timespec t;

	if (clock_getcpuclockid(pid, &id) != 0 || clock_gettime(id, &t) != 0)
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
builder_main(serve_opts *o, int sock)
{
	standby_proc sp;

#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	standby_start(o, sock, &sp);
	for (;;) {
		struct rusage ru;
		build_end end;
		double ahead = 0;
		int fd = recv_fd(sock);
		pid_t pid = -1;

		if (fd < 0) {           /* the server has gone */
			if (sp.pid > 0) {
				kill(sp.pid, SIGKILL);
				while (waitpid(sp.pid, NULL, 0) < 0 &&
				    errno == EINTR)
					;
			}
			_exit(0);
		}
		memset(&end, 0, sizeof end);
		if (sp.pid > 0) {
			ahead = child_cpu_now(sp.pid);
			if (send_fd(sp.sock, 'b', fd) == 0)
				pid = sp.pid;
			else {          /* it died: a build of its own */
				kill(sp.pid, SIGKILL);
				while (waitpid(sp.pid, NULL, 0) < 0 &&
				    errno == EINTR)
					;
				ahead = 0;
			}
			close(sp.sock);
			sp.pid = 0;
			sp.sock = -1;
		}
		if (pid < 0 && (pid = fork()) == 0) {
			close(sock);
			build_child(o, fd, NULL);
		}
		close(fd);
		if (pid < 0)
			end.status = 127 << 8;
		else {
			while (wait4(pid, &end.status, 0, &ru) < 0 &&
			    errno == EINTR)
				;
			end.cpu = (double)(ru.ru_utime.tv_sec +
			    ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec +
			    ru.ru_stime.tv_usec) / 1e6 - ahead;
			if (end.cpu < 0)
				end.cpu = 0;
		}
		if (send(sock, &end, sizeof end, MSG_NOSIGNAL) !=
		    (ssize_t)sizeof end)
			_exit(0);
		standby_start(o, sock, &sp);
	}
}

/* Starts the builder.  Before any thread.  0, or -1 (errno set). */
static int
builder_start(serve_opts *o)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		builder_main(o, sv[1]);
	}
	close(sv[1]);
	o->builder = pid;
	o->builder_sock = sv[0];
	return 0;
}

/* Ends the builder (it leaves when its socket closes). */
static void
builder_stop(serve_opts *o)
{
	if (o->builder <= 0)
		return;
	close(o->builder_sock);
	while (waitpid(o->builder, NULL, 0) < 0 && errno == EINTR)
		;
	o->builder = 0;
}

/* Asks the builder for a build reporting up fd.  0, or -1 (errno set). */
static int
builder_ask(serve_opts *o, int fd)
{
	return send_fd(o->builder_sock, 'b', fd);
}

/* How the build the builder was asked for ended; -1 when the builder
 * has gone. */
static int
builder_wait(serve_opts *o, build_end *end)
{
	ssize_t k;

	do
		k = recv(o->builder_sock, end, sizeof *end, 0);
	while (k < 0 && errno == EINTR);
	return k == (ssize_t)sizeof *end ? 0 : -1;
}

/* A string of the child's message, copied; NULL when it is not there. */
static char *
get_copy(const char **q, const char *end)
{
	const char *s;
	uint32_t n;

	return wire_get_str(q, end, &s, &n) == 0 ? xstrndup(s, n) : NULL;
}

/* Reads what build_child sent (all of it) into *b, its diagnostics into
 * ds, its exit code into *rc and its counts into made and reused.
 * 0 when the message is whole, -1 when it is not. */
static int
read_report(const char *p, const char *end, serve_build *b, diag_set *ds,
    uint32_t *rc, uint32_t *made, uint32_t *reused)
{
	const char *q = p;
	uint32_t n, i;

	if (q == end || *q++ != 'B' || wire_get_u32(&q, end, rc) ||
	    wire_get_u32(&q, end, made) || wire_get_u32(&q, end, reused) ||
	    !(b->today = get_copy(&q, end)) ||
	    !(b->project_dir = get_copy(&q, end)) ||
	    wire_get_u32(&q, end, &n) || n > (size_t)(end - q) / 8)
		return -1;
	b->ids = xcalloc((size_t)n + 1, sizeof *b->ids);
	b->paths = xcalloc((size_t)n + 1, sizeof *b->paths);
	for (i = 0; i < n; i++, b->ndocs++)
		if (!(b->ids[i] = get_copy(&q, end)) ||
		    !(b->paths[i] = get_copy(&q, end))) {
			free(b->ids[i]);
			return -1;
		}
	while (q < end && *q == 'R')
		if (wire_get_report(&q, end, ds) != 1)
			return -1;
	return q + 1 == end && *q == 'E' ? 0 : -1;
}

static void
build_free(serve_build *b)
{
	size_t i;

	for (i = 0; i < b->ndocs; i++) {
		free(b->ids[i]);
		free(b->paths[i]);
	}
	free(b->ids);
	free(b->paths);
	free(b->today);
	free(b->project_dir);
}

/* One build into OUT, in a child of the builder: this process only
 * serves, so it holds no build between saves (no trees to free, no heap
 * a fork must copy), and a build that crashes leaves the server and the
 * last good OUT as they were.  Prints the child's account and hands its
 * diagnostics to the site.  EXIT_USAGE when the project cannot be read,
 * OUT may not be replaced or the child did not finish. */
static int
build_once(serve_opts *o, const char *why)
{
	diag_set *ds = diag_new();
	double t0 = date_monotonic(), c0 = cpu_seconds();
	serve_build b;
	uint32_t rc = EXIT_USAGE, made = 0, reused = 0;
	int fds[2], st = 0, whole = -1, asked;
	build_end end;
	buf in;

	memset(&b, 0, sizeof b);
	buf_init(&in);
	if (o->site)
		servehttp_hold(o->site);   /* no PDF from a half-replaced OUT */
	if (pipe2(fds, O_CLOEXEC) != 0) {
		fds[0] = fds[1] = -1;
		asked = -1;
	} else
		asked = builder_ask(o, fds[1]);
	if (asked != 0) {
		if (fds[0] >= 0)
			fprintf(stderr, "policyc serve: %s: cannot start a build: "
			    "the builder process has gone (%s); start policyc "
			    "serve again\n", why, strerror(errno));
		else
			fprintf(stderr, "policyc serve: %s: cannot start a build: "
			    "%s\n", why, strerror(errno));
		if (fds[0] >= 0) {
			close(fds[0]);
			close(fds[1]);
		}
		if (o->site)
			servehttp_release(o->site, NULL);
		diag_free(ds);
		return EXIT_USAGE;
	}
	close(fds[1]);
	for (;;) {
		char chunk[65536];
		ssize_t k = read(fds[0], chunk, sizeof chunk);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		buf_putn(&in, chunk, (size_t)k);
	}
	close(fds[0]);
	if (builder_wait(o, &end) != 0) {
		/* it is not started again: a fork of this threaded process
		 * is what the builder is there to avoid */
		fprintf(stderr, "policyc serve: %s: the builder process has "
		    "gone; start policyc serve again\n", why);
		end.status = 127 << 8;
		end.cpu = 0;
	}
	st = end.status;
	if (WIFEXITED(st))
		whole = read_report(in.data, in.data + in.len, &b, ds, &rc,
		    &made, &reused);
	buf_free(&in);
	if (whole != 0 || (int)rc != WEXITSTATUS(st)) {
		if (WIFSIGNALED(st))
			fprintf(stderr, "policyc serve: %s: the build was ended "
			    "by signal %d (%s)", why, WTERMSIG(st),
			    strsignal(WTERMSIG(st)));
		else
			fprintf(stderr, "policyc serve: %s: the build ended "
			    "without its report (exit %d)", why,
			    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		fprintf(stderr, "%s\n", o->built ?
		    "; still serving the last good one" : "");
		if (o->site)
			servehttp_release(o->site, NULL);
		build_free(&b);
		diag_free(ds);
		return EXIT_USAGE;
	}
	if (o->site)
		servehttp_release(o->site, rc == EXIT_OK ? &b : NULL);
	if (rc == EXIT_OK) {
		o->built = 1;
		fprintf(stderr, "policyc serve: %s: built in %.0f ms, %.0f ms CPU "
		    "(%u pages made, %u carried over)\n", why,
		    (date_monotonic() - t0) * 1e3,
		    (cpu_seconds() - c0 + end.cpu) * 1e3, made, reused);
	} else
		fprintf(stderr, "policyc serve: %s: the build failed%s\n", why,
		    o->built ? "; still serving the last good one" : "");
	if (o->site)
		servehttp_update(o->site, rc == EXIT_USAGE ? NULL : &b, ds);
	build_free(&b);
	diag_free(ds);
	return (int)rc;
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
	/* malloc's heap on huge pages: the builds, forks of this
	 * process, inherit it (hugepages.c) */
	hugepages_setup();
	sigfd = stop_signals(&set);
	/* before any thread: builds are forked from it (see the builder) */
	if (builder_start(&o) != 0) {
		fprintf(stderr, "policyc serve: cannot start the builder: %s\n",
		    strerror(errno));
		close(sigfd);
		free(default_out);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	xmlInitParser();
	/* NULL only when its module cannot be loaded (said why) */
	if (!(o.site = servehttp_new(o.out))) {
		rc = EXIT_USAGE;
		goto out;
	}
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
	builder_stop(&o);
	/* the last build's previous OUT, left for a standby (keep_old) */
	fsio_sweep_stale(o.out);
	close(sigfd);
	free(default_out);
	xmlCleanupParser();
	return rc;
}
