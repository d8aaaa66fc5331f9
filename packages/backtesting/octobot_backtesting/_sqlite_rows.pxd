# Augmenting declarations of _sqlite_rows.py: the C loop that copies SQLite rows into a numpy buffer.
cimport cython

cdef extern from "sqlite3.h":
    ctypedef struct sqlite3
    ctypedef struct sqlite3_stmt
    ctypedef void (*sqlite3_destructor_type)(void*)
    sqlite3_destructor_type SQLITE_TRANSIENT
    int SQLITE_OK
    int SQLITE_ROW
    int SQLITE_DONE
    int SQLITE_NULL
    int SQLITE_OPEN_READONLY
    int SQLITE_OPEN_URI
    int sqlite3_open_v2(const char* filename, sqlite3** db, int flags, const char* vfs) nogil
    int sqlite3_close(sqlite3* db) nogil
    const char* sqlite3_errmsg(sqlite3* db) nogil
    int sqlite3_prepare_v2(sqlite3* db, const char* sql, int length, sqlite3_stmt** stmt, const char** tail) nogil
    int sqlite3_bind_text(sqlite3_stmt* stmt, int index, const char* text, int length, sqlite3_destructor_type d) nogil
    int sqlite3_bind_int64(sqlite3_stmt* stmt, int index, long long value) nogil
    int sqlite3_step(sqlite3_stmt* stmt) nogil
    int sqlite3_column_type(sqlite3_stmt* stmt, int column) nogil
    double sqlite3_column_double(sqlite3_stmt* stmt, int column) nogil
    int sqlite3_finalize(sqlite3_stmt* stmt) nogil


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline Py_ssize_t _c_fill_rows(bytes uri, bytes sql, tuple parameters, double[:, ::1] out) except -1:
    cdef sqlite3* db = NULL
    cdef sqlite3_stmt* stmt = NULL
    cdef Py_ssize_t row = 0, capacity = out.shape[0]
    cdef int column, status, index = 0
    cdef double nan = float("nan")
    cdef bytes text
    try:
        if sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK:
            raise OSError(f"cannot open {uri.decode()}: {sqlite3_errmsg(db).decode()}")
        if sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK:
            raise OSError(f"cannot prepare {sql.decode()}: {sqlite3_errmsg(db).decode()}")
        for value in parameters:
            index += 1
            if isinstance(value, str):
                text = (<str>value).encode()
                status = sqlite3_bind_text(stmt, index, text, len(text), SQLITE_TRANSIENT)
            else:
                status = sqlite3_bind_int64(stmt, index, <long long>value)
            if status != SQLITE_OK:
                raise OSError(f"cannot bind parameter {index}: {sqlite3_errmsg(db).decode()}")
        with nogil:
            while row < capacity:
                status = sqlite3_step(stmt)
                if status != SQLITE_ROW:
                    break
                for column in range(6):
                    if sqlite3_column_type(stmt, column) == SQLITE_NULL:
                        out[row, column] = nan
                    else:
                        out[row, column] = sqlite3_column_double(stmt, column)
                row += 1
        if row < capacity and status != SQLITE_DONE:
            raise OSError(f"reading failed: {sqlite3_errmsg(db).decode()}")
        return row
    finally:
        if stmt != NULL:
            sqlite3_finalize(stmt)
        if db != NULL:
            sqlite3_close(db)
