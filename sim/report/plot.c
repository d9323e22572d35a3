/* plot.c — running gnuplot on the scripts a report writes.
 *
 * gnuplot is spawned (posix_spawnp, no shell) once for all scripts of a report:
 * `gnuplot -e "cd 'DIR'" A.gp B.gp ...`, with its stderr in DIR/gnuplot.log. The
 * scripts use names relative to DIR, so `cd DIR && gnuplot A.gp` reruns one by hand. */
#include "report/reportInt.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void gp_str(Buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; s && *s; s++) {
        if (*s == '\'')
            buf_putc(b, '\'');
        buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

int plot_run(const char *gnuplot, const char *dir, char **names, int n, Diag *d)
{
    Buf cd = {0};
    buf_printf(&cd, "cd ");
    gp_str(&cd, dir);
    char **argv = xcalloc((size_t)n + 4, sizeof *argv);
    argv[0] = (char *)gnuplot;
    argv[1] = "-e";
    argv[2] = cd.s;
    for (int i = 0; i < n; i++)
        argv[3 + i] = names[i];
    char *log = path_join(dir, "gnuplot.log");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int rc = 0;
    int err = posix_spawnp(&pid, gnuplot, &fa, NULL, argv, environ);
    if (err) {
        if (err == ENOENT)
            diag_error(d, NULL, 0, "cannot run '%s': not found; install the Debian package "
                       "gnuplot-nox (apt-get install gnuplot-nox)", gnuplot);
        else
            diag_error(d, NULL, 0, "cannot run '%s': %s", gnuplot, strerror(err));
        rc = 1;
    } else {
        int st = 0;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
            diag_error(d, NULL, 0, "cannot run '%s': not found; install the Debian package "
                       "gnuplot-nox (apt-get install gnuplot-nox)", gnuplot);
            rc = 1;
        } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            diag_error(d, log, 0, "gnuplot failed (exit status %d); its messages are in this "
                       "file", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
            rc = 1;
        }
    }
    posix_spawn_file_actions_destroy(&fa);
    free(log);
    free(argv);
    buf_free(&cd);
    return rc;
}
