/* output.c — output files and directories (output.h). */
#include "util/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

struct OutDir {
    char *path;
    char *what;
    int lock_fd;
    Buf files;          /* names written, one per line */
};

/* True for "NAME.tmp.DIGITS": a temporary of write_file_atomic. */
static bool is_temporary(const char *name)
{
    const char *t = strstr(name, ".tmp.");
    while (t && t[5] && strspn(t + 5, "0123456789") != strlen(t + 5))
        t = strstr(t + 1, ".tmp.");
    return t && t != name && t[5];
}

void remove_files(const char *dir, bool temporaries_only)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (temporaries_only && !is_temporary(e->d_name)))
            continue;
        char *p = path_join(dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
            unlink(p);
        free(p);
    }
    closedir(dp);
}

OutDir *outdir_open(const char *path, const char *what, Diag *d)
{
    struct stat st;
    if (!path[0]) {
        diag_error(d, "<command line>", 0, "-o: an empty directory name");
        return NULL;
    }
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        diag_error(d, path, 0, "the output directory exists and is not a directory (einsim "
                   "leaves it alone; name a directory)");
        return NULL;
    }
    if (mkdirs(path) != 0) {
        diag_error(d, path, 0, "cannot create the output directory: %s", strerror(errno));
        return NULL;
    }
    char *lock = path_join(path, ".einsim.lock");
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        diag_error(d, lock, 0, "cannot open: %s", strerror(errno));
        free(lock);
        return NULL;
    }
    free(lock);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        diag_error(d, path, 0, "another einsim is writing this output directory");
        close(fd);
        return NULL;
    }
    char *marker = path_join(path, OUTDIR_MARKER);
    int gone = unlink(marker) == 0 || errno == ENOENT;
    int err = errno;
    free(marker);
    if (!gone) {
        diag_error(d, path, 0, "cannot remove the old %s marker: %s", OUTDIR_MARKER, strerror(err));
        close(fd);
        return NULL;
    }
    remove_files(path, true);
    OutDir *o = xcalloc(1, sizeof *o);
    o->path = xstrdup(path);
    o->what = xstrdup(what);
    o->lock_fd = fd;
    return o;
}

const char *outdir_path(const OutDir *o) { return o->path; }

int file_write(const char *path, const char *data, size_t len, Diag *d)
{
    if (write_file_atomic(path, data, len) == 0)
        return 0;
    diag_error(d, path, 0, "cannot write: %s", file_strerror(errno));
    return 1;
}


int outdir_write(OutDir *o, const char *name, const char *data, size_t len, Diag *d)
{
    char *p = path_join(o->path, name);
    int rc = 0;
    if (write_file_atomic(p, data, len) != 0) {
        diag_error(d, p, 0, "cannot write: %s", file_strerror(errno));
        rc = 1;
    } else {
        buf_printf(&o->files, "%s\n", name);
    }
    free(p);
    return rc;
}

int outdir_close(OutDir *o, bool ok, Diag *d)
{
    if (!o)
        return 0;
    int rc = 0;
    if (ok) {
        char *text = xasprintf("%s: complete\n%s", o->what, o->files.s ? o->files.s : "");
        char *p = path_join(o->path, OUTDIR_MARKER);
        if (write_file_atomic(p, text, strlen(text)) != 0) {
            diag_error(d, p, 0, "cannot write: %s", file_strerror(errno));
            rc = 1;
        }
        free(p);
        free(text);
    }
    close(o->lock_fd);
    buf_free(&o->files);
    free(o->path);
    free(o->what);
    free(o);
    return rc;
}
