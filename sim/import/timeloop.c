/* timeloop.c — `einsim import timeloop` (import.h). */
#include "import/import.h"

Outcome import_timeloop(const TimeloopImport *r, Diag *d)
{
    diag_error(d, r->files[0], 0, "the Timeloop import is not implemented yet");
    return OUTCOME_INPUT;
}
