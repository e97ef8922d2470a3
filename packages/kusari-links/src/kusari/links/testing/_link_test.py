"""``LinkTestCase`` and ``LinkInitializersTestCase``: tests of links."""

from __future__ import annotations

import unittest
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy
import numpy.typing as npt

from kusari.devices import Array, CpuDevice, Device, to_cpu
from kusari.graph import Variable
from kusari.graph.gradient_check import NondifferentiableError, check_backward
from kusari.initializers import generate_array, get_initializer
from kusari.testing import BackendConfig, TestError, assert_allclose

from .._link import Link
from .._parameter import Parameter

__all__ = ["InitializerArgument", "LinkInitializersTestCase", "LinkTestCase", "LinkTestError"]

HostArrays = tuple[npt.NDArray[Any], ...]

_DODGE_TRIALS = 20


class LinkTestError(TestError):
    """A :class:`LinkTestCase` found the link wrong (an :class:`AssertionError`).

    Example:
        >>> from kusari.links.testing import LinkTestError
        >>> from kusari.testing import TestError
        >>> issubclass(LinkTestError, TestError)
        True
    """


class InitializerArgument:
    """A link constructor argument and the initializer the link makes of it.

    Return it from :meth:`LinkInitializersTestCase.get_initializers` when the argument is
    not itself the initializer, such as ``None`` for a default.

    Args:
        argument_value: What is passed to the link's constructor.
        expected_initializer: The initializer-like (initializer, array or scalar) that the
            link's parameter must be filled with.

    Example:
        >>> from kusari import initializers
        >>> from kusari.links.testing import InitializerArgument
        >>> InitializerArgument(None, initializers.Zero())
        InitializerArgument(argument_value=None, expected_initializer=Zero())
    """

    __slots__ = ("argument_value", "expected_initializer")

    def __init__(self, argument_value: object, expected_initializer: object) -> None:
        self.argument_value = argument_value
        self.expected_initializer = expected_initializer

    def __repr__(self) -> str:
        return (
            f"InitializerArgument(argument_value={self.argument_value!r}, "
            f"expected_initializer={self.expected_initializer!r})"
        )


class _LinkTestBase(unittest.TestCase):
    """What both link test cases share: the required methods and the set-up of a run."""

    __test__: ClassVar[bool] = False

    backend_config: BackendConfig | None = None
    test_name: str | None = None
    param_names: Sequence[str] = ()
    contiguous: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__test__" not in cls.__dict__:
            cls.__test__ = True

    def generate_params(self) -> tuple[object, ...]:
        """Return one initializer-like per initializer argument of the link (required).

        Raises:
            NotImplementedError: Unless overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement generate_params(), returning a tuple of "
            "initializer-likes (arrays, scalars or initializers)"
        )

    def create_link(self, initializers: tuple[object, ...]) -> Link:
        """Return the link under test, built with ``initializers`` (required).

        Args:
            initializers: One initializer-like per initializer argument.

        Raises:
            NotImplementedError: Unless overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement create_link(initializers), returning a Link"
        )

    def generate_inputs(self) -> HostArrays:
        """Return the input arrays, a tuple of NumPy arrays (required).

        Raises:
            NotImplementedError: Unless overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement generate_inputs(), returning a tuple of "
            "numpy arrays"
        )

    def forward(
        self, link: Link, inputs: tuple[Variable, ...], device: Device
    ) -> tuple[Variable, ...]:
        """Call ``link`` on ``inputs``; the default returns ``(link(*inputs),)``.

        Args:
            link: The link, on ``device``.
            inputs: One Variable per generated input, on ``device``.
            device: The device.

        Returns:
            The output Variables, a tuple.
        """
        output = link(*inputs)
        return output if isinstance(output, tuple) else (output,)

    def before_test(self, test_name: str) -> None:
        """Run before each test (a hook: raise :class:`unittest.SkipTest` to skip).

        Args:
            test_name: The name of the test about to run.
        """

    def _start(self, test_name: str, backend_config: BackendConfig | None) -> BackendConfig:
        config = BackendConfig({}) if backend_config is None else backend_config
        reason = config.unavailable_reason
        if reason is not None:
            raise unittest.SkipTest(reason)
        self.backend_config = config
        self.test_name = test_name
        self.before_test(test_name)
        flag = "skip_" + test_name.removeprefix("test_") + "_test"
        if getattr(self, flag, False):
            raise unittest.SkipTest(f"{flag} is set")
        return config

    def _inputs(self) -> HostArrays:
        inputs: object = self.generate_inputs()
        if not isinstance(inputs, tuple) or not all(isinstance(x, numpy.ndarray) for x in inputs):
            raise TypeError(
                f"generate_inputs() must return a tuple of numpy arrays, got {_kinds(inputs)}"
            )
        return inputs

    def _params(self) -> tuple[object, ...]:
        params = self.generate_params()
        if not isinstance(params, tuple):
            raise TypeError(f"generate_params() must return a tuple, not {_kinds(params)}")
        return params

    def _link(self, initializers: tuple[object, ...]) -> Link:
        link = self.create_link(initializers)
        if not isinstance(link, Link):
            raise TypeError(f"create_link() must return a Link, not {type(link).__name__}")
        return link

    def _send(self, array: npt.NDArray[Any] | None, device: Device) -> Any:
        if array is None:
            return None
        if self.contiguous not in (None, "C"):
            raise ValueError(f"contiguous must be None or 'C', got {self.contiguous!r}")
        sent = device.send(array)
        if self.contiguous == "C" or array.ndim == 0 or array.size < 2:
            return device.xp.ascontiguousarray(sent)
        buffer = device.xp.empty((*array.shape[:-1], 2 * array.shape[-1]), dtype=array.dtype)
        view = buffer[..., ::2]
        view[...] = sent
        return view

    def _run(self, link: Link, inputs: HostArrays, device: Device) -> tuple[Variable, ...]:
        variables = tuple(Variable(self._send(x, device)) for x in inputs)
        return LinkTestError.check_output_variables(self.forward(link, variables, device), device)

    def _named_params(self, link: Link, names: Sequence[str]) -> list[Parameter]:
        params = []
        for name in names:
            param = getattr(link, name, None)
            if not isinstance(param, Parameter):
                raise ValueError(
                    f"param_names names {name!r}, which is not a parameter of "
                    f"{type(link).__name__} (its parameters: "
                    f"{sorted(n.lstrip('/') for n, _ in link.namedparams())})"
                )
            params.append(param)
        return params


class LinkTestCase(_LinkTestBase):
    """A test case for a link: its forward values and its gradients.

    Implement :meth:`generate_params` (the initializer arguments), :meth:`create_link`,
    :meth:`generate_inputs` and :meth:`forward_expected` (and :meth:`forward` when the link
    is not called as ``link(*inputs)``); set ``param_names`` to the parameters whose
    gradients are checked along with the inputs'. ``test_forward`` compares the outputs
    with :meth:`forward_expected`, ``test_backward`` checks the gradients of the inputs and
    of the named parameters numerically. Decorate the class with
    :func:`kusari.testing.inject_backend_tests` to run them on several backends; without
    it they run on the CPU. A wrong link fails with :class:`LinkTestError`.

    Class attributes: ``param_names``, ``skip_forward_test``, ``skip_backward_test``,
    ``dodge_nondifferentiable``, ``numerical_grad_dtype`` (``float64``), ``contiguous``
    (``None``: non-contiguous inputs where possible, or ``'C'``),
    ``check_forward_options`` (``atol`` / ``rtol`` of the value comparison) and
    ``check_backward_options`` (keyword arguments of
    :func:`~kusari.graph.gradient_check.check_backward`).

    Example:
        >>> import numpy
        >>> import kusari.links as L
        >>> from kusari.links.testing import LinkTestCase
        >>> class TestLinear(LinkTestCase):
        ...     param_names = ("W", "b")
        ...     def generate_params(self):
        ...         return (numpy.full((3, 2), 0.5, numpy.float32), numpy.zeros(3, numpy.float32))
        ...     def create_link(self, initializers):
        ...         initial_w, initial_bias = initializers
        ...         return L.Linear(2, 3, initialW=initial_w, initial_bias=initial_bias)
        ...     def generate_inputs(self):
        ...         return (numpy.random.uniform(-1, 1, (4, 2)).astype(numpy.float32),)
        ...     def forward_expected(self, link, inputs):
        ...         (x,) = inputs
        ...         return (x @ link.W.array.T + link.b.array,)
        >>> TestLinear().test_forward()
        >>> TestLinear().test_backward()
    """

    __test__: ClassVar[bool] = False

    skip_forward_test: bool = False
    skip_backward_test: bool = False
    dodge_nondifferentiable: bool = False
    numerical_grad_dtype: npt.DTypeLike = numpy.float64
    check_forward_options: Mapping[str, Any] | None = None
    check_backward_options: Mapping[str, Any] | None = None

    def forward_expected(self, link: Link, inputs: HostArrays) -> HostArrays:
        """Return the expected outputs, computed with NumPy (required for the tests).

        Args:
            link: The link that computed the outputs, on the CPU (its parameters are
                initialized).
            inputs: Copies of the generated input arrays.

        Raises:
            NotImplementedError: Unless overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward_expected(link, inputs), returning "
            "a tuple of numpy arrays"
        )

    def generate_grad_outputs(
        self, outputs_template: HostArrays
    ) -> tuple[npt.NDArray[Any] | None, ...]:
        """Return the output gradients (default: uniform in ``[-1, 1)``, like each output).

        Args:
            outputs_template: The forward outputs, as NumPy arrays.
        """
        return tuple(
            numpy.random.uniform(-1, 1, t.shape).astype(t.dtype)  # noqa: NPY002
            if numpy.issubdtype(t.dtype, numpy.floating)
            else None
            for t in outputs_template
        )

    def check_forward_outputs(
        self, outputs: tuple[Array, ...], expected_outputs: HostArrays
    ) -> None:
        """Compare the forward outputs with the expected ones (override to check more).

        Raises:
            LinkTestError: If their number, shapes, dtypes or values differ.
        """
        LinkTestError.check_outputs_match(outputs, expected_outputs, self.check_forward_options)

    def test_forward(self, backend_config: BackendConfig | None = None) -> None:
        """Check the link's outputs against :meth:`forward_expected`.

        Args:
            backend_config: The backend (CPU when omitted).
        """
        config = self._start("test_forward", backend_config)
        params = self._params()
        inputs = self._inputs()
        link = self._link(params)
        with config:
            link.to_device(config.device)
            outputs = self._run(link, inputs, config.device)
        link.to_device(CpuDevice())
        expected: object = self.forward_expected(link, tuple(x.copy() for x in inputs))
        if not isinstance(expected, tuple) or not all(
            isinstance(e, numpy.ndarray) for e in expected
        ):
            raise TypeError(
                f"forward_expected() must return a tuple of numpy arrays, got {_kinds(expected)}"
            )
        self.check_forward_outputs(
            tuple(o.array for o in outputs if o.array is not None), expected
        )

    def test_backward(self, backend_config: BackendConfig | None = None) -> None:
        """Check the gradients of the inputs and of ``param_names`` numerically.

        Args:
            backend_config: The backend (CPU when omitted).

        Raises:
            LinkTestError: If the gradients are wrong, or, with
                ``dodge_nondifferentiable``, no differentiable point was drawn.
        """
        config = self._start("test_backward", backend_config)
        trials = _DODGE_TRIALS if self.dodge_nondifferentiable else 1
        for _ in range(trials):
            params = self._params()
            inputs = self._inputs()
            link = self._link(params)
            with config:
                device = config.device
                link.to_device(device)
                # The first call also initializes lazily created parameters.
                outputs = self._run(link, inputs, device)
                checked = self._named_params(link, self.param_names)
                for param in checked:
                    param.array = self._send(to_cpu(param.array), device)
                grad_outputs = self.generate_grad_outputs(
                    tuple(numpy.asarray(to_cpu(o.array)) for o in outputs)
                )

                def function(*xs: Variable, link: Link = link, device: Device = device) -> Any:
                    return LinkTestError.check_output_variables(
                        self.forward(link, xs, device), device
                    )

                try:
                    check_backward(
                        function,
                        [self._send(x, device) for x in inputs],
                        [self._send(g, device) for g in grad_outputs],
                        params=checked,
                        dtype=self.numerical_grad_dtype,
                        detect_nondifferentiable=self.dodge_nondifferentiable,
                        **dict(self.check_backward_options or {}),
                    )
                except NondifferentiableError:
                    continue
                except LinkTestError:
                    raise
                except AssertionError as failure:
                    raise LinkTestError(
                        f"backward is not implemented correctly\n\n(caused by)\n{failure}"
                    ) from failure
            return
        raise LinkTestError(
            f"dodge_nondifferentiable: the link was not differentiable at any of {trials} "
            "points drawn by generate_params() and generate_inputs()"
        )


class LinkInitializersTestCase(_LinkTestBase):
    """A test case for the initializer arguments of a link.

    Implement :meth:`generate_params`, :meth:`create_link`, :meth:`generate_inputs` (the
    link is called once, so that lazily created parameters exist) and
    :meth:`get_initializers`; ``param_names`` names the parameter that each initializer
    argument fills, in the same order. ``test_initializers`` builds the link once per
    initializer-like of :meth:`get_initializers` (the other arguments come from
    :meth:`generate_params`) and checks that the parameter holds what that initializer
    makes for its shape and dtype. The initializers must be deterministic.

    Example:
        >>> import numpy
        >>> import kusari.links as L
        >>> from kusari import initializers
        >>> from kusari.links.testing import InitializerArgument, LinkInitializersTestCase
        >>> class TestLinearInitializers(LinkInitializersTestCase):
        ...     param_names = ("W", "b")
        ...     def generate_params(self):
        ...         return (initializers.One(), initializers.Zero())
        ...     def create_link(self, initializers):
        ...         initial_w, initial_bias = initializers
        ...         return L.Linear(None, 3, initialW=initial_w, initial_bias=initial_bias)
        ...     def generate_inputs(self):
        ...         return (numpy.ones((1, 2), numpy.float32),)
        ...     def get_initializers(self):
        ...         return (
        ...             [initializers.Constant(2.0), 0.5, numpy.full((3, 2), 7, numpy.float32)],
        ...             [InitializerArgument(None, 0), initializers.Constant(-1.0)],
        ...         )
        >>> TestLinearInitializers().test_initializers()
    """

    __test__: ClassVar[bool] = False

    check_initializers_options: Mapping[str, Any] | None = None

    def get_initializers(self) -> tuple[Sequence[object], ...]:
        """Return, per initializer argument, the initializer-likes to test (required).

        Each entry is an initializer, an array, a scalar, or an
        :class:`InitializerArgument` pairing the constructor argument with the
        initializer-like it stands for.

        Raises:
            NotImplementedError: Unless overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement get_initializers(), returning one list "
            "of initializer-likes per initializer argument"
        )

    def test_initializers(self, backend_config: BackendConfig | None = None) -> None:
        """Check every initializer-like of :meth:`get_initializers`.

        Args:
            backend_config: The backend (CPU when omitted).

        Raises:
            LinkTestError: If a parameter does not hold its initializer's values.
            ValueError: If ``param_names``, :meth:`generate_params` and
                :meth:`get_initializers` do not have one entry per argument.
        """
        config = self._start("test_initializers", backend_config)
        params = self._params()
        candidates = self.get_initializers()
        if not (len(candidates) == len(params) == len(self.param_names)):
            raise ValueError(
                f"get_initializers() gave {len(candidates)} lists, generate_params() "
                f"{len(params)} initializers and param_names {len(self.param_names)} names; "
                "give one of each per initializer argument of the link"
            )
        inputs = self._inputs()
        for position, (name, options) in enumerate(zip(self.param_names, candidates, strict=True)):
            for option in options:
                if isinstance(option, InitializerArgument):
                    argument, wanted = option.argument_value, option.expected_initializer
                else:
                    argument, wanted = option, option
                arguments = list(params)
                arguments[position] = argument
                link = self._link(tuple(arguments))
                with config:
                    link.to_device(config.device)
                    self._run(link, inputs, config.device)
                (param,) = self._named_params(link, (name,))
                actual = numpy.asarray(to_cpu(param.array))
                expected = generate_array(
                    get_initializer(wanted),  # type: ignore[arg-type]
                    actual.shape,
                    numpy,
                    dtype=actual.dtype,
                )
                try:
                    assert_allclose(
                        actual, expected, **dict(self.check_initializers_options or {})
                    )
                except AssertionError as failure:
                    raise LinkTestError(
                        f"Parameter {name!r} of {type(link).__name__} created with "
                        f"{option!r} does not hold the expected values "
                        f"(x: actual, y: expected)\n{failure}"
                    ) from failure


def _kinds(value: object) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(type(v).__name__ for v in value) + ")"
    return type(value).__name__
