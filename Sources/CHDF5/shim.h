#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H
/* Debian/Ubuntu install the serial HDF5 headers under hdf5/serial (libhdf5-dev). */
#include <hdf5/serial/hdf5.h>
#include <hdf5/serial/H5FDcore.h>

/* H5T_NATIVE_* and H5P_* are macros that expand to function calls or globals Swift cannot see. */
static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_c_s1(void) { return H5T_C_S1; }
static inline hid_t chdf5_p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hsize_t chdf5_variable(void) { return H5T_VARIABLE; }
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
static inline hid_t chdf5_native_uint8(void) { return H5T_NATIVE_UCHAR; }
/* Turns off HDF5's automatic error-stack printing to stderr (errors are reported as KerasError instead). */
static inline void chdf5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }

/* Heap bytes in use (glibc mallinfo2), so tests and the benchmark can prove a prediction allocates nothing.
   Lives here because this is the Keras module's only C shim. Returns 0 where glibc is absent. */
#if defined(__GLIBC__)
#include <malloc.h>
static inline size_t chdf5_heap_bytes_in_use(void) { struct mallinfo2 m = mallinfo2(); return m.uordblks + m.hblkhd; }
#else
static inline size_t chdf5_heap_bytes_in_use(void) { return 0; }
#endif
#endif
