# tests/fuzz/fuzz.mk — libFuzzer harnesses (Debian's clang) under ASan + UBSan, built into
# build/fuzz/ with their own copy of the library.
#   make fuzz [FUZZ_S=N] [FUZZ=NAME...]   run each harness N seconds (default 60) on its
#                                         corpus (build/fuzz/corpus/NAME, seeded by
#                                         tests/fuzz/seeds.py); crashes go to
#                                         build/fuzz/artifacts/NAME/, a summary line
#                                         (executions, coverage) per harness to stdout
#   make fuzz-build                       only build the harnesses
# make test runs every harness for FUZZ_SMOKE_S seconds (tests/fuzz/run.sh).
FUZZ_CC ?= clang
FUZZ_S ?= 60
FUZZ_SMOKE_S ?= 10
FUZZ_NAMES := config cascade mapping nmweights engine
FUZZ ?= $(FUZZ_NAMES)
FUZZ_SAN := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all \
  -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -g -O1 $(FUZZ_SAN) -DEINSIM_FUZZ -D_POSIX_C_SOURCE=200809L -Isim -Itests/fuzz -MMD -MP
FB := build/fuzz
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FB)/obj/%.o)
FUZZ_COMMON := $(FB)/obj/tests/fuzz/fuzz_common.o
FUZZ_BINS := $(addprefix $(FB)/fuzz_,$(FUZZ_NAMES))

$(FB)/obj/%.o: %.c | $(DEPS_STAMP)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ-CC $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FB)/libeinsim-fuzz.a: $(FUZZ_LIB_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(FB)/fuzz_%: $(FB)/obj/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) $(FB)/libeinsim-fuzz.a
	@$(if $(Q),echo "  FUZZ-LD $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -lconfig -lm -pthread -ldl

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)bash tests/fuzz/run.sh $(FB) $(FUZZ_S) $(FUZZ)

# make test runs every harness briefly (tests/run-tests.sh, EINSIM_FUZZ_SMOKE_S seconds).
test-run: $(FUZZ_BINS)
test-run: export EINSIM_FUZZ_SMOKE_S := $(FUZZ_SMOKE_S)

-include $(FUZZ_LIB_OBJS:.o=.d) $(FB)/obj/tests/fuzz/*.d
.PRECIOUS: $(FB)/obj/%.o
