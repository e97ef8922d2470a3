"""``BackendConfig``: one backend (device and configuration) that a test runs on."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, TypeVar

from kusari.devices import CpuDevice, CudaDevice, Device
from kusari.devices import cuda as _cuda
from kusari.graph import using_config

if TYPE_CHECKING:
    import types

    import pytest

__all__ = ["BackendConfig"]

_T = TypeVar("_T")

_MODES: Final = ("never", "auto", "always")

# Chainer's parameters, in Chainer's order (the order of repr and get_func_str).
_DEFAULTS: Final[dict[str, object]] = {
    "use_chainerx": False,
    "chainerx_device": None,
    "use_cuda": False,
    "cuda_device": None,
    "use_cudnn": "never",
    "cudnn_deterministic": False,
    "autotune": False,
    "cudnn_fast_batch_normalization": False,
    "use_ideep": "never",
}
_FLAGS: Final = (
    "use_chainerx",
    "use_cuda",
    "cudnn_deterministic",
    "autotune",
    "cudnn_fast_batch_normalization",
)
# The entries that __enter__ applies to kusari.graph.config.
_CONFIG_KEYS: Final = (
    "use_cudnn",
    "cudnn_deterministic",
    "autotune",
    "cudnn_fast_batch_normalization",
    "use_ideep",
)


class BackendConfig:
    """The backend a test runs on: a device plus the configuration entries to set.

    The parameters are Chainer's: ``use_cuda`` (run on CuPy), ``cuda_device`` (its id,
    ``0`` when ``use_cuda`` is set without it), ``use_cudnn``, ``use_ideep`` (``'never'``,
    ``'auto'`` or ``'always'``), ``cudnn_deterministic``, ``autotune``,
    ``cudnn_fast_batch_normalization``, ``use_chainerx`` and ``chainerx_device``. Missing
    ones take Chainer's defaults. kusari has no ChainerX and no iDeep backend: such a
    configuration can be created (so Chainer test suites import), and
    :attr:`unavailable_reason` says why it cannot run; the tests that
    :func:`inject_backend_tests` generates for it are skipped with that reason.

    Used as a context manager, it sets the configuration entries (``use_cudnn``,
    ``use_ideep``, ``cudnn_deterministic``, ``autotune``,
    ``cudnn_fast_batch_normalization``) with :func:`kusari.graph.using_config` and makes
    :attr:`device` the current device.

    Args:
        params: The parameters, a mapping from the names above to their values.

    Raises:
        ValueError: If a parameter is unknown, ``use_cudnn`` / ``use_ideep`` is not one
            of ``'never'``, ``'auto'``, ``'always'``, ``cuda_device`` is negative,
            ``use_chainerx`` is set without ``chainerx_device``, or both ``use_cuda``
            and ``use_chainerx`` are set.
        TypeError: If ``params`` is not a mapping or a parameter has the wrong type.

    Example:
        >>> import numpy
        >>> from kusari.graph import config
        >>> from kusari.testing import BackendConfig
        >>> backend = BackendConfig({"use_cudnn": "always"})
        >>> str(backend.device), backend.use_cuda, backend.unavailable_reason
        ('@numpy', False, None)
        >>> with backend:
        ...     print(config.use_cudnn)
        always
        >>> backend.get_array(numpy.ones(2)).tolist()
        [1.0, 1.0]
    """

    __slots__ = ("_contexts", "_values")

    def __init__(self, params: Mapping[str, object]) -> None:
        if not isinstance(params, Mapping):
            raise TypeError(
                "BackendConfig needs a mapping of parameter names to values, got "
                f"{type(params).__name__}"
            )
        unknown = [key for key in params if key not in _DEFAULTS]
        if unknown:
            raise ValueError(
                f"BackendConfig: unknown parameter(s) {unknown}; the parameters are "
                f"{list(_DEFAULTS)}"
            )
        values = {**_DEFAULTS, **params}
        for flag in _FLAGS:
            if not isinstance(values[flag], bool):
                raise TypeError(f"BackendConfig: {flag} must be a bool, got {values[flag]!r}")
        for mode in ("use_cudnn", "use_ideep"):
            if values[mode] not in _MODES:
                raise ValueError(
                    f"BackendConfig: {mode} must be one of {list(_MODES)}, got {values[mode]!r}"
                )
        device_id = values["cuda_device"]
        if device_id is not None and not (
            isinstance(device_id, int) and not isinstance(device_id, bool) and device_id >= 0
        ):
            raise ValueError(
                f"BackendConfig: cuda_device must be None or a device id >= 0, got {device_id!r}"
            )
        if values["use_cuda"] and device_id is None:
            values["cuda_device"] = 0
        chainerx_device = values["chainerx_device"]
        if chainerx_device is not None and not isinstance(chainerx_device, str):
            raise TypeError(
                "BackendConfig: chainerx_device must be None or a ChainerX device "
                f"specifier such as 'native:0', got {chainerx_device!r}"
            )
        if values["use_chainerx"] and chainerx_device is None:
            raise ValueError(
                "BackendConfig: use_chainerx needs chainerx_device, a ChainerX device "
                "specifier such as 'native:0'"
            )
        if values["use_chainerx"] and values["use_cuda"]:
            raise ValueError(
                "BackendConfig: use_cuda and use_chainerx cannot both be set (a ChainerX "
                "CUDA device is chainerx_device='cuda:0')"
            )
        self._values: dict[str, object] = values
        self._contexts: list[contextlib.ExitStack] = []

    # -- the parameters ------------------------------------------------------------------------

    @property
    def use_cuda(self) -> bool:
        """Whether the test runs on CuPy (a CUDA device)."""
        return bool(self._values["use_cuda"])

    @property
    def cuda_device(self) -> int | None:
        """The CUDA device id (``0`` when ``use_cuda`` is set without one), else ``None``."""
        value = self._values["cuda_device"]
        return value if isinstance(value, int) else None

    @property
    def use_cudnn(self) -> str:
        """The ``use_cudnn`` configuration entry to set."""
        return str(self._values["use_cudnn"])

    @property
    def use_ideep(self) -> str:
        """The ``use_ideep`` configuration entry to set (kusari cannot run ``'always'``)."""
        return str(self._values["use_ideep"])

    @property
    def use_chainerx(self) -> bool:
        """Whether the configuration asks for ChainerX (which kusari cannot run)."""
        return bool(self._values["use_chainerx"])

    @property
    def chainerx_device(self) -> str | None:
        """The ChainerX device specifier, or ``None``."""
        value = self._values["chainerx_device"]
        return value if isinstance(value, str) else None

    @property
    def cudnn_deterministic(self) -> bool:
        """The ``cudnn_deterministic`` configuration entry to set."""
        return bool(self._values["cudnn_deterministic"])

    @property
    def autotune(self) -> bool:
        """The ``autotune`` configuration entry to set."""
        return bool(self._values["autotune"])

    @property
    def cudnn_fast_batch_normalization(self) -> bool:
        """The ``cudnn_fast_batch_normalization`` configuration entry to set."""
        return bool(self._values["cudnn_fast_batch_normalization"])

    # -- what the tests use --------------------------------------------------------------------

    @property
    def unavailable_reason(self) -> str | None:
        """Why this configuration cannot run here, or ``None`` when it can.

        ChainerX and ``use_ideep='always'`` never run on kusari; a CUDA configuration
        needs CuPy and a device with id ``cuda_device``.
        """
        if self.use_chainerx:
            return "kusari has no ChainerX backend (use_chainerx=True)"
        if self.use_ideep == "always":
            return "kusari has no iDeep backend (use_ideep='always')"
        if self.use_cuda:
            try:
                _cuda.check_cuda_available()
            except RuntimeError as error:
                return f"the configuration needs CUDA (use_cuda=True): {error}"
            count = _device_count()
            if self.cuda_device is not None and self.cuda_device >= count:
                return (
                    f"the configuration needs CUDA device {self.cuda_device}, but "
                    f"{count} device(s) are visible"
                )
        return None

    @property
    def device(self) -> Device:
        """The device the test's arrays live on: :class:`~kusari.devices.CudaDevice` or CPU.

        Raises:
            RuntimeError: If the configuration cannot run here (see
                :attr:`unavailable_reason`).
        """
        reason = self.unavailable_reason
        if reason is not None:
            raise RuntimeError(f"{self!r} cannot run: {reason}")
        if self.use_cuda:
            return CudaDevice(self.cuda_device or 0)
        return CpuDevice()

    @property
    def xp(self) -> types.ModuleType:
        """The array module of :attr:`device` (:mod:`numpy` or ``cupy``)."""
        return self.device.xp

    def get_array(self, np_array: _T) -> _T:
        """Return ``np_array`` sent to :attr:`device`.

        Args:
            np_array: A NumPy array, ``None``, or a list / tuple / dict of them.

        Returns:
            The same structure with the arrays on :attr:`device` (NumPy arrays are returned
            as they are on the CPU).
        """
        sent: _T = self.device.send(np_array)  # type: ignore[call-overload]
        return sent

    def get_func_str(self) -> str:
        """Return a string naming every parameter and its value (Chainer's format).

        Example:
            >>> from kusari.testing import BackendConfig
            >>> BackendConfig({"use_cuda": True}).get_func_str().split("__")[2:4]
            ['use_cuda_true', 'cuda_device_0']
        """
        return "__".join(
            f"{key}_{str(value).lower() if isinstance(value, bool) else value}"
            for key, value in self._values.items()
        )

    def get_pytest_marks(self) -> list[pytest.MarkDecorator]:
        """Return the pytest marks of a test on this backend: ``gpu`` for CUDA.

        The repository's pytest configuration declares the ``gpu`` mark, so
        ``pytest -m "not gpu"`` deselects the CUDA tests. This imports pytest.
        """
        if not self.use_cuda:
            return []
        import pytest

        return [pytest.mark.gpu]

    def __enter__(self) -> BackendConfig:
        stack = contextlib.ExitStack()
        try:
            for key in _CONFIG_KEYS:
                stack.enter_context(using_config(key, self._values[key]))
            if self.use_cuda:
                stack.enter_context(self.device.create_context())
        except BaseException:
            stack.close()
            raise
        self._contexts.append(stack)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._contexts.pop().close()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BackendConfig):
            return NotImplemented
        return self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        body = " ".join(f"{key}={value!r}" for key, value in self._values.items())
        return f"<BackendConfig {body}>"

    @property
    def label(self) -> str:
        """A short name of the backend for test names: ``'cpu'``, ``'cuda_0'``, ...

        Example:
            >>> from kusari.testing import BackendConfig
            >>> BackendConfig({"use_cuda": True, "use_cudnn": "always"}).label
            'cuda_0_cudnn_always'
        """
        if self.use_chainerx:
            parts = ["chainerx", str(self.chainerx_device).replace(":", "_")]
        elif self.use_cuda:
            parts = [f"cuda_{self.cuda_device}"]
        else:
            parts = ["cpu"]
        if self.use_cudnn != "never":
            parts.append(f"cudnn_{self.use_cudnn}")
        if self.use_ideep != "never":
            parts.append(f"ideep_{self.use_ideep}")
        parts.extend(
            flag
            for flag in ("cudnn_deterministic", "autotune", "cudnn_fast_batch_normalization")
            if self._values[flag]
        )
        return "_".join(parts)


def _device_count() -> int:
    cupy = _cuda.cupy
    return int(cupy.cuda.runtime.getDeviceCount())
