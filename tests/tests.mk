# tests/ — unit test binaries (one per tests/unit/test_*.c) and the suite runner.
# tests/unit/: one program per module; tests/reference/: checks against published numbers.
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c) $(wildcard tests/reference/test_*.c))
UNIT_BINS := $(addprefix $(B)/tests/,$(notdir $(UNIT_SRCS:.c=)))

$(B)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB) | $(DEPS_STAMP)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  TEST-CC $<")
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(B)/tests/%: tests/reference/%.c tests/unit/check.h $(LIB) | $(DEPS_STAMP)
	$(Q)mkdir -p $(@D)
	@$(if $(Q),echo "  TEST-CC $<")
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

-include $(UNIT_BINS:=.d)

.PHONY: test test-run golden-update
# The suite always runs on the sanitizer build (ASan + UBSan).
test:
	$(Q)$(MAKE) --no-print-directory SAN=1 test-run

test-run: $(BIN) $(UNIT_BINS)
	$(Q)bash tests/run-tests.sh $(B)

golden-update: $(BIN)
	$(Q)bash tests/run-tests.sh --update-golden $(B)
