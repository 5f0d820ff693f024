#ifndef CKERAS_GUARD_H
#define CKERAS_GUARD_H
/* libhdf5 1.10 can crash (SIGSEGV/SIGBUS) on some corrupt HDF5 data (found by fuzzing). While a model file is being
   read, these handlers turn such a crash into one error line on stderr and exit status 1, instead of a core dump.
   The handler only uses async-signal-safe calls (write, _exit). */

/* Installs the handlers (once; later calls only replace the message); `message` (one line, copied, truncated to 1 KiB) is printed if a crash happens. */
void ckeras_guard_begin(const char *message);
/* Restores the handlers that were in place before `ckeras_guard_begin`. */
void ckeras_guard_end(void);
#endif
