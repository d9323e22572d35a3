/* sets.h — "key=value" overrides for a test, as `--set` gives them to the loaders. */
#ifndef EINSIM_TEST_SETS_H
#define EINSIM_TEST_SETS_H

#include <stdio.h>
#include <string.h>

#include "config/config.h"

#define TEST_MAX_SETS 16

typedef struct {
    Override ov[TEST_MAX_SETS];
    char key[TEST_MAX_SETS][96];
} TestSets;

/* The overrides of the NULL-terminated "key=value" list `sets` (NULL: none), in order,
 * at most TEST_MAX_SETS; the keys live in *t. */
static inline Overrides test_sets(TestSets *t, const char *const *sets)
{
    int n = 0;
    for (; sets && sets[n] && n < TEST_MAX_SETS; n++) {
        const char *eq = strchr(sets[n], '=');
        snprintf(t->key[n], sizeof t->key[n], "%.*s", (int)(eq - sets[n]), sets[n]);
        t->ov[n] = (Override){ t->key[n], eq + 1, n + 1 };
    }
    return (Overrides){ t->ov, n };
}

#endif
