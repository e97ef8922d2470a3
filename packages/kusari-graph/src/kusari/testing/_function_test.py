"""``FunctionTestCase``: forward, backward and double-backward tests of a function."""

from __future__ import annotations

import unittest
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy
import numpy.typing as npt

from kusari.devices import Array, Device, to_cpu
from kusari.graph import Variable
from kusari.graph.gradient_check import (
    NondifferentiableError,
    check_backward,
    check_double_backward,
)

from ._backend import BackendConfig
from ._case_support import TestError, check_host_arrays, on_device, start_test

__all__ = ["FunctionTestCase", "FunctionTestError"]

HostArrays = tuple[npt.NDArray[Any], ...]
"""A tuple of NumPy arrays."""

OptionalHostArrays = tuple[npt.NDArray[Any] | None, ...]
"""A tuple of NumPy arrays in which ``None`` means "no gradient"."""

# How many input samples dodge_nondifferentiable draws before giving up.
_DODGE_TRIALS = 20


class FunctionTestError(TestError):
    """A :class:`FunctionTestCase` found the function wrong (an :class:`AssertionError`).

    Example:
        >>> from kusari.testing import FunctionTestError
        >>> try:
        ...     FunctionTestError.check(1 + 1 == 3, "arithmetic is broken")
        ... except FunctionTestError as error:
        ...     print(error)
        arithmetic is broken
    """


class FunctionTestCase(unittest.TestCase):
    """A test case for a differentiable function: forward, backward, double backward.

    Subclass it and implement :meth:`generate_inputs`, :meth:`forward` and
    :meth:`forward_expected`; the three tests then check the function's outputs against
    the expected NumPy values, its gradients against numerical differentiation
    (:func:`kusari.graph.gradient_check.check_backward`) and its second-order gradients
    (:func:`~kusari.graph.gradient_check.check_double_backward`). Decorate the class with
    :func:`inject_backend_tests` to run them on several backends; without it they run on
    the CPU. A wrong function fails with :class:`FunctionTestError` naming the output or
    the gradient that is wrong.

    Class attributes that configure the tests:

    * ``skip_forward_test``, ``skip_backward_test``, ``skip_double_backward_test``
      (bool): skip that test.
    * ``dodge_nondifferentiable`` (bool): check that the function is differentiable at
      the generated inputs, and draw new inputs (up to 20 times) when it is not.
    * ``numerical_grad_dtype``: the dtype of the numerical side of the gradient checks
      (``float64``).
    * ``contiguous`` (``None`` or ``'C'``): ``None`` gives the function non-contiguous
      inputs and gradients wherever the shape allows, ``'C'`` contiguous ones.
    * ``check_forward_options``: keyword arguments of :func:`assert_allclose`
      (``atol``, ``rtol``); ``check_backward_options`` and
      ``check_double_backward_options``: keyword arguments of the gradient checks
      (``atol``, ``rtol``, ``eps``, ``no_grads``...).

    While a test runs, ``self.test_name`` is its name and ``self.backend_config`` its
    :class:`BackendConfig`.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.testing import FunctionTestCase
        >>> class TestTanh(FunctionTestCase):
        ...     def generate_inputs(self):
        ...         return (numpy.random.uniform(-1, 1, (2, 3)).astype(numpy.float32),)
        ...     def forward(self, inputs, device):
        ...         (x,) = inputs
        ...         return (F.tanh(x),)
        ...     def forward_expected(self, inputs):
        ...         (x,) = inputs
        ...         return (numpy.tanh(x),)
        >>> case = TestTanh()
        >>> case.test_forward()
        >>> case.test_backward()
        >>> case.test_double_backward()
    """

    # Not collected itself; every subclass is (see __init_subclass__).
    __test__: ClassVar[bool] = False

    backend_config: BackendConfig | None = None
    test_name: str | None = None
    check_forward_options: Mapping[str, Any] | None = None
    check_backward_options: Mapping[str, Any] | None = None
    check_double_backward_options: Mapping[str, Any] | None = None
    skip_forward_test: bool = False
    skip_backward_test: bool = False
    skip_double_backward_test: bool = False
    dodge_nondifferentiable: bool = False
    numerical_grad_dtype: npt.DTypeLike = numpy.float64
    contiguous: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__test__" not in cls.__dict__:
            cls.__test__ = True

    # -- what a subclass implements ------------------------------------------------------------

    def generate_inputs(self) -> HostArrays:
        """Return the input arrays, a tuple of NumPy arrays (required).

        Raises:
            NotImplementedError: Unless overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement generate_inputs(), returning a tuple of "
            "numpy arrays"
        )

    def forward(self, inputs: tuple[Variable, ...], device: Device) -> tuple[Variable, ...]:
        """Apply the function under test (required).

        Args:
            inputs: One :class:`~kusari.graph.Variable` per generated input, on ``device``.
            device: The device of the inputs.

        Returns:
            The output Variables, a tuple, with arrays of ``device``.

        Raises:
            NotImplementedError: Unless overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward(inputs, device), returning a "
            "tuple of Variables"
        )

    def forward_expected(self, inputs: HostArrays) -> HostArrays:
        """Return the expected outputs, computed with NumPy (required).

        Args:
            inputs: Copies of the generated input arrays.

        Returns:
            The expected output arrays, a tuple of NumPy arrays.

        Raises:
            NotImplementedError: Unless overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward_expected(inputs), returning a "
            "tuple of numpy arrays"
        )

    def generate_grad_outputs(self, outputs_template: HostArrays) -> OptionalHostArrays:
        """Return the output gradients of the backward test.

        The default draws each uniformly from ``[-1, 1)`` with the shape and dtype of its
        output, and gives ``None`` to outputs that are not floating point.

        Args:
            outputs_template: The forward outputs, as NumPy arrays.

        Returns:
            One array (or ``None``) per output.
        """
        return _random_like(outputs_template)

    def generate_grad_grad_inputs(self, inputs_template: HostArrays) -> OptionalHostArrays:
        """Return the gradients of the input gradients for the double-backward test.

        The default draws each uniformly from ``[-1, 1)`` with the shape and dtype of its
        input, and gives ``None`` to inputs that are not floating point.

        Args:
            inputs_template: The input arrays.

        Returns:
            One array (or ``None``) per input.
        """
        return _random_like(inputs_template)

    def before_test(self, test_name: str) -> None:
        """Run before each test (a hook: raise :class:`unittest.SkipTest` to skip).

        Args:
            test_name: ``'test_forward'``, ``'test_backward'`` or
                ``'test_double_backward'``.
        """

    def check_forward_outputs(
        self, outputs: tuple[Array, ...], expected_outputs: HostArrays
    ) -> None:
        """Compare the forward outputs with the expected ones (override to check more).

        Args:
            outputs: The output arrays of :meth:`forward`.
            expected_outputs: The arrays of :meth:`forward_expected`.

        Raises:
            FunctionTestError: If their number, shapes, dtypes or values differ (values
                with ``check_forward_options``).
        """
        FunctionTestError.check_outputs_match(
            outputs, expected_outputs, self.check_forward_options
        )

    # -- the tests -----------------------------------------------------------------------------

    def test_forward(self, backend_config: BackendConfig | None = None) -> None:
        """Check the outputs of :meth:`forward` against :meth:`forward_expected`.

        Args:
            backend_config: The backend (CPU when omitted).

        Raises:
            FunctionTestError: If the outputs are not a tuple of Variables on the inputs'
                device, or differ from the expected ones.
        """
        config = start_test(self, "test_forward", backend_config)
        inputs = self._inputs()
        with config:
            device = config.device
            variables = tuple(Variable(on_device(x, device, self.contiguous)) for x in inputs)
            outputs = FunctionTestError.check_output_variables(
                self.forward(variables, device), device
            )
        expected = check_host_arrays(
            self.forward_expected(tuple(x.copy() for x in inputs)), "forward_expected()"
        )
        self.check_forward_outputs(
            tuple(output.array for output in outputs if output.array is not None),
            tuple(e for e in expected if e is not None),
        )

    def test_backward(self, backend_config: BackendConfig | None = None) -> None:
        """Check the gradients of :meth:`forward` against numerical differentiation.

        Args:
            backend_config: The backend (CPU when omitted).

        Raises:
            FunctionTestError: If the gradients are wrong (the message carries
                :func:`~kusari.graph.gradient_check.check_backward`'s breakdown), or, with
                ``dodge_nondifferentiable``, no differentiable input was drawn.
        """
        config = start_test(self, "test_backward", backend_config)

        def run(inputs: HostArrays, device: Device) -> None:
            outputs = self._forward_on(inputs, device)
            grad_outputs = check_host_arrays(
                self.generate_grad_outputs(_host(outputs)), "generate_grad_outputs()", True
            )
            check_backward(
                self._checked_function(device),
                [on_device(x, device, self.contiguous) for x in inputs],
                [on_device(g, device, self.contiguous) for g in grad_outputs],
                dtype=self.numerical_grad_dtype,
                detect_nondifferentiable=self.dodge_nondifferentiable,
                **dict(self.check_backward_options or {}),
            )

        self._run_gradient_test(config, run, "backward")

    def test_double_backward(self, backend_config: BackendConfig | None = None) -> None:
        """Check the second-order gradients of :meth:`forward` numerically.

        Args:
            backend_config: The backend (CPU when omitted).

        Raises:
            FunctionTestError: If the gradients of the gradients are wrong, or, with
                ``dodge_nondifferentiable``, no differentiable input was drawn.
        """
        config = start_test(self, "test_double_backward", backend_config)

        def run(inputs: HostArrays, device: Device) -> None:
            outputs = self._forward_on(inputs, device)
            grad_outputs = check_host_arrays(
                self.generate_grad_outputs(_host(outputs)), "generate_grad_outputs()", True
            )
            grad_grad_inputs = check_host_arrays(
                self.generate_grad_grad_inputs(inputs), "generate_grad_grad_inputs()", True
            )
            check_double_backward(
                self._checked_function(device),
                [on_device(x, device, self.contiguous) for x in inputs],
                [on_device(g, device, self.contiguous) for g in grad_outputs],
                [on_device(g, device, self.contiguous) for g in grad_grad_inputs],
                dtype=self.numerical_grad_dtype,
                detect_nondifferentiable=self.dodge_nondifferentiable,
                **dict(self.check_double_backward_options or {}),
            )

        self._run_gradient_test(config, run, "double backward")

    # -- helpers -------------------------------------------------------------------------------

    def _inputs(self) -> HostArrays:
        inputs = check_host_arrays(self.generate_inputs(), "generate_inputs()")
        return tuple(x for x in inputs if x is not None)

    def _forward_on(self, inputs: HostArrays, device: Device) -> tuple[Variable, ...]:
        variables = tuple(Variable(on_device(x, device, self.contiguous)) for x in inputs)
        return FunctionTestError.check_output_variables(self.forward(variables, device), device)

    def _checked_function(self, device: Device) -> Callable[..., tuple[Variable, ...]]:
        def function(*inputs: Variable) -> tuple[Variable, ...]:
            return FunctionTestError.check_output_variables(self.forward(inputs, device), device)

        return function

    def _run_gradient_test(
        self, config: BackendConfig, run: Callable[[HostArrays, Device], None], what: str
    ) -> None:
        trials = _DODGE_TRIALS if self.dodge_nondifferentiable else 1
        for _ in range(trials):
            inputs = self._inputs()
            with config:
                try:
                    run(inputs, config.device)
                except NondifferentiableError:
                    continue
                except FunctionTestError:
                    raise
                except AssertionError as failure:
                    raise FunctionTestError(
                        f"{what} is not implemented correctly\n\n(caused by)\n{failure}"
                    ) from failure
            return
        raise FunctionTestError(
            f"dodge_nondifferentiable: the function was not differentiable at any of "
            f"{trials} inputs drawn by generate_inputs(); draw inputs away from the "
            "non-differentiable points"
        )


def _host(outputs: tuple[Variable, ...]) -> HostArrays:
    return tuple(numpy.asarray(to_cpu(output.array)) for output in outputs)


def _random_like(templates: HostArrays) -> OptionalHostArrays:
    return tuple(
        numpy.random.uniform(-1, 1, t.shape).astype(t.dtype)  # noqa: NPY002 (fix_random seeds it)
        if numpy.issubdtype(t.dtype, numpy.floating)
        else None
        for t in templates
    )
