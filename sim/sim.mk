# sim/ — the einsim library (every module but cli) and the einsim binary.
LIB_SRCS := $(sort $(filter-out sim/cli/%,$(wildcard sim/*/*.c)))
CLI_SRCS := $(sort $(wildcard sim/cli/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/%.o)
LIB := $(B)/libeinsim.a
BIN := $(B)/bin/einsim

$(B)/%.o: %.c | $(DEPS_STAMP)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
ifeq ($(VARIANT),release)
	$(Q)mkdir -p build/bin && ln -sf ../release/bin/einsim build/bin/einsim
endif

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
