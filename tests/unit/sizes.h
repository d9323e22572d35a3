/* sizes.h — rank sizes written as text for the unit tests: "E=8 F=8 M=37 M0=8". */
#ifndef EINSIM_TEST_SIZES_H
#define EINSIM_TEST_SIZES_H

#include <stdio.h>

#include "config/spec.h"

/* Parses "NAME=SIZE ..." into sz[] (at most `max`), the names copied into names[];
 * returns how many were read. */
static inline int parse_sizes(const char *text, RankSize *sz, char names[][8], int max)
{
    int n = 0;
    for (const char *q = text; *q && n < max;) {
        int len = 0;
        unsigned long long v = 0;
        if (sscanf(q, " %7[A-Z0-9]=%llu%n", names[n], &v, &len) != 2)
            break;
        sz[n] = (RankSize){ names[n], v, { 0 } };
        n++;
        q += len;
    }
    return n;
}

#endif
