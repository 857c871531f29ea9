"""One place for how the per-worker loops are compiled (numba, cached on disk)."""

from numba import njit

# error_model="numpy": division by zero gives inf/nan instead of raising, so loops stay branch
# free; fastmath lets the compiler reorder arithmetic (results stay fixed for a given build).
compiled = njit(cache=True, error_model="numpy", fastmath=True)
