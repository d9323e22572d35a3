/* version.h — einsim's version: the one place it is written (`einsim --version`, the
 * "version" key of stats.json, the man page). */
#ifndef EINSIM_VERSION_H
#define EINSIM_VERSION_H

#define EINSIM_VERSION "0.1.0"

#endif
