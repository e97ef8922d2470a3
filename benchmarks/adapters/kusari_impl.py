"""kusari, through the shared Chainer-API adapter.

Variants: ``kusari`` (type checking on, the default), ``kusari-notc``
(``config.type_check = False``) and ``kusari-free`` (``Variable.backward(release_retained=True)``,
kusari's opt-in release of each function's retained arrays right after its backward).
"""

from __future__ import annotations

import contextlib
import importlib
from types import ModuleType

from ..protocol import Unavailable
from .chainer_api import ChainerAPIAdapter, ChainerModules


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def modules() -> ChainerModules:
    """kusari's modules; links and optimizers may still be missing in a partial checkout."""
    try:
        import kusari.functions as F
        from kusari.graph import Variable, config
    except ImportError as e:
        raise Unavailable(f"kusari.graph cannot be imported ({e})") from None
    links = _optional("kusari.links")
    return ChainerModules(
        prefix="",
        variable=Variable,
        functions=F,
        links=links,
        optimizers=_optional("kusari.optimizers"),
        chain_list=getattr(links, "ChainList", None),
        config=config,
    )


def versions() -> dict[str, str]:
    """The versions of the kusari distributions in this interpreter."""
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str] = {}
    for dist in ("kusari-devices", "kusari-graph", "kusari-links", "kusari"):
        with contextlib.suppress(PackageNotFoundError):
            out[dist] = version(dist)
    return out


def make(variant: str, device: str) -> ChainerAPIAdapter:
    """``variant`` is ``kusari``, ``kusari-notc`` or ``kusari-free``."""
    m = modules()
    if variant == "kusari":
        return ChainerAPIAdapter(variant, m, device=device)
    if variant == "kusari-notc":
        return ChainerAPIAdapter(variant, m, type_check=False, device=device)
    if variant == "kusari-free":
        return ChainerAPIAdapter(
            variant, m, backward_kwargs={"release_retained": True}, device=device
        )
    raise ValueError(f"unknown kusari variant {variant!r}")
