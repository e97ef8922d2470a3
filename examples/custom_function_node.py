"""Writing a differentiable function: a ``FunctionNode`` with forward, backward and more.

The function is Swish with a learnable slope per feature, ``y = x * sigmoid(beta * x)``
(Ramachandran et al., 2017).  The script

1. defines it as a :class:`kusari.graph.FunctionNode`: ``check_type_forward`` states what
   the inputs must look like, ``forward`` computes on arrays (NumPy or CuPy), and
   ``backward`` computes the input gradients *with differentiable functions*, which is
   all it takes for gradients of gradients (double backward) to work;
2. checks it: the forward pass against a NumPy formula, the backward pass and the
   double backward pass against numerical differentiation with
   :mod:`kusari.graph.gradient_check`, and shows the error a wrong input gets;
3. uses it: a small network with learnable slopes fits ``sin(3x)``.

Usage::

    python examples/custom_function_node.py [--device @numpy|@cupy:0|-1|0] [--epochs 200]
        [--out result/custom_function_node] [--smoke]
"""

from __future__ import annotations

import os

# These models are small: a multithreaded BLAS spends more on handing work to its threads
# than it gains, and on a busy two-core machine it made training 5 to 20 times slower.
# Anything you set yourself wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import math
import pathlib
import sys
from collections.abc import Sequence

import numpy
import numpy.typing as npt
from tqdm.auto import tqdm

import kusari.functions as F
import kusari.links as L
from kusari import devices
from kusari.devices import Array
from kusari.graph import (
    FunctionNode,
    Variable,
    VariableOrArray,
    as_array,
    gradient_check,
    type_check,
)
from kusari.optimizers import Adam
from kusari.serializers import save_npz


class Swish(FunctionNode):
    """``y = x * sigmoid(beta * x)`` for ``x`` of shape ``(N, C)`` and ``beta`` of ``(C,)``."""

    def check_type_forward(self, in_types: type_check.TypeInfoTuple) -> None:
        # Runs on every call (cheaply); when a condition fails, the error names it:
        # "Expect: x.dtype.kind == f / Actual: i != f".
        type_check.argname(in_types, ("x", "beta"))
        type_check.expect(in_types.size() == 2)
        x_type, beta_type = in_types
        type_check.expect(
            x_type.dtype.kind == "f",
            x_type.ndim == 2,
            beta_type.dtype == x_type.dtype,
            beta_type.ndim == 1,
            beta_type.shape[0] == x_type.shape[1],
        )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        # Arrays in, arrays out; the same code runs on NumPy and CuPy arrays.
        self.retain_inputs((0, 1))  # backward needs both inputs: keep them
        x, beta = inputs
        xp = devices.get_array_module(x)
        sigmoid = xp.tanh(beta * x * 0.5) * 0.5 + 0.5  # sigmoid without overflow warnings
        return (x * sigmoid,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        # Variables in, Variables out, built from differentiable functions: so the graph
        # of this computation can itself be differentiated (double backward).
        x, beta = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None  # one output, and it is what the gradient flows from
        s = F.sigmoid(beta * x)
        ds = s * (1 - s)  # sigmoid'(beta * x)
        gx = gy * (s + beta * x * ds)
        gbeta = F.sum(gy * x * x * ds, axis=0)  # beta is broadcast over the batch axis
        return gx, gbeta


def swish(x: VariableOrArray, beta: VariableOrArray) -> Variable:
    """Apply :class:`Swish` (the usual pair: a FunctionNode class, a lowercase function)."""
    (y,) = Swish().apply((x, beta))
    return y


def swish_reference(
    x: npt.NDArray[numpy.float64], beta: npt.NDArray[numpy.float64]
) -> npt.NDArray[numpy.float64]:
    result: npt.NDArray[numpy.float64] = x / (1 + numpy.exp(-beta * x))
    return result


def check(rng: numpy.random.Generator) -> None:
    """Forward against NumPy, backward and double backward against numerical gradients."""
    x = rng.uniform(-2, 2, (5, 3))
    beta = rng.uniform(0.5, 2, 3)
    y = swish(x, beta)
    numpy.testing.assert_allclose(as_array(y), swish_reference(x, beta), rtol=1e-12)
    print("forward: matches x * sigmoid(beta * x)")

    gy = rng.uniform(-1, 1, (5, 3))
    # Compares backward with central differences (in float64, so tolerances can be tight).
    gradient_check.check_backward(swish, (x, beta), gy, atol=1e-7, rtol=1e-6)
    print("check_backward: gradients of x and beta match numerical differentiation")
    ggx, ggbeta = rng.uniform(-1, 1, (5, 3)), rng.uniform(-1, 1, 3)
    gradient_check.check_double_backward(swish, (x, beta), gy, (ggx, ggbeta), atol=1e-6, rtol=1e-5)
    print("check_double_backward: second-order gradients match too")

    try:
        swish(numpy.ones((2, 3), numpy.int32), numpy.ones(3, numpy.int32))
    except type_check.InvalidType as error:
        message = " / ".join(line for line in str(error).splitlines() if line.strip())
        print(f"type check: an integer input is refused: {message}")
    else:
        raise AssertionError("Swish accepted integer inputs; check_type_forward is not run")


class SwishMLP(L.Chain):
    """1 -> n -> n -> 1 with a learnable Swish slope per hidden unit."""

    def __init__(self, n_units: int = 32) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(1, n_units)
            # A Chain holds parameters of its own as well as links.
            self.beta1 = L.Parameter(numpy.ones(n_units, numpy.float32))
            self.l2 = L.Linear(n_units, n_units)
            self.beta2 = L.Parameter(numpy.ones(n_units, numpy.float32))
            self.l3 = L.Linear(n_units, 1)

    def forward(self, x: VariableOrArray) -> Variable:
        h = swish(self.l1(x), self.beta1)
        h = swish(self.l2(h), self.beta2)
        y: Variable = self.l3(h)
        return y


def fit(
    device: devices.Device, epochs: int, rng: numpy.random.Generator
) -> tuple[SwishMLP, float]:
    """Fit ``sin(3x)`` on [-1, 1]; return the model and its final mean squared error."""
    x = numpy.linspace(-1, 1, 256, dtype=numpy.float32)[:, None]
    t = numpy.sin(3 * x)
    model = SwishMLP()
    model.to_device(device)
    optimizer = Adam(alpha=1e-2).setup(model)
    x_dev, t_dev = device.send(x), device.send(t)
    mse = math.inf
    with tqdm(range(epochs), desc="fitting sin(3x)", unit="epoch", leave=False) as bar:
        for _ in bar:
            for batch in numpy.array_split(rng.permutation(len(x)), 8):
                loss = F.mean_squared_error(model(x_dev[batch]), t_dev[batch])
                model.cleargrads()
                loss.backward()
                optimizer.update()
            mse = float(F.mean_squared_error(model(x_dev), t_dev).item())
            bar.set_postfix(mse=f"{mse:.2e}")
    return model, mse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="@numpy, @cupy:N or an integer")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument(
        "--out", type=pathlib.Path, default=pathlib.Path("result/custom_function_node")
    )
    parser.add_argument("--smoke", action="store_true", help="a few updates only (for CI)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    device = devices.get_device(args.device or ("@cupy:0" if devices.cuda.available else "@numpy"))
    numpy.random.seed(0)  # noqa: NPY002 - initializers draw from the global generator
    rng = numpy.random.default_rng(0)

    check(rng)
    model, mse = fit(device, 2 if args.smoke else args.epochs, rng)
    beta = devices.to_cpu(as_array(model.beta1))
    print(
        f"fit: mean squared error {mse:.2e}; learned slopes of layer 1 range over "
        f"[{float(beta.min()):.2f}, {float(beta.max()):.2f}]"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "swish_mlp.npz"
    save_npz(path, model)
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
