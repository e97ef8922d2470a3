"""The error for a Link whose subclass ``__init__`` skipped ``super().__init__()``.

``Link.__init__`` creates the registries every Link method reads (``_params``,
``_local_link_hooks``, ...).  When a subclass forgets to call it, the first read of one of
them fails; :class:`~kusari.links.Link` catches that ``AttributeError`` where it reads the
attribute anyway (so the normal path costs nothing more) and raises this error instead.
"""

from __future__ import annotations

__all__ = ["init_not_called"]


def init_not_called(link: object) -> RuntimeError:
    """Return the error saying that ``type(link).__init__`` did not call ``Link.__init__``.

    Args:
        link: The half-built link.

    Returns:
        The ``RuntimeError`` to raise (``from None``: the missing attribute is a detail).

    Example:
        >>> from kusari.links._link_init_error import init_not_called
        >>> class Model:
        ...     pass
        >>> error = init_not_called(Model())
        >>> for part in str(error).split("; "):
        ...     print(part)
        Model.__init__() did not call super().__init__()
        call it first in __init__, before registering parameters or links
    """
    return RuntimeError(
        f"{type(link).__name__}.__init__() did not call super().__init__(); call it first "
        "in __init__, before registering parameters or links"
    )
