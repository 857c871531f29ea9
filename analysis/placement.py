"""Deterministic placement of point labels: clear of each other and of the points.

A small stand-in for adjustText, which the project does not depend on.

Everything is in typographic points on the page: the caller converts data coordinates with the
axes' transform. Each label tries offsets on rings of growing radius in eight directions, in a
fixed order, and takes the first whose box is inside the bounds and clear of every point and of
the labels already placed; a label that fits nowhere takes the candidate of least overlap.
"""

from collections.abc import Sequence

import numpy as np

RADII = (5.0, 10.0, 16.0, 24.0, 34.0, 46.0, 60.0, 76.0)
DIRECTIONS = (45, 135, -45, -135, 0, 180, 90, -90)  # degrees, upper right first
MARKER = 4.5  # half-width of a point's marker box, in points
PAD = 1.0


Box = tuple[float, float, float, float]  # left, bottom, right, top


def overlap(a: Box, b: Box) -> float:
    """Area shared by two boxes (0 when they are apart)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


def label_box(point: Sequence[float], size: Sequence[float], radius: float, angle: float) -> Box:
    """The box of a label of ``size`` (width, height) set ``radius`` away at ``angle``."""
    dx, dy = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    dx, dy = (0.0 if abs(dx) < 1e-9 else dx), (0.0 if abs(dy) < 1e-9 else dy)
    cx = point[0] + radius * dx + np.sign(dx) * size[0] / 2
    cy = point[1] + radius * dy + np.sign(dy) * size[1] / 2
    return (cx - size[0] / 2, cy - size[1] / 2, cx + size[0] / 2, cy + size[1] / 2)


def place_labels(points: np.ndarray, sizes: Sequence[Sequence[float]], bounds: Box) -> list[Box]:
    """A box for each label, in the order given (see the module's docstring).

    Args:
        points: Label anchors, shape (n, 2), in points.
        sizes: Width and height of each label, in points.
        bounds: The box labels must stay inside (the axes).
    """
    markers = [(x - MARKER, y - MARKER, x + MARKER, y + MARKER) for x, y in points]
    placed: list[Box] = []
    for point, size in zip(points, sizes, strict=True):
        best: tuple[float, Box] | None = None
        for radius in RADII:
            for angle in DIRECTIONS:
                box = label_box(point, size, radius, angle)
                padded = (box[0] - PAD, box[1] - PAD, box[2] + PAD, box[3] + PAD)
                outside = (
                    max(bounds[0] - box[0], 0.0)
                    + max(box[2] - bounds[2], 0.0)
                    + max(bounds[1] - box[1], 0.0)
                    + max(box[3] - bounds[3], 0.0)
                )
                clash = sum(overlap(padded, other) for other in [*markers, *placed])
                cost = clash + 100.0 * outside
                if best is None or cost < best[0]:
                    best = (cost, box)
                if cost == 0.0:
                    break
            if best is not None and best[0] == 0.0:
                break
        assert best is not None
        placed.append(best[1])
    return placed
