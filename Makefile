# einsim — one non-recursive Makefile; every output goes under build/.
#
#   make            build build/bin/einsim (release, -O2)
#   make test       sanitizer build (ASan+UBSan) and the whole test suite
#   make demo       run the main job on the shipped defaults
#   make help       list the targets
#
# V=1 shows full commands. CI=true (set by .ci/run) turns warnings into errors.

.DEFAULT_GOAL := all
SHELL := /bin/bash

CC      ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
Q := $(if $(V),,@)

SAN ?= 0
ifeq ($(SAN),1)
  VARIANT := asan
  SANFLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
    -fno-sanitize-recover=all
  OPT := -O1 -g
else
  VARIANT := release
  SANFLAGS :=
  OPT := -O2 -g
endif
B := build/$(VARIANT)

WERROR := $(if $(filter true 1,$(CI)),-Werror,)
CPPFLAGS := -Isim -D_POSIX_C_SOURCE=200809L -MMD -MP
CFLAGS   := -std=c11 $(OPT) -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers $(WERROR) $(SANFLAGS)
LDLIBS   := -lconfig -lm -pthread
LDFLAGS  := $(SANFLAGS)

# Dependencies: install the Debian packages once when something is missing.
DEPS_STAMP := build/.deps-ok
$(DEPS_STAMP): scripts/install-deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)sh scripts/install-deps.sh
	$(Q)touch $@

include sim/sim.mk
include tests/tests.mk
include sim/cosim/cosim.mk
include sim/cosim/nm.mk
include sim/systemc/systemc.mk
include tests/fuzz/fuzz.mk

.PHONY: all deps demo demo-llm demo-sparse demo-variants test bench clean help paper install
all: $(BIN)

deps: $(DEPS_STAMP)

DEMO_SEQ := 1024,4096,16384,65536,262144,1048576
demo: $(BIN)
	$(Q)$(BIN) compare -p models/flat.cfg:mappings/unfused.cfg -p models/flat.cfg:mappings/flat.cfg \
	    -p models/flat.cfg:mappings/flat-overlap.cfg -p models/fusemax.cfg:mappings/fusemax.cfg \
	    -w workloads/bert.cfg --seq $(DEMO_SEQ) -o build/demo
	$(Q)$(BIN) eval workloads/cascades/attention-1pass.cfg -a models/fusemax.cfg \
	    --rank M=200 --rank P=64 --rank E=64 --rank F=64 --rank M0=64 --seed 1
	$(Q)$(BIN) report build/demo -o build/demo/report --title "einsim demo: unfused vs FLAT vs FuseMax on BERT" >/dev/null
	@echo "report: $(CURDIR)/build/demo/report/report.html"

# make demo-variants: dense vs causal vs sliding-window vs block-sparse vs linear attention
# on the FuseMax architecture, Llama 2 7B shapes, 4K..1M tokens; each pair runs a masked
# cascade on the FuseMax mapping, or linear attention on its own mapping (speedup and
# energy ratio against the first, dense, pair).
VARIANT_SEQ := 4096,16384,65536,262144,1048576
VARIANT_CASCADE := workload.cascade=workloads/cascades/attention
VARIANT_PAIRS := -p models/fusemax.cfg:mappings/fusemax.cfg:mapping.name=dense \
    -p models/fusemax.cfg:mappings/fusemax.cfg:mapping.name=causal,$(VARIANT_CASCADE)-causal.cfg \
    -p models/fusemax.cfg:mappings/fusemax.cfg:mapping.name=window-4096,$(VARIANT_CASCADE)-window.cfg,workload.ranks.W=4096 \
    -p models/fusemax.cfg:mappings/fusemax.cfg:mapping.name=bigbird-256,$(VARIANT_CASCADE)-bigbird.cfg,mapping.partitions.P0=256 \
    -p models/fusemax.cfg:mappings/fusemax-linear.cfg:mapping.name=linear
# Shared K/V heads on Llama 3 8B's shapes (32 query heads): the GQA cascade with G = 1
# (multi-head), G = 4 (Llama 3's 8 K/V heads) and G = 32 (multi-query).
GQA_SEQ := 4096,16384,65536
comma := ,
GQA_PAIR := models/fusemax.cfg:mappings/fusemax.cfg:workload.cascade=workloads/cascades/attention-gqa.cfg
GQA_PAIRS := -p $(GQA_PAIR),mapping.name=mha,workload.ranks.G=1 -p $(GQA_PAIR),mapping.name=gqa-4 \
    -p $(GQA_PAIR),mapping.name=mqa,workload.ranks.G=32
demo-variants: $(BIN)
	$(Q)$(BIN) compare $(VARIANT_PAIRS) -w workloads/llama2-7b.cfg --seq $(VARIANT_SEQ) -o build/demo-variants
	$(Q)$(BIN) compare $(GQA_PAIRS) -w workloads/llama3-8b-gqa.cfg --seq $(GQA_SEQ) -o build/demo-variants/gqa
	$(Q)printf '%-8s %-8s %16s\n' seq heads "K+V DRAM bytes"; \
	for s in $(subst $(comma), ,$(GQA_SEQ)); do for n in mha gqa-4 mqa; do \
	  printf '%-8s %-8s %16s\n' $$s $$n "$$(awk '$$1 == "DRAM" && ($$2 == "K" || $$2 == "V") \
	    { b += $$6 } END { printf "%.0f", b }' build/demo-variants/gqa/llama3-8b-gqa-$$s-$$n/stats.txt)"; \
	done; done
	$(Q)$(BIN) eval workloads/cascades/attention-causal.cfg -a models/fusemax.cfg \
	    --rank M=256 --rank P=256 --rank E=64 --rank F=64 --rank M0=64 --seed 1
	$(Q)$(BIN) report build/demo-variants -o build/demo-variants/report \
	    --title "einsim demo: attention variants on FuseMax (Llama 2 7B shapes)" >/dev/null
	@echo "report: $(CURDIR)/build/demo-variants/report/report.html"

# make demo-llm: one Llama 3 8B decoder layer on FuseMax, prefill of 8K tokens and decode
# at batch 1, 16 and 64 against an 8K KV cache (scripts/demo-llm.sh; runs in build/demo-llm).
demo-llm: $(BIN)
	$(Q)bash scripts/demo-llm.sh $(BIN) build/demo-llm

# make paper: the FuseMax-style comparison, the array-size sweep and end to end with the
# paper's headline table (CSV, plots, HTML) under build/paper/ (scripts/paper.sh).
paper: $(BIN)
	$(Q)bash scripts/paper.sh $(BIN) build/paper

# N:M sparse training: every N:M setting on the three training workloads (SAT model).
SPARSE_WORKLOADS := workloads/resnet50-train.cfg,workloads/vit-b16-train.cfg,workloads/bert-base-train.cfg
demo-sparse: $(BIN)
	$(Q)$(BIN) train-compare -a models/sat.cfg -m mappings/sat.cfg -w $(SPARSE_WORKLOADS) \
	    --nm dense,4:8,2:8,1:8,2:4 -o build/demo-sparse

bench: $(BIN) $(VP_BIN)
	$(Q)bash scripts/bench.sh $(BIN)

# make install PREFIX=DIR: the release binaries in DIR/bin (einsim and the virtual
# platform's einsim-vp and einsim-vp-two), the shipped models, mappings and workloads in
# DIR/share/einsim, einsim(1) and the bash completion, both generated from the program's
# help text (scripts/man.sh, scripts/completion.sh). DESTDIR is prepended.
PREFIX ?= /usr/local
SHARE_DIRS := models mappings workloads
INSTALL_BINS := einsim einsim-vp einsim-vp-two
install:
	$(Q)$(MAKE) --no-print-directory SAN=0 $(INSTALL_BINS:%=build/release/bin/%)
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/einsim \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	$(Q)install -m 755 $(INSTALL_BINS:%=build/release/bin/%) $(DESTDIR)$(PREFIX)/bin/
	$(Q)tar -cf - $(SHARE_DIRS) | tar -xf - -C $(DESTDIR)$(PREFIX)/share/einsim
	$(Q)bash scripts/man.sh build/release/bin/einsim >$(DESTDIR)$(PREFIX)/share/man/man1/einsim.1
	$(Q)bash scripts/completion.sh build/release/bin/einsim \
	    >$(DESTDIR)$(PREFIX)/share/bash-completion/completions/einsim
	@echo "installed $(INSTALL_BINS:%=$(DESTDIR)$(PREFIX)/bin/%) and $(DESTDIR)$(PREFIX)/share/einsim"

clean:
	rm -rf build

help:
	@echo "make            build build/bin/einsim"
	@echo "make demo       unfused vs FLAT vs FuseMax on BERT, 1K..1M tokens (runs in build/demo,"
	@echo "                plots + HTML in build/demo/report),"
	@echo "                then the 1-pass cascade on random data against softmax(QK^T)V"
	@echo "make demo-variants  dense vs causal vs sliding-window vs block-sparse attention on"
	@echo "                FuseMax, Llama 2 7B shapes, 4K..1M tokens (build/demo-variants)"
	@echo "make demo-llm   one Llama 3 8B layer on FuseMax: prefill 8K tokens, decode at batch"
	@echo "                1/16/64 with an 8K KV cache; DRAM bytes by weights/KV cache/activations"
	@echo "make demo-sparse  N:M sparse training: speedup and energy ratio over dense for"
	@echo "                dense, 4:8, 2:8, 1:8, 2:4 on ResNet-50, ViT-B/16, BERT-base (SAT model)"
	@echo "make test       sanitizer build + unit, CLI, bad-input and golden tests"
	@echo "make paper      FuseMax-style comparison (4 models x 6 lengths x 6 mappings), the"
	@echo "                array-size sweep, end to end (+ linear layers) and the paper's"
	@echo "                headline table: CSV + plots + HTML under build/paper"
	@echo "make bench      wall time and peak memory of the benchmark runs"
	@echo "make install PREFIX=DIR  einsim, einsim-vp, einsim-vp-two, shipped models/mappings/"
	@echo "                workloads (share/einsim),"
	@echo "                man page and bash completion"
	@echo "make fuzz [FUZZ_S=N] [FUZZ=NAME...]  run the libFuzzer harnesses of tests/fuzz"
	@echo "                (config cascade mapping nmweights engine) N seconds each (default 60)"
	@echo "make cosim      RTL vs C model co-simulation cases (tests/cosim; part of make test)"
	@echo "make cosim-large  the same plus attention at seq 64K (hours)"
	@echo "make cosim-lib [ARCH=fusemax-8x8] [RTL_VARIANT=fault] [RTL_LIST=FILE | RTL_TOP=TOP"
	@echo "                RTL_SRCS=\"FILES\"]  build one Verilated bridge (ARCH: NAME of"
	@echo "                models/NAME.cfg, or that path; the core: a source list such as"
	@echo "                rtl/gemm/sources.f, or its top and files; default rtl/einsim_top.v)"
	@echo "make lint-rtl   verilator -Wall and iverilog lint of rtl/ and rtl/gemm/"
	@echo "make waves [CASE=NAME]  RTL FST + C model VCD (both in ns), .gtkw views and opcode"
	@echo "                filters of tests/cosim/NAME.case in build/waves/NAME (default: the"
	@echo "                GEMM and attention cases of make test)"
	@echo "make golden-update  regenerate tests/golden expected outputs (review the diff!)"
	@echo "make cosim-nm   N:M sparse array RTL co-simulated against the C model (tests/cosim/nm/)"
	@echo "make lint-rtl-nm  verilator -Wall and iverilog lint of rtl/nm/"
	@echo "make vp         the SystemC virtual platform: build/release/bin/einsim-vp, einsim-vp-two"
	@echo "make vp-demo    attention and GEMM on the virtual platform (LT, AT, two devices on one"
	@echo "                memory, the RTL core): values, cycles, DMA, interrupt latency"
	@echo "make clean      remove build/"
	@echo "V=1 shows commands; CI=true adds -Werror; SAN=1 builds with ASan+UBSan"
