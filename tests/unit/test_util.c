/* test_util.c — unit tests of sim/util: an internal assertion exits with code 2 (not
 * abort's 134), files are read and written only when they are regular files within their
 * limits, mkdirs refuses an empty name and a name that is not a directory, and the
 * JSON/CSV writer escapes names and refuses numbers that are not finite. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "util/emit.h"
#include "util/util.h"

/* Runs EINSIM_ASSERT(0) in a child with stderr in `err`; returns its wait status. */
static int failing_assert(const char *err)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        EINSIM_ASSERT(1 + 1 == 3);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
}

int main(void)
{
    char dir[] = "/tmp/einsim-test-util-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *err = path_join(dir, "err");
    int st = failing_assert(err);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    char *msg = read_file(err, 4096, NULL);
    CHECK_CONTAINS(msg, "einsim: internal error: tests/unit/test_util.c:");
    CHECK_CONTAINS(msg, "assertion failed: 1 + 1 == 3");
    free(msg);

    /* mkdirs: "" is not a directory name (it read past the string); a file is not one. */
    errno = 0;
    CHECK_EQ_INT(mkdirs(""), -1);
    CHECK_EQ_INT(errno, ENOENT);
    char *file = path_join(dir, "file");
    CHECK_EQ_INT(write_file_atomic(file, "x", 1), 0);
    CHECK_EQ_INT(mkdirs(file), -1);
    CHECK_EQ_INT(errno, ENOTDIR);
    char *sub = path_join(dir, "a/b/c");
    CHECK_EQ_INT(mkdirs(sub), 0);
    CHECK_EQ_INT(mkdirs(sub), 0);

    /* read_file: regular files only, within the limit. */
    size_t len = 0;
    char *text = read_file(file, 1, &len);
    CHECK(text && len == 1 && text[0] == 'x');
    free(text);
    CHECK(read_file(file, 0, NULL) == NULL && errno == EFBIG);
    CHECK(read_file(dir, 1 << 20, NULL) == NULL && errno == EINVAL);
    CHECK(read_file("/dev/zero", 1 << 20, NULL) == NULL && errno == EINVAL);
    CHECK_STR(file_strerror(EINVAL), "not a regular file");

    /* write_file_atomic leaves a FIFO, a directory or a device alone (rename() used to
     * replace them with a regular file) and leaves no temporary behind. */
    char *fifo = path_join(dir, "fifo");
    CHECK_EQ_INT(mkfifo(fifo, 0600), 0);
    CHECK_EQ_INT(write_file_atomic(fifo, "y", 1), -1);
    CHECK_EQ_INT(errno, EINVAL);
    struct stat sb;
    CHECK(lstat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode));
    char *tmp = xasprintf("%s.tmp.%ld", fifo, (long)getpid());
    CHECK(access(tmp, F_OK) != 0);
    CHECK_EQ_INT(write_file_atomic(sub, "y", 1), -1);
    CHECK_EQ_INT(write_file_atomic("/dev/null", "y", 1), -1);
    CHECK(lstat("/dev/null", &sb) == 0 && S_ISCHR(sb.st_mode));

    /* The writer: names escaped (JSON) or quoted (CSV); numbers as printf formats them;
     * a non-finite one makes the text unusable and names its field. */
    Emit e = { 0 };
    char bad[EMIT_FIELD_MAX];
    emit_printf(&e, "{ \"name\": ");
    emit_json_str(&e, "a\"b\\c\n");
    emit_printf(&e, ", \"x\": %.17g, \"n\": %llu, \"s\": %5.2f%%, %s }\n", 0.1, 18446744073709551615ULL,
                2.5, "ok");
    char *txt = emit_take(&e, bad);
    CHECK_STR(txt, "{ \"name\": \"a\\\"b\\\\c\\u000a\", \"x\": 0.10000000000000001, "
                   "\"n\": 18446744073709551615, \"s\":  2.50%, ok }\n");
    CHECK_STR(bad, "");
    free(txt);
    emit_printf(&e, "{\n  \"seconds\": %.17g,\n  \"energy_pj\": %.17g\n}\n", 1.0, NAN);
    CHECK(emit_take(&e, bad) == NULL);
    CHECK_STR(bad, "energy_pj");
    emit_csv_field(&e, "plain");
    emit_printf(&e, ",");
    emit_csv_field(&e, "a,b \"c\"\nd");
    emit_printf(&e, ",%g\n", 1.5);
    txt = emit_take(&e, bad);
    CHECK_STR(txt, "plain,\"a,b \"\"c\"\"\nd\",1.5\n");
    free(txt);
    emit_printf(&e, "w,\"x,y\",%.17g,%g\n", 2.0, INFINITY);
    CHECK(emit_take(&e, bad) == NULL);
    CHECK_STR(bad, "column 4");

    char *rm = xasprintf("rm -rf '%s'", dir);
    CHECK_EQ_INT(system(rm), 0);
    free(rm);
    free(tmp);
    free(fifo);
    free(sub);
    free(file);
    free(err);
    return CHECK_DONE();
}
