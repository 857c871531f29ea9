"""Named rows of a 2-D array: structure-of-arrays state that compiled loops take in one piece."""

from typing import Any

import numpy as np


class Row:
    """Descriptor for row ``index`` of the 2-D array attribute ``matrix``.

    Reading gives a view (so ``state.exhaustion[posts] = x`` writes into the matrix); assigning
    a whole array copies it into the row, so the matrix stays the single source of truth.
    """

    def __init__(self, matrix: str, index: int) -> None:
        self.matrix = matrix
        self.index = index

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(obj, self.matrix)[self.index]

    def __set__(self, obj: Any, value: Any) -> None:
        getattr(obj, self.matrix)[self.index] = value


def add_rows(cls: type, matrix: str, names: tuple[str, ...]) -> None:
    """Give ``cls`` one :class:`Row` attribute per name, in order."""
    for index, name in enumerate(names):
        setattr(cls, name, Row(matrix, index))


def row_index(names: tuple[str, ...]) -> dict[str, int]:
    """Map each name to its row."""
    return {name: i for i, name in enumerate(names)}


def zeros(names: tuple[str, ...], n: int, dtype: Any = np.float64) -> np.ndarray:
    """A zeroed matrix with one row per name."""
    return np.zeros((len(names), n), dtype=dtype)
