#ifndef DUET_CMPI_SHIM_H
#define DUET_CMPI_SHIM_H
/* Open MPI (libopenmpi-dev); pkg-config ompi-c gives the include directory. */
#include <mpi.h>

/* MPI's handles are macros that expand to casts of global addresses, which Swift cannot import:
   these functions give them to Swift as values. */
static inline MPI_Comm duet_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype duet_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype duet_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype duet_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype duet_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op duet_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op duet_mpi_max(void) { return MPI_MAX; }
static inline MPI_Errhandler duet_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int duet_mpi_success(void) { return MPI_SUCCESS; }
static inline int duet_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int duet_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
/* MPI_IN_PLACE is a sentinel pointer (also a macro). */
static inline void *duet_mpi_in_place(void) { return MPI_IN_PLACE; }
#endif
