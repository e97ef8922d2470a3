"""Small helpers shared by the tests of kusari-links."""

from __future__ import annotations

from typing import Any

import numpy.typing as npt

from kusari.links import Link, Parameter


def arr(value: npt.NDArray[Any] | None) -> npt.NDArray[Any]:
    """Return ``value``, asserting that it is an array (an initialized parameter's data)."""
    assert value is not None
    return value


class Bag(Link):
    """A Link whose attributes tests assign freely (declared here for mypy)."""

    W: Parameter
    b: Parameter
    c: Parameter
    u: Parameter
    v: Parameter
    a: Parameter
    m: Parameter
    z: Parameter
    x: Parameter
    extra: Parameter
    size: int
    buffer: npt.NDArray[Any]
    count: Any
    mean: Any
    meta: Any
