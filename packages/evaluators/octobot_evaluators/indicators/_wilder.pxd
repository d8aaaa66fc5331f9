# Augmenting declarations of _wilder.py: the typed loop of the RSI recursion.
cimport cython

@cython.locals(index=Py_ssize_t, keep=double, total=double)
cdef void _fill(double[::1] gains, double[::1] losses, double gain, double loss, double period, double flat,
                double[::1] values, double[::1] gain_states, double[::1] loss_states)
