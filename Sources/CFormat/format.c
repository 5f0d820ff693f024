#include "CFormat.h"
#include <stdio.h>

int cformat_fixed(char *out, size_t size, double value, int decimals, int plus) {
    return snprintf(out, size, plus ? "%+.*f" : "%.*f", decimals, value);
}
