# tests/ — unit test binaries (one per tests/unit/test_*.c) and the suite runner.
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

$(B)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB) | $(DEPS_STAMP)
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
