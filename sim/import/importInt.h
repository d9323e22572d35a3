/* importInt.h — helpers the importers share (import.c). */
#ifndef EINSIM_IMPORT_INT_H
#define EINSIM_IMPORT_INT_H

#include "util/diag.h"

/* The absolute path of a shipped input (`models/energy/45nm.cfg`): from the working
 * directory, else from the installed share folder (share_find). NULL with an error in d
 * when neither has it. Owned by the caller. */
char *import_shipped_path(const char *rel, Diag *d);

#endif
