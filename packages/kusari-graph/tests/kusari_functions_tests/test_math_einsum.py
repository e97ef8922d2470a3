"""einsum."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, uniform

CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->j", [(2, 2, 3)]),
    ("iji->j", [(2, 3, 2)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("i,i", [(3,), (3,)]),
    ("i,j->", [(2,), (3,)]),
    ("ij,kl->ijkl", [(2, 2), (2, 3)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("...j,jk->...k", [(5, 2, 3), (3, 4)]),
    ("...i,...i->...", [(2, 1, 3), (4, 3)]),
    ("ij,j->i", [(2, 3), (1,)]),
    ("i,ij,j->", [(2,), (2, 3), (3,)]),
]


@pytest.mark.parametrize(("spec", "shapes"), CASES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_forward(spec: str, shapes: list[Any], dtype: Any) -> None:
    xs = [uniform(i, s, dtype) for i, s in enumerate(shapes)]
    expected = numpy.einsum(spec, *[x.astype(float) for x in xs])
    assert_forward(F.einsum(spec, *xs), expected, dtype, scale=10)


@pytest.mark.parametrize(("spec", "shapes"), CASES)
def test_grads(spec: str, shapes: list[Any]) -> None:
    xs = [uniform(10 + i, s, float) for i, s in enumerate(shapes)]
    check_grads(lambda *vs: F.einsum(spec, *vs), xs)


def test_grads_float16() -> None:
    xs = [uniform(0, (2, 3), numpy.float16), uniform(1, (3, 2), numpy.float16)]
    check_grads_float16(lambda a, b: F.einsum("ij,jk->ik", a, b), xs, eps=1e-2)


def test_errors() -> None:
    a = numpy.zeros((2, 3))
    with pytest.raises(
        ValueError, match=r"einsum subscripts name 2 operand\(s\), but 1 were given"
    ):
        F.einsum("ij,jk->ik", a)
    with pytest.raises(
        ValueError, match="einsum term 'ijk' has 3 subscripts for an operand of 2 axes"
    ):
        F.einsum("ijk->i", a)
    with pytest.raises(ValueError, match="output subscript 'z' does not appear in the inputs"):
        F.einsum("ij->z", a)
    with pytest.raises(ValueError, match="repeat a letter"):
        F.einsum("ij->ii", a)
    with pytest.raises(ValueError, match=r"invalid character '\*'"):
        F.einsum("i*j", a)
    with pytest.raises(TypeError, match="einsum subscripts must be a str, got int"):
        F.einsum(1, a)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="einsum needs at least one operand"):
        F.einsum("ij")
    with pytest.raises(
        InvalidType, match=r"in: EinSum \(Forward\)\n\nExpect: operand shapes fit 'ij,jk->ik'"
    ):
        F.einsum("ij,jk->ik", a, numpy.zeros((4, 4)))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype == x1\.dtype"):
        F.einsum("ij,jk->ik", a, numpy.zeros((3, 4), numpy.float32))
