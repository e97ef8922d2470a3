"""Chainer 7.8.1 (run in its own Python 3.11 / numpy 1.26 interpreter), through the shared
Chainer-API adapter.  Variants: ``chainer`` and ``chainer-notc`` (``config.type_check = False``).
"""

from __future__ import annotations

from ..protocol import Unavailable
from .chainer_api import ChainerAPIAdapter, ChainerModules


def modules() -> ChainerModules:
    """Chainer's modules."""
    try:
        import chainer
        import chainer.functions as F
        import chainer.links as L
        import chainer.optimizers as O
    except ImportError as e:
        raise Unavailable(f"chainer cannot be imported ({e})") from None
    return ChainerModules(
        prefix="chainer.",
        variable=chainer.Variable,
        functions=F,
        links=L,
        optimizers=O,
        chain_list=chainer.ChainList,
        config=chainer.config,
    )


def versions() -> dict[str, str]:
    """Chainer's version."""
    import chainer

    return {"chainer": str(chainer.__version__)}


def make(variant: str, device: str) -> ChainerAPIAdapter:
    """``variant`` is ``chainer`` or ``chainer-notc``; CPU only (no CuPy in its venv)."""
    if device != "cpu":
        raise Unavailable("the Chainer venv has no CuPy; Chainer runs on the CPU only")
    m = modules()
    if variant == "chainer":
        return ChainerAPIAdapter(variant, m)
    if variant == "chainer-notc":
        return ChainerAPIAdapter(variant, m, type_check=False)
    raise ValueError(f"unknown chainer variant {variant!r}")
