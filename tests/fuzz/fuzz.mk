# tests/fuzz/fuzz.mk — builds and runs the libFuzzer targets of tests/fuzz/
# (see README.md there).  The top Makefile's `make fuzz` runs
#   make -f tests/fuzz/fuzz.mk fuzz-run      (FUZZ_SECONDS per target)
# and tests/fuzz.t runs `fuzz-build`.  It reuses the top Makefile's object
# list and compile rule with clang, coverage instrumentation and
# ASan+UBSan, into build-fuzz/.
override BUILD    := build-fuzz
override CC       := clang
override OPT      := -O1 -g -fno-omit-frame-pointer
override SANITIZE := -fsanitize=fuzzer-no-link,address,undefined \
                     -fno-sanitize-recover=undefined
# filters run in-process here (filters.c), where libFuzzer sees them
override CFLAGS   += -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
include Makefile

FUZZERS      = frontmatter document filter xml pdfannot
FUZZ_BINS    = $(FUZZERS:%=$(BUILD)/fuzz_%)
FUZZ_LINK    = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 60
# a filter that loops spends its whole instruction budget on every call
FUZZ_FLAGS   ?= -timeout=30 -rss_limit_mb=2048 -print_final_stats=1

.DEFAULT_GOAL := fuzz-build

$(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/fuzz_common.o $(CORE_OBJS)
	$(CC) $(OPT) $(FUZZ_LINK) -o $@ $^ $(LIBS)

-include $(wildcard $(BUILD)/tests/fuzz/*.d)

fuzz-build: $(FUZZ_BINS)

# New inputs go to build-fuzz/corpus/NAME; the seeds in tests/fuzz/corpus
# are read, never written.  Crashes land in build-fuzz/ as crash-*.
fuzz-run: fuzz-build
	@for f in $(FUZZERS); do \
	  mkdir -p $(BUILD)/corpus/$$f || exit 1; \
	  dict=; [ -f tests/fuzz/$$f.dict ] && dict=-dict=tests/fuzz/$$f.dict; \
	  echo "fuzz_$$f: $(FUZZ_SECONDS) s"; \
	  ./$(BUILD)/fuzz_$$f $(FUZZ_FLAGS) $$dict -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=$(BUILD)/ $(BUILD)/corpus/$$f tests/fuzz/corpus/$$f \
	    || exit 1; \
	done

.PHONY: fuzz-build fuzz-run
.SECONDARY:
