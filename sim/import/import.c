/* import.c — what the importers share (importInt.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "import/importInt.h"

#include <limits.h>
#include <stdlib.h>

#include "util/util.h"

char *import_shipped_path(const char *rel, Diag *d)
{
    char *found = share_find(rel);
    char buf[PATH_MAX];
    char *abs = realpath(found ? found : rel, buf) ? xstrdup(buf) : NULL;
    free(found);
    if (!abs)
        diag_error(d, rel, 0, "cannot find the shipped file (run from einsim's folder, or install "
                   "einsim with make install)");
    return abs;
}
