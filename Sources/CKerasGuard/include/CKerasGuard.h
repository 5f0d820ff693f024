#ifndef CKERAS_GUARD_H
#define CKERAS_GUARD_H
/* libhdf5 1.10 can crash (SIGSEGV/SIGBUS) or loop forever on some corrupt HDF5 data (found by fuzzing). While a model
   file is being read, these handlers turn a crash, or a read that outlives `seconds` (SIGALRM), into one error line
   on stderr and exit status 1, instead of a core dump or a hung process. The handler only uses async-signal-safe calls
   (write, _exit). No thread is started, so a normal load costs nothing. */

/* Installs the handlers (once; later calls only replace the messages and re-arm the alarm). Messages are copied
   (one line each, truncated to 1 KiB). `seconds` = 0 means no time limit. */
void ckeras_guard_begin(const char *crash_message, const char *timeout_message, unsigned seconds);
/* Disarms the alarm and restores the handlers that were in place before `ckeras_guard_begin`. */
void ckeras_guard_end(void);
#endif
