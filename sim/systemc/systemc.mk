# sim/systemc/systemc.mk — the SystemC TLM-2.0 virtual platform (C++17 against Debian's
# SystemC 2.3.4, whose library exports the C++17 API only). Its C side (sim/systemc/*.c:
# register map, driver, jobs, the timing source, the RTL core) is part of libeinsim.a;
# the SystemC modules are compiled here:
#   $(B)/bin/einsim-vp                 the platform (sc_main in vp_main.cpp)
#   $(B)/bin/einsim-vp-two             the example platform: two devices, one memory
#   $(B)/tests/systemc/test_vp_sc      its tests (tests/systemc/, run by make test)
# The RTL core dlopen()s the cosim bridge of its architecture
# (build/cosim/ARCH/normal/libeinsim_cosim.so, sim/cosim/cosim.mk).
VP_SRCS := sim/systemc/einsim_accel.cpp sim/systemc/vp_platform.cpp
VP_OBJS := $(VP_SRCS:%.cpp=$(B)/%.o)
VP_BIN := $(B)/bin/einsim-vp
VP_TWO := $(B)/bin/einsim-vp-two
VP_TEST := $(B)/tests/systemc/test_vp_sc
VP_CXXFLAGS := -std=c++17 $(OPT) -Wall -Wextra -Wno-missing-field-initializers $(WERROR) $(SANFLAGS)
VP_LDLIBS := -lsystemc $(LDLIBS)

$(B)/sim/systemc/%.o: sim/systemc/%.cpp | $(DEPS_STAMP)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CPPFLAGS) $(VP_CXXFLAGS) -c $< -o $@

$(B)/tests/systemc/%.o: tests/systemc/%.cpp | $(DEPS_STAMP)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CPPFLAGS) -Itests/unit $(VP_CXXFLAGS) -c $< -o $@

$(VP_BIN): $(B)/sim/systemc/vp_main.o $(VP_OBJS) $(LIB)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $^ $(VP_LDLIBS)
ifeq ($(VARIANT),release)
	$(Q)mkdir -p build/bin && ln -sf ../release/bin/einsim-vp build/bin/einsim-vp
endif

$(VP_TWO): $(B)/sim/systemc/vp_example_two.o $(VP_OBJS) $(LIB)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $^ $(VP_LDLIBS)

$(VP_TEST): $(B)/tests/systemc/test_vp_sc.o $(VP_OBJS) $(LIB)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $^ $(VP_LDLIBS)

-include $(VP_OBJS:.o=.d) $(B)/sim/systemc/vp_main.d $(B)/sim/systemc/vp_example_two.d \
  $(B)/tests/systemc/test_vp_sc.d

# make test builds the platform and its tests (tests/run-tests.sh runs them).
test-run: $(VP_BIN) $(VP_TWO) $(VP_TEST)

.PHONY: vp vp-demo
vp: $(VP_BIN) $(VP_TWO)

# make vp-demo: FuseMax attention and a GEMM on the virtual platform (C core, LT), the
# same attention approximately timed (and on a DRAM with 50 ns latency with 4 DMA
# transfers in flight per channel), the example platform with two devices on one
# narrow memory (LT and AT), and the attention on the Verilated RTL core (4x4).
VP_ATTN4 := -a models/fusemax-4x4.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg \
  --set workload.batch=1 --set workload.heads=1 --set mapping.partitions.M0=4 \
  --set workload.seq=64 --set workload.ranks.E=8 --set workload.ranks.F=8
VP_GEMM8 := -a models/fusemax-8x8.cfg -w workloads/gemm.cfg -m mappings/gemm-os.cfg \
  --set workload.ranks.K=64 --set workload.ranks.M=64 --set workload.ranks.N=64
vp-demo: $(VP_BIN) $(VP_TWO) build/cosim/fusemax-4x4/normal/libeinsim_cosim.so
	$(Q)export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1; \
	$(VP_BIN) $(VP_ATTN4) && echo && \
	$(VP_BIN) $(VP_GEMM8) && echo && \
	$(VP_BIN) $(VP_ATTN4) --mode at && echo && \
	$(VP_BIN) $(VP_ATTN4) --mode at --dram-latency-ns 50 --outstanding 4 && echo && \
	$(VP_TWO) --dram-gibps 4 && echo && \
	$(VP_TWO) --dram-gibps 4 --mode at && echo && \
	$(VP_BIN) $(VP_ATTN4) --core rtl --waves build/vp-demo/waves
