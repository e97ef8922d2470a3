"""kusari.functions.conv_utils: Chainer's 2-D im2col/col2im signatures.

The expected numbers were printed by Chainer 7.8.1's ``chainer.utils.conv`` for the same
inputs (``x = arange(25).reshape(1, 1, 5, 5)``).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy
import pytest

from kusari.functions import conv_utils


def _im2col_loops(
    x: Any, kh: int, kw: int, sy: int, sx: int, ph: int, pw: int, dy: int, dx: int, pval: float
) -> Any:
    """An independent reference: one window element at a time, padding by hand."""
    n, c, h, w = x.shape
    out_h = (h + 2 * ph - (kh - 1) * dy - 1) // sy + 1
    out_w = (w + 2 * pw - (kw - 1) * dx - 1) // sx + 1
    padded = numpy.full((n, c, h + 2 * ph, w + 2 * pw), pval, x.dtype)
    padded[:, :, ph : ph + h, pw : pw + w] = x
    col = numpy.empty((n, c, kh, kw, out_h, out_w), x.dtype)
    for i, j, oy, ox in itertools.product(range(kh), range(kw), range(out_h), range(out_w)):
        col[:, :, i, j, oy, ox] = padded[:, :, oy * sy + i * dy, ox * sx + j * dx]
    return col


@pytest.mark.parametrize(
    ("kh", "kw", "sy", "sx", "ph", "pw", "dy", "dx"),
    [(3, 3, 1, 1, 1, 1, 1, 1), (2, 3, 2, 1, 0, 2, 1, 1), (3, 2, 1, 2, 1, 0, 2, 1)],
)
def test_im2col_against_loops(
    kh: int, kw: int, sy: int, sx: int, ph: int, pw: int, dy: int, dx: int
) -> None:
    x = numpy.random.default_rng(0).standard_normal((2, 3, 6, 7))
    col = conv_utils.im2col(x, kh, kw, sy, sx, ph, pw, dy=dy, dx=dx)
    numpy.testing.assert_array_equal(col, _im2col_loops(x, kh, kw, sy, sx, ph, pw, dy, dx, 0.0))
    assert col.flags.c_contiguous
    padded = conv_utils.im2col_cpu(x, kh, kw, sy, sx, ph, pw, pval=-2.5, dy=dy, dx=dx)
    numpy.testing.assert_array_equal(
        padded, _im2col_loops(x, kh, kw, sy, sx, ph, pw, dy, dx, -2.5)
    )


def test_col2im_is_the_adjoint_of_im2col() -> None:
    rng = numpy.random.default_rng(1)
    x = rng.standard_normal((2, 2, 5, 6))
    col = conv_utils.im2col(x, 3, 2, 2, 1, 1, 1, dy=1, dx=2)
    g = rng.standard_normal(col.shape)
    back = conv_utils.col2im(g, 2, 1, 1, 1, 5, 6, dy=1, dx=2)
    # <im2col(x), g> == <x, col2im(g)> for every x and g.
    numpy.testing.assert_allclose(numpy.vdot(col, g), numpy.vdot(x, back), rtol=1e-12)


def test_cover_all_dilation_and_pval_match_chainer() -> None:
    x = numpy.arange(25.0).reshape(1, 1, 5, 5)
    col = conv_utils.im2col_cpu(x, 3, 2, 2, 1, 1, 0, pval=-1, cover_all=True, dy=1, dx=2)
    assert col.shape == (1, 1, 3, 2, 3, 3)
    assert col.sum() == 492.0
    assert col[0, 0, :, :, 1, 1].tolist() == [[6.0, 8.0], [11.0, 13.0], [16.0, 18.0]]
    back = conv_utils.col2im_cpu(col, 2, 1, 1, 0, 5, 5, 1, 2)
    assert back[0, 0].tolist() == [
        [0.0, 1.0, 4.0, 3.0, 4.0],
        [10.0, 12.0, 28.0, 16.0, 18.0],
        [10.0, 11.0, 24.0, 13.0, 14.0],
        [30.0, 32.0, 68.0, 36.0, 38.0],
        [20.0, 21.0, 44.0, 23.0, 24.0],
    ]


def test_out_h_and_out_w_keep_the_first_windows() -> None:
    x = numpy.arange(25.0).reshape(1, 1, 5, 5)
    full = conv_utils.im2col(x, 3, 3, 1, 1, 0, 0)
    part = conv_utils.im2col(x, 3, 3, 1, 1, 0, 0, out_h=2, out_w=1)
    assert part.shape == (1, 1, 3, 3, 2, 1)
    numpy.testing.assert_array_equal(part, full[..., :2, :1])


def test_outsize_helpers() -> None:
    assert conv_utils.get_conv_outsize(5, 3, 2, 1, cover_all=True, d=1) == 3
    assert conv_utils.get_deconv_outsize(3, 3, 2, 1) == 5


def test_errors_name_the_problem() -> None:
    x = numpy.zeros((1, 1, 5, 5))
    with pytest.raises(
        ValueError, match=r"im2col: img must be 4-dimensional .* got shape \(5, 5\)"
    ):
        conv_utils.im2col(numpy.zeros((5, 5)), 3, 3, 1, 1, 0, 0)
    with pytest.raises(ValueError, match=r"im2col: the 7x7 window .* does not fit in the 5x5"):
        conv_utils.im2col(x, 7, 7, 1, 1, 0, 0)
    with pytest.raises(ValueError, match=r"out_h x out_w must be between 1x1 and 3x3 .* got 4x3"):
        conv_utils.im2col(x, 3, 3, 1, 1, 0, 0, out_h=4)
    with pytest.raises(ValueError, match="col2im: col must be 6-dimensional"):
        conv_utils.col2im(x, 1, 1, 0, 0, 5, 5)
    with pytest.raises(TypeError, match="im2col_cpu: img must be a NumPy array, got list"):
        conv_utils.im2col_cpu([[0.0]], 1, 1, 1, 1, 0, 0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="col2im_cpu: col must be a NumPy array, got list"):
        conv_utils.col2im_cpu([[0.0]], 1, 1, 0, 0, 1, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="im2col_gpu: img must be a CuPy array"):
        conv_utils.im2col_gpu(x, 3, 3, 1, 1, 0, 0)
    with pytest.raises(TypeError, match="col2im_gpu: col must be a CuPy array"):
        conv_utils.col2im_gpu(numpy.zeros((1, 1, 1, 1, 1, 1)), 1, 1, 0, 0, 1, 1)
