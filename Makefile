# policyc — build, test, publish the bundled sample.
#
#   make site     install what is missing, build, publish content/ into out/
#   make test     install what is missing, build, run every test
#   make asan     the whole suite again under ASan+UBSan
#   make bench    time policyc against cmark-gfm / pandoc / weasyprint
#   make deb      a Debian package of policyc: build/policyc_*.deb
#
# BUILD=dir puts objects and the binary elsewhere (default build/).

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
DATADIR  = $(PREFIX)/share/policyc
SRCDIR  := $(abspath .)

# policyc itself links CORE_PKGS; the PDF back end (compiler/pdf/),
# serve's HTTP server (compiler/servehttp.c), what reads git
# (compiler/git/) and import's zip reader (compiler/importzip.c) are
# modules of their own, policyc-pdf.so, policyc-serve.so,
# policyc-git.so and policyc-zip.so, loaded only when needed
# (compiler/module.c says why).  The unit tests and fuzzers link
# everything into one program.
CORE_PKGS = libcmark-gfm libxml-2.0 libxslt lua5.4 yaml-0.1 icu-uc nettle
PDF_PKGS  = cairo pangocairo pangoft2 librsvg-2.0 libqrencode libqpdf fontconfig freetype2 zlib
SERVE_PKGS = libmicrohttpd
GIT_PKGS  = libgit2
ZIP_PKGS  = libzip
PKGS     = $(CORE_PKGS) $(PDF_PKGS) $(SERVE_PKGS) $(GIT_PKGS) $(ZIP_PKGS)
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Wno-unused-parameter
OPT     ?= -O2 -g
CFLAGS  ?=
CPPFLAGS_ALL = -D_GNU_SOURCE -Icompiler $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
           -DPOLICYC_DATADIR='"$(SRCDIR)"'
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lpthread -lm
CORE_LIBS = $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null) -lcmark-gfm-extensions -lpthread -lm
PDF_LIBS  = $(shell pkg-config --libs $(PDF_PKGS) 2>/dev/null) -lpthread -lm
SERVE_LIBS = $(shell pkg-config --libs $(SERVE_PKGS) 2>/dev/null) -lpthread
GIT_LIBS  = $(shell pkg-config --libs $(GIT_PKGS) 2>/dev/null)
ZIP_LIBS  = $(shell pkg-config --libs $(ZIP_PKGS) 2>/dev/null)
SANITIZE ?=

CORE = $(filter-out compiler/main.c,$(sort $(wildcard compiler/*.c)))
PDF  = $(sort $(wildcard compiler/pdf/*.c))
GIT  = $(sort $(wildcard compiler/git/*.c))
MAIN = compiler/main.c

# CORE_OBJS: everything but main.c, what the unit tests and fuzzers link
SERVE     = compiler/servehttp.c
ZIP       = compiler/importzip.c
BIN_OBJS  = $(filter-out $(SERVE:%.c=$(BUILD)/%.o) $(ZIP:%.c=$(BUILD)/%.o),$(CORE:%.c=$(BUILD)/%.o))
PDF_OBJS  = $(PDF:%.c=$(BUILD)/%.o)
SERVE_OBJS = $(SERVE:%.c=$(BUILD)/%.o)
GIT_OBJS  = $(GIT:%.c=$(BUILD)/%.o)
ZIP_OBJS  = $(ZIP:%.c=$(BUILD)/%.o)
MODULES   = $(BUILD)/policyc-pdf.so $(BUILD)/policyc-serve.so $(BUILD)/policyc-git.so \
            $(BUILD)/policyc-zip.so
CORE_OBJS = $(BIN_OBJS) $(PDF_OBJS) $(SERVE_OBJS) $(GIT_OBJS) $(ZIP_OBJS)
MAIN_OBJ  = $(MAIN:%.c=$(BUILD)/%.o)
UNIT_SRCS = $(sort $(wildcard tests/unit/*.c))
UNIT_OBJS = $(UNIT_SRCS:%.c=$(BUILD)/%.o)

all: $(BUILD)/policyc policyc

policyc: $(BUILD)/policyc
	@[ "$(BUILD)" = build ] && ln -sf build/policyc policyc || true

# -rdynamic: the modules call the core's functions (diagnostics, the
# build cache, the job pool) in the binary that loaded them
$(BUILD)/policyc: $(BIN_OBJS) $(MAIN_OBJ) | $(MODULES)
	$(CC) $(OPT) $(SANITIZE) -rdynamic -o $@ $(BIN_OBJS) $(MAIN_OBJ) $(CORE_LIBS)

$(BUILD)/policyc-pdf.so: $(PDF_OBJS)
	$(CC) $(OPT) $(SANITIZE) -shared -o $@ $^ $(PDF_LIBS)

$(BUILD)/policyc-serve.so: $(SERVE_OBJS)
	$(CC) $(OPT) $(SANITIZE) -shared -o $@ $^ $(SERVE_LIBS)

$(BUILD)/policyc-git.so: $(GIT_OBJS)
	$(CC) $(OPT) $(SANITIZE) -shared -o $@ $^ $(GIT_LIBS)

$(BUILD)/policyc-zip.so: $(ZIP_OBJS)
	$(CC) $(OPT) $(SANITIZE) -shared -o $@ $^ $(ZIP_LIBS)

# the modules' objects are position-independent (the unit tests'
# program links them as well); their tables and the loader name the
# build id
$(PDF_OBJS) $(SERVE_OBJS) $(GIT_OBJS) $(ZIP_OBJS): CFLAGS += -fPIC
MODULE_ID_OBJS = $(BUILD)/compiler/pdf/pdf.o $(SERVE_OBJS) \
           $(BUILD)/compiler/git/history.o $(ZIP_OBJS) $(BUILD)/compiler/module.o
$(MODULE_ID_OBJS): CFLAGS += -I$(BUILD)
$(MODULE_ID_OBJS): $(BUILD)/buildid.h
# a binary copied elsewhere finds its modules where it was built
$(BUILD)/compiler/module.o: CFLAGS += -DPOLICYC_MODULEDIR='"$(abspath $(BUILD))"'

$(BUILD)/unit-tests: $(CORE_OBJS) $(UNIT_OBJS)
	$(CC) $(OPT) $(SANITIZE) -o $@ $^ $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(SANITIZE) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(CORE_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJS:.o=.d)

# The build id the build cache names (compiler/incremental.c): a hash of
# the sources, the flags and the libraries' versions, so a build need not
# read its own 8 MB binary to tell one policyc from another.  Rewritten
# only when it changes: a make with nothing to do relinks nothing.
$(BUILD)/buildid.h: $(CORE) $(PDF) $(GIT) $(MAIN) $(wildcard compiler/*.h compiler/pdf/*.h compiler/git/*.h) compiler/rules.def Makefile
	@mkdir -p $(dir $@)
	@{ cat $(sort $^); echo '$(OPT) $(SANITIZE) $(CFLAGS) $(CPPFLAGS_ALL)'; \
	  pkg-config --modversion $(PKGS) 2>/dev/null; } | sha256sum | \
	  sed 's/^\([0-9a-f]\{32\}\).*/#define POLICYC_BUILD_ID "\1"/' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/compiler/incremental.o: $(BUILD)/buildid.h
$(BUILD)/compiler/incremental.o: CFLAGS += -I$(BUILD)

deps:
	@scripts/setup-deps build

deps-test:
	@scripts/setup-deps test

deps-bench:
	@scripts/setup-deps bench

site: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/policyc build content -o out

# The worked example of editions (examples/regional/README.md): the core and
# its two local editions, built in one run into out/regional/<edition>/.
examples: all
	$(BUILD)/policyc build examples/regional/core --edition all -o out/regional --stats

test: deps-test
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests
	POLICYC=$(SRCDIR)/$(BUILD)/policyc UNIT=$(SRCDIR)/$(BUILD)/unit-tests \
	  prove --timer -f tests/*.t

# The whole suite again with every build bounded (pipeline.c: each
# stage makes a document's tree again and drops it): what the tests
# expect of a build holding every tree must hold of it too.
test-bounded: deps-test
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests
	POLICYC_BOUNDED=1 POLICYC=$(SRCDIR)/$(BUILD)/policyc UNIT=$(SRCDIR)/$(BUILD)/unit-tests \
	  prove -f tests/*.t

asan: deps-test
	@$(MAKE) --no-print-directory BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer' \
	  SANITIZE='-fsanitize=address,undefined -fno-sanitize-recover=undefined' \
	  build-asan/policyc build-asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(SRCDIR)/tests/fixtures/pdf/lsan.supp:print_suppressions=0 \
	  POLICYC=$(SRCDIR)/build-asan/policyc UNIT=$(SRCDIR)/build-asan/unit-tests \
	  POLICYC_SANITIZED=1 prove -f tests/*.t

# The tests that run threads side by side (editions, folders, the filter
# jail's workers, parallel parsing, serve's server threads, the unit
# tests' threads) under ThreadSanitizer: a data race in policyc's code
# fails them.  Pango, fontconfig and GLib lock with
# futexes TSan cannot see: tests/fixtures/tsan.supp.  GLib's slice
# allocator hands memory one thread freed to another through its own
# magazines, which TSan cannot see either: a PangoItem or attribute the
# PDF back end reads or writes then looked like a race with the thread
# that had the memory before (G_SLICE=always-malloc: plain malloc, which
# TSan follows).
TSAN_TESTS = tests/bounded.t tests/editions.t tests/filters-workers.t tests/history.t tests/parallel-parse.t tests/pdf-packs.t tests/rebuild-threads.t tests/serve.t tests/serve-ahead.t tests/serve-storm.t tests/unit.t

tsan: deps-test
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT='-O1 -g' \
	  SANITIZE='-fsanitize=thread' build-tsan/policyc build-tsan/unit-tests
	TSAN_OPTIONS=suppressions=$(SRCDIR)/tests/fixtures/tsan.supp:report_signal_unsafe=0 \
	  G_SLICE=always-malloc \
	  POLICYC=$(SRCDIR)/build-tsan/policyc UNIT=$(SRCDIR)/build-tsan/unit-tests \
	  POLICYC_SANITIZED=1 prove -f $(TSAN_TESTS)

valgrind: deps-test
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests
	POLICYC_FREE_AT_EXIT=1 \
	  POLICYC_WRAP='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite' \
	  POLICYC=$(SRCDIR)/$(BUILD)/policyc UNIT=$(SRCDIR)/$(BUILD)/unit-tests \
	  prove -f tests/*.t

regen: all
	POLICYC=$(SRCDIR)/$(BUILD)/policyc tests/golden/regen

# PNGs of every site page kind at 320, 375 and 1280 px, and of the pack
# pages (cover, contents, a page with a split table, the glossary), in
# out/screenshots/ (git-ignored)
screenshots: all
	@# out/ is the site's folder (as make site makes it), so a later make
	@# site replaces it instead of refusing a folder policyc did not make
	./$(BUILD)/policyc build content -o out --outputs xml,html >/dev/null 2>&1 || true
	POLICYC=$(SRCDIR)/$(BUILD)/policyc scripts/screenshots-site content out/screenshots
	@if [ -x scripts/screenshots-pdf ]; then \
	  POLICYC=$(SRCDIR)/$(BUILD)/policyc scripts/screenshots-pdf content out/screenshots; fi
.PHONY: screenshots

bench: deps-bench
	@$(MAKE) --no-print-directory all
	POLICYC=$(SRCDIR)/$(BUILD)/policyc bench/run
	POLICYC=$(SRCDIR)/$(BUILD)/policyc bench/history-bench

# issue 12 alone: incremental rebuilds and serve's save-to-reload
bench-incremental: deps-bench
	@$(MAKE) --no-print-directory all
	POLICYC=$(SRCDIR)/$(BUILD)/policyc bench/incremental-bench

# peak RSS against corpus size (issue 12): minutes, not in make test;
# SIZES="1000 10000 50000" adds the large case
bench-scale: all
	POLICYC=$(SRCDIR)/$(BUILD)/policyc bench/scale-bench $(SIZES)

# libFuzzer targets (clang): FUZZ_SECONDS per target, see tests/fuzz/README.md
fuzz:
	@scripts/setup-deps fuzz
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk fuzz-run

MANDIR   = $(PREFIX)/share/man/man1

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)
	install -m 755 $(BUILD)/policyc $(DESTDIR)$(PREFIX)/bin/policyc
	install -d $(DESTDIR)$(PREFIX)/lib/policyc
	install -m 644 $(MODULES) $(DESTDIR)$(PREFIX)/lib/policyc/
	cp -R templates filters data $(DESTDIR)$(DATADIR)/
	@# the man page comes from docs/policyc.1 when the tree has it
	if [ -f docs/policyc.1 ]; then \
	  install -d $(DESTDIR)$(MANDIR) && \
	  install -m 644 docs/policyc.1 $(DESTDIR)$(MANDIR)/policyc.1; \
	fi

# the pkg-config packages the objects need (for tests that link them)
print-pkgs:
	@echo $(PKGS)

# a Debian package of policyc and its data files: BUILD/policyc_*.deb
deb: all
	scripts/make-deb $(BUILD)

clean:
	rm -rf build build-asan build-fuzz policyc tests/out

.PHONY: print-pkgs all deps deps-test deps-bench site test test-bounded asan tsan valgrind regen bench bench-incremental bench-scale fuzz install deb clean
.PHONY: examples
