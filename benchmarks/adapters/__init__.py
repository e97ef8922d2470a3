"""The implementations: name -> adapter factory, imported lazily (each runs in its own process).

=============  =============================================  ===================
name           what                                           interpreter
=============  =============================================  ===================
kusari         kusari, ``config.type_check`` on (default)     the bench venv
kusari-notc    kusari, ``config.type_check = False``          the bench venv
kusari-free    kusari, ``backward(release_retained=True)``    the bench venv
chainer        Chainer 7.8.1                                  the Chainer venv
chainer-notc   Chainer 7.8.1, ``config.type_check = False``   the Chainer venv
torch          PyTorch eager                                  the bench venv
numpy          the numpy floor (workloads a and b)            the bench venv
=============  =============================================  ===================
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from ..protocol import Adapter


@dataclass(frozen=True)
class Impl:
    """An implementation: its adapter module and where it runs."""

    name: str
    module: str
    chainer_venv: bool = False
    #: Workloads it runs by default (None: all).
    workloads: frozenset[str] | None = None
    gpu: bool = False


IMPLS: tuple[Impl, ...] = (
    Impl("kusari", "kusari_impl", gpu=True),
    Impl("kusari-notc", "kusari_impl", gpu=True),
    Impl("kusari-free", "kusari_impl", workloads=frozenset({"mem"})),
    Impl("chainer", "chainer_impl", chainer_venv=True),
    Impl("chainer-notc", "chainer_impl", chainer_venv=True),
    Impl("torch", "torch_impl", gpu=True),
    Impl("numpy", "numpy_impl", workloads=frozenset({"chain", "wide"})),
)

BY_NAME: dict[str, Impl] = {i.name: i for i in IMPLS}


def get(name: str) -> Impl:
    """The implementation called ``name``."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown implementation {name!r}; known: {', '.join(BY_NAME)}") from None


def make(name: str, device: str) -> Adapter[Any]:
    """Import the adapter module of ``name`` and build it for ``device``.

    Raises:
        benchmarks.protocol.Unavailable: The framework (or the device) is not there.
    """
    mod = importlib.import_module(f"{__name__}.{get(name).module}")
    adapter: Adapter[Any] = mod.make(name, device)
    return adapter


def versions(name: str) -> dict[str, str]:
    """The versions of the framework behind ``name`` (best effort)."""
    mod = importlib.import_module(f"{__name__}.{get(name).module}")
    try:
        out: dict[str, str] = mod.versions()
    except Exception:  # versions are decoration; never fail a run over them
        return {}
    return out
