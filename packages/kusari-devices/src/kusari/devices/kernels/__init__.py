"""Fused elementwise kernels, each with a NumPy and a CUDA implementation.

A :class:`Kernel` pairs a NumPy function with a CuPy launcher of the same signature and
dispatches on its first argument: a NumPy array runs the NumPy twin, a CuPy array the CUDA
twin (under that array's device).  All array arguments must live on the same device, and the
floating dtypes are float16, float32 and float64 (float16 computes in float32 on the GPU).

Kernels:

* activations: :data:`relu_forward`, :data:`relu_backward`, :data:`sigmoid_grad`,
  :data:`tanh_grad`;
* losses: :data:`softmax_cross_entropy_forward`, :data:`softmax_cross_entropy_backward`;
* recurrent: :data:`lstm_forward`, :data:`lstm_backward` (Chainer's ``a, i, f, o`` layout);
* optimizer updates, in place: :data:`momentum_sgd_update`, :data:`adam_update` (with
  AMSGrad and AdamW's decoupled weight decay), :data:`rmsprop_update`,
  :data:`adagrad_update`.

The NumPy twins are in-place ufunc sequences (``out=``) that allocate only their results and
at most one scratch array.

Adding a kernel
---------------

1. Write the CUDA C++ in ``kusari/devices/kernels/cuda/<group>.cu``: a template over the
   storage type ``T`` doing its arithmetic in ``kusari::Compute<T>::type`` (``load``/
   ``store`` from ``kusari_common.cuh``), inside ``KUSARI_GRID_STRIDE_LOOP(i, n)``, plus one
   ``extern "C" __global__`` entry per dtype named ``kusari_<name>_<float16|float32|float64>``
   (a macro instantiates the three).  Document each entry's signature at the top of the file.
2. In a private module ``_<group>.py``: the CUDA twin first (validate with
   :func:`check_like`, make inputs contiguous with :func:`as_contiguous`, allocate outputs,
   call ``CudaSource("<group>.cu").get_function(entry)`` with ``elementwise_grid(n)`` blocks
   of ``BLOCK_SIZE`` threads, passing scalars as ``numpy.float32``/``numpy.float64``/
   ``numpy.int64``/``numpy.int32`` exactly as the C signature declares); then the NumPy twin,
   decorated with ``@kernel(source=..., cuda=<the CUDA twin>)``: it validates the same way,
   computes with ``out=`` ufuncs, and carries the public docstring (formula, arguments, a
   doctest).  The decorator names the kernel after the function, registers it and checks
   nothing else: both twins must have the same signature (mypy checks that).
3. Re-export it here, and add it to the tests: the NumPy twin against a plain NumPy formula,
   the CUDA twin against the NumPy twin (``gpu`` marker).  The ``nvcc`` test compiles every
   ``.cu`` file and checks that each registered entry is in the binary.

Example:
    >>> import numpy
    >>> from kusari.devices import kernels
    >>> kernels.tanh_grad(numpy.array([0.0, 0.5]), numpy.ones(2))
    array([1.  , 0.75])
    >>> kernels.get_kernel("relu_forward") is kernels.relu_forward
    True
"""

from ._activation import relu_backward as relu_backward
from ._activation import relu_forward as relu_forward
from ._activation import sigmoid_grad as sigmoid_grad
from ._activation import tanh_grad as tanh_grad
from ._kernel import BLOCK_SIZE as BLOCK_SIZE
from ._kernel import CudaSource as CudaSource
from ._kernel import Kernel as Kernel
from ._kernel import as_contiguous as as_contiguous
from ._kernel import check_like as check_like
from ._kernel import cuda_sources as cuda_sources
from ._kernel import dtype_suffix as dtype_suffix
from ._kernel import elementwise_grid as elementwise_grid
from ._kernel import get_kernel as get_kernel
from ._kernel import kernel as kernel
from ._kernel import kernels as kernels
from ._kernel import register as register
from ._lstm import lstm_backward as lstm_backward
from ._lstm import lstm_forward as lstm_forward
from ._optimizer import adagrad_update as adagrad_update
from ._optimizer import adam_update as adam_update
from ._optimizer import momentum_sgd_update as momentum_sgd_update
from ._optimizer import rmsprop_update as rmsprop_update
from ._softmax_cross_entropy import (
    softmax_cross_entropy_backward as softmax_cross_entropy_backward,
)
from ._softmax_cross_entropy import softmax_cross_entropy_forward as softmax_cross_entropy_forward

__all__ = [
    # the registry and the tools to write kernels
    "Kernel",
    "CudaSource",
    "BLOCK_SIZE",
    "kernel",
    "register",
    "get_kernel",
    "kernels",
    "cuda_sources",
    "check_like",
    "dtype_suffix",
    "elementwise_grid",
    "as_contiguous",
    # activations
    "relu_forward",
    "relu_backward",
    "sigmoid_grad",
    "tanh_grad",
    # losses
    "softmax_cross_entropy_forward",
    "softmax_cross_entropy_backward",
    # recurrent
    "lstm_forward",
    "lstm_backward",
    # optimizer updates
    "momentum_sgd_update",
    "adam_update",
    "rmsprop_update",
    "adagrad_update",
]
