#ifndef CFORMAT_H
#define CFORMAT_H
#include <stddef.h>
/* printf's "%.*f" (or "%+.*f" when `plus`) of one double into `out`: the exact rounding of the C library, without
   Swift's variadic CVarArg path (String(format:)), whose first use per type asks the runtime for conformances.
   Returns snprintf's result: the length the text needs, or < 0 on an encoding error. */
int cformat_fixed(char *out, size_t size, double value, int decimals, int plus);
#endif
