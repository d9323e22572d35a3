/* share.c — where an installed einsim finds its shipped files: `make install PREFIX=P`
 * puts the binary in P/bin and the models, mappings and workloads in P/share/einsim, so
 * a relative input path that does not exist from the working directory is looked up
 * there (models/fusemax.cfg works from any folder). */
#include "util/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/version.h"

char *share_find(const char *path)
{
    if (!path || !*path || path[0] == '/' || access(path, F_OK) == 0)
        return NULL;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *bin = path_dirname(exe), *prefix = path_dirname(bin);
    char *share = path_join(prefix, "share/einsim"), *cand = path_join(share, path);
    free(bin);
    free(prefix);
    free(share);
    if (access(cand, F_OK) == 0)
        return cand;
    free(cand);
    return NULL;
}

const char *einsim_version(void) { return EINSIM_VERSION; }
