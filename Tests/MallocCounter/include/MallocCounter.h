#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H
/* Heap allocation calls (malloc, calloc, realloc, the memalign family) made by the calling thread so far.
   Test-only: the test executable interposes glibc's allocator so that "no allocation per prediction" is
   counted call by call on the predicting thread, unaffected by other threads in the same process. */
unsigned long long malloc_counter_thread_allocations(void);
#endif
