/* fuzz_common.c — the work directory and input file of the harnesses (fuzz.h). */
#define _GNU_SOURCE
#include "fuzz.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char input_path[PATH_MAX];

static void must(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz: %s: %s\n", what, strerror(errno));
        abort();
    }
}

static void link_to(const char *repo, const char *work, const char *rel)
{
    char from[PATH_MAX * 2], to[PATH_MAX * 2];
    snprintf(from, sizeof from, "%s/%s", repo, rel);
    snprintf(to, sizeof to, "%s/%s", work, rel);
    if (symlink(from, to) != 0 && errno != EEXIST)
        must(0, to);
}

const char *fuzz_write_input(const uint8_t *data, size_t size)
{
    if (!input_path[0]) {
        char repo[PATH_MAX], work[PATH_MAX], sub[PATH_MAX + 16];
        must(getcwd(repo, sizeof repo) != NULL, "getcwd");
        const char *w = getenv("EINSIM_FUZZ_WORK");
        if (w && *w)
            snprintf(work, sizeof work, "%s", w);
        else
            snprintf(work, sizeof work, "%s/build/fuzz/work-%ld", repo, (long)getpid());
        mkdir(work, 0777);
        snprintf(sub, sizeof sub, "%s/models", work);
        must(mkdir(sub, 0777) == 0 || errno == EEXIST, sub);
        link_to(repo, work, "models/energy");
        link_to(repo, work, "workloads");
        link_to(repo, work, "mappings");
        snprintf(input_path, sizeof input_path, "%s/models/in.cfg", work);
    }
    FILE *f = fopen(input_path, "wb");
    must(f != NULL, input_path);
    must(fwrite(data, 1, size, f) == size && fclose(f) == 0, input_path);
    return input_path;
}

FILE *fuzz_null(void)
{
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    must(null != NULL, "/dev/null");
    return null;
}
