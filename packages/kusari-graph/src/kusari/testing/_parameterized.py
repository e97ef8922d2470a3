"""Class-level test parameterisation that pytest and unittest both collect."""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar, overload

import numpy

__all__ = ["CaseExtension", "parameterize", "parameterize_sets", "product", "product_dict"]

_ClassT = TypeVar("_ClassT", bound=type)

# Kept in the decorated class's own __dict__, so that stacked decorators compose.
_SETS = "_kusari_parameter_sets"
_GENERATED = "_kusari_generated_cases"

_MAX_SUFFIX = 60


class CaseExtension:
    """A value in a parameter set that shapes the generated class instead of being an attribute.

    :func:`kusari.testing.inject_backend_tests` stores one per backend configuration, so
    that backend injection and :func:`parameterize` compose in either order: every
    generated class gets the attributes of its parameter sets plus the namespace entries
    of its extensions.
    """

    __slots__ = ()

    @property
    def label(self) -> str:
        """The part of the generated class name that stands for this value."""
        raise NotImplementedError

    def class_namespace(self, base: type) -> dict[str, object]:
        """Return the class attributes (typically wrapped test methods) for ``base``."""
        raise NotImplementedError


def parameterize(*params: Mapping[str, object]) -> Callable[[_ClassT], _ClassT]:
    """Return a class decorator that makes one test class per parameter set.

    For every mapping in ``params`` a subclass of the decorated class is created with the
    mapping's items as class attributes, named
    ``<Class>_param_<i>_<key>_<value>_...`` (sanitised to an identifier), and added to the
    module that defines the class, where pytest (and unittest) collect it. The decorated
    class itself gets ``__test__ = False``, so it is not collected without parameters.

    Decorators can be stacked; the generated classes then cover every combination (the
    outer decorator's sets vary slowest). A key may appear in only one of them.

    Args:
        *params: The parameter sets, one mapping from attribute name to value per case.
            :func:`product` and :func:`product_dict` build them.

    Returns:
        The class decorator. It returns the decorated class unchanged apart from
        ``__test__``.

    Raises:
        ValueError: If no parameter set is given, a key is not an identifier, or stacked
            decorators share a key.
        TypeError: If a parameter set is not a mapping, or the decorator is applied to
            something that is not a class.
        RuntimeError: If the class's module is not in :data:`sys.modules`.

    Example:
        >>> import sys
        >>> from kusari.testing import parameterize
        >>> @parameterize({"n": 1}, {"n": 2})
        ... class TestCount:
        ...     def test_positive(self) -> None:
        ...         assert self.n > 0
        >>> module = vars(sys.modules[TestCount.__module__])
        >>> [name for name in module if name.startswith("TestCount_")]
        ['TestCount_param_0_n_1', 'TestCount_param_1_n_2']
        >>> module["TestCount_param_1_n_2"].n
        2
    """
    if not params:
        raise ValueError("parameterize needs at least one parameter set")
    return parameterize_sets(
        [_checked_set(p, f"parameter set {i}") for i, p in enumerate(params)], "parameterize"
    )


def parameterize_sets(
    sets: Sequence[dict[str, object]], caller: str
) -> Callable[[_ClassT], _ClassT]:
    """Return :func:`parameterize`'s decorator for already checked parameter sets.

    Values that are :class:`CaseExtension` instances are not set as attributes; their
    :meth:`~CaseExtension.class_namespace` is added to the generated class instead, and
    their :attr:`~CaseExtension.label` names it.

    Args:
        sets: The parameter sets (non-empty, keys are identifiers).
        caller: The public name used in error messages.

    Returns:
        The class decorator.
    """

    def decorator(cls: _ClassT) -> _ClassT:
        if not isinstance(cls, type):
            raise TypeError(f"{caller} decorates test classes, got {type(cls).__name__} {cls!r}")
        module = sys.modules.get(cls.__module__)
        if module is None:
            raise RuntimeError(
                f"{caller}: the module {cls.__module__!r} of {cls.__qualname__} is not "
                "in sys.modules, so the generated test classes cannot be registered"
            )
        inner: list[dict[str, object]] = cls.__dict__.get(_SETS, [{}])
        combined = [_merge(outer, inner_set) for outer in sets for inner_set in inner]
        namespaces = [_namespace(cls, values) for values in combined]
        for name in cls.__dict__.get(_GENERATED, ()):
            if name in vars(module):
                delattr(module, name)
        names: list[str] = []
        for index, (values, extra) in enumerate(zip(combined, namespaces, strict=True)):
            name = _case_name(cls.__name__, index, values)
            namespace: dict[str, object] = {
                **extra,
                "__module__": cls.__module__,
                "__qualname__": name,
                "__test__": True,
            }
            setattr(module, name, type(cls)(name, (cls,), namespace))
            names.append(name)
        type.__setattr__(cls, _SETS, combined)
        type.__setattr__(cls, _GENERATED, names)
        type.__setattr__(cls, "__test__", False)
        return cls

    return decorator


def _namespace(cls: type, values: Mapping[str, object]) -> dict[str, object]:
    namespace: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, CaseExtension):
            namespace.update(value.class_namespace(cls))
        else:
            namespace[key] = value
    return namespace


@overload
def product(parameter: Mapping[str, Sequence[object]]) -> list[dict[str, object]]: ...
@overload
def product(parameter: Sequence[Sequence[Mapping[str, object]]]) -> list[dict[str, object]]: ...
def product(
    parameter: Mapping[str, Sequence[object]] | Sequence[Sequence[Mapping[str, object]]],
) -> list[dict[str, object]]:
    """Return the Cartesian product of parameter values, as a list of parameter sets.

    Given a mapping from name to a list of values, every combination becomes one mapping
    (the last key varies fastest). Given a list of lists of mappings, it is the same as
    :func:`product_dict`.

    Args:
        parameter: ``{name: [values...]}``, or a sequence of lists of parameter sets.

    Returns:
        The parameter sets, ready for :func:`parameterize`.

    Raises:
        TypeError: If a value list is not a list or tuple.
        ValueError: If a value list is empty, or merged sets share a key.

    Example:
        >>> from kusari.testing import product
        >>> for case in product({"dtype": ["float32", "float64"], "n": [1, 2]}):
        ...     print(case)
        {'dtype': 'float32', 'n': 1}
        {'dtype': 'float32', 'n': 2}
        {'dtype': 'float64', 'n': 1}
        {'dtype': 'float64', 'n': 2}
    """
    if isinstance(parameter, Mapping):
        keys = list(parameter)
        columns: list[Sequence[object]] = []
        for key in keys:
            values = parameter[key]
            if not isinstance(values, (list, tuple)):
                raise TypeError(
                    f"product: the values of {key!r} must be a list or tuple, got "
                    f"{type(values).__name__}"
                )
            if not values:
                raise ValueError(f"product: the values of {key!r} are empty")
            columns.append(values)
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*columns)]
    return product_dict(*parameter)


def product_dict(*parameters: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Return every merge of one parameter set from each list.

    Args:
        *parameters: Lists of parameter sets; the sets drawn from different lists must not
            share keys.

    Returns:
        The merged parameter sets (the last list varies fastest).

    Raises:
        TypeError: If an argument is not a list or tuple of mappings.
        ValueError: If a list is empty, or two merged sets share a key.

    Example:
        >>> from kusari.testing import product_dict
        >>> product_dict([{"a": 1}, {"a": 2}], [{"b": "x"}])
        [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'x'}]
    """
    lists: list[list[dict[str, object]]] = []
    for position, sets in enumerate(parameters):
        if not isinstance(sets, (list, tuple)):
            raise TypeError(
                f"product_dict: argument {position} must be a list or tuple of parameter "
                f"sets, got {type(sets).__name__}"
            )
        if not sets:
            raise ValueError(f"product_dict: argument {position} is empty")
        lists.append([_checked_set(s, f"argument {position}[{i}]") for i, s in enumerate(sets)])
    merged: list[dict[str, object]] = []
    for combo in itertools.product(*lists):
        result: dict[str, object] = {}
        for part in combo:
            result = _merge(result, part)
        merged.append(result)
    return merged


def _checked_set(params: object, what: str) -> dict[str, object]:
    if not isinstance(params, Mapping):
        raise TypeError(
            f"{what} must be a mapping of names to values, got {type(params).__name__}"
        )
    for key in params:
        if not (isinstance(key, str) and key.isidentifier()):
            raise ValueError(f"{what} has the key {key!r}, which is not a valid attribute name")
    return dict(params)


def _merge(first: Mapping[str, object], second: Mapping[str, object]) -> dict[str, object]:
    shared = sorted(first.keys() & second.keys())
    if shared:
        raise ValueError(f"parameter sets to be combined share the key(s) {shared}")
    return {**first, **second}


def _case_name(base: str, index: int, values: Mapping[str, object]) -> str:
    parts = [
        value.label if isinstance(value, CaseExtension) else f"{key}_{_value_name(value)}"
        for key, value in values.items()
    ]
    # "-" becomes "m" so that x=-1 and x=1 read differently: x_m1 and x_1.
    suffix = (
        re.sub(r"\W+", "_", "_".join(parts).replace("-", "m")).strip("_")[:_MAX_SUFFIX].rstrip("_")
    )
    return f"{base}_param_{index}_{suffix}" if suffix else f"{base}_param_{index}"


def _value_name(value: object) -> str:
    if isinstance(value, numpy.dtype):
        return str(value)
    name = getattr(value, "__name__", None)
    if isinstance(name, str):
        return name
    if isinstance(value, (tuple, list)):
        return "_".join(_value_name(v) for v in value) or "empty"
    return str(value)
