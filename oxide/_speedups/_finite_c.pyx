# cython: language_level=3, boundscheck=False, wraparound=False
"""NaN/Infinity check of a request body: the C twin of ``_finite_py.py`` (same behaviour)."""

from cpython.dict cimport PyDict_Next
from cpython.float cimport PyFloat_AS_DOUBLE, PyFloat_CheckExact
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.object cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from libc.math cimport isfinite

__all__ = ("check_finite",)


cdef inline int _is_container(object v):
    return type(v) is dict or type(v) is list or type(v) is tuple


cdef int _fail(object value) except -1:
    raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")


cdef int _walk(object o, int depth) except -1:
    cdef Py_ssize_t pos = 0, i, n
    cdef PyObject *key
    cdef PyObject *value
    cdef object v
    if depth > 1000:
        # Deeper than any request: hand over to the iterative Python twin.
        from ._finite_py import check_finite as py_check

        py_check(o)
        return 0
    if type(o) is dict:
        while PyDict_Next(o, &pos, &key, &value):
            v = <object>value
            if PyFloat_CheckExact(v):
                if not isfinite(PyFloat_AS_DOUBLE(v)):
                    _fail(v)
            elif _is_container(v):
                _walk(v, depth + 1)
    elif type(o) is list:
        n = PyList_GET_SIZE(o)
        for i in range(n):
            v = <object>PyList_GET_ITEM(o, i)
            if PyFloat_CheckExact(v):
                if not isfinite(PyFloat_AS_DOUBLE(v)):
                    _fail(v)
            elif _is_container(v):
                _walk(v, depth + 1)
    elif type(o) is tuple:
        n = PyTuple_GET_SIZE(o)
        for i in range(n):
            v = <object>PyTuple_GET_ITEM(o, i)
            if PyFloat_CheckExact(v):
                if not isfinite(PyFloat_AS_DOUBLE(v)):
                    _fail(v)
            elif _is_container(v):
                _walk(v, depth + 1)
    elif PyFloat_CheckExact(o) and not isfinite(PyFloat_AS_DOUBLE(o)):
        _fail(o)
    return 0


def check_finite(obj):
    _walk(obj, 0)
