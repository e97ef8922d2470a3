"""Parsing of ``einsum`` subscripts into explicit letters (private)."""

from __future__ import annotations

import string
from collections.abc import Sequence

__all__ = ["parse_subscripts"]

_LETTERS = frozenset(string.ascii_letters)


def parse_subscripts(subscripts: str, ndims: Sequence[int]) -> tuple[tuple[str, ...], str]:
    """Turn ``'ij,jk->ik'`` (or the implicit form, with ``...``) into explicit letters.

    Every ``...`` is replaced by letters unused elsewhere, right-aligned across the
    operands as broadcasting does; the implicit output is the ellipsis letters followed by
    the letters used once, in alphabetical order (NumPy's rule).

    Args:
        subscripts: The subscripts.
        ndims: The number of axes of each operand.

    Returns:
        The letters of each operand and of the output.

    Raises:
        TypeError: If ``subscripts`` is not a string.
        ValueError: If the subscripts do not match the operands.
    """
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum subscripts must be a str, got {type(subscripts).__name__}")
    text = subscripts.replace(" ", "")
    if "->" in text:
        inputs_text, output_text = text.split("->", 1)
        explicit = True
    else:
        inputs_text, output_text, explicit = text, "", False
    inputs = inputs_text.split(",")
    if len(inputs) != len(ndims):
        raise ValueError(
            f"einsum subscripts name {len(inputs)} operand(s), but {len(ndims)} were given"
        )
    used = {c for c in text if c in _LETTERS}
    for c in text:
        if c not in _LETTERS and c not in ",.->":
            raise ValueError(f"invalid character {c!r} in einsum subscripts {subscripts!r}")
    spare = [c for c in string.ascii_uppercase + string.ascii_lowercase if c not in used]
    ellipsis_ndim = 0
    for term, ndim in zip(inputs, ndims, strict=True):
        if "..." in term:
            ellipsis_ndim = max(ellipsis_ndim, ndim - len(term.replace("...", "")))
    if ellipsis_ndim > len(spare):
        raise ValueError("too many axes under '...' in einsum")
    ellipsis = "".join(spare[:ellipsis_ndim])
    terms = []
    for term, ndim in zip(inputs, ndims, strict=True):
        if "..." in term:
            count = ndim - len(term.replace("...", ""))
            if count < 0 or term.count("...") > 1:
                raise ValueError(f"einsum term {term!r} does not fit an operand of {ndim} axes")
            term = term.replace("...", ellipsis[ellipsis_ndim - count :])
        if "." in term or len(term) != ndim:
            raise ValueError(
                f"einsum term {term!r} has {len(term)} subscripts for an operand of {ndim} axes"
            )
        terms.append(term)
    if explicit:
        if "." in output_text.replace("...", ""):
            raise ValueError(f"invalid output subscripts {output_text!r}")
        output = output_text.replace("...", ellipsis)
        if len(set(output)) != len(output):
            raise ValueError(f"output subscripts {output_text!r} repeat a letter")
        known = set("".join(terms))
        for c in output:
            if c not in known:
                raise ValueError(f"output subscript {c!r} does not appear in the inputs")
    else:
        letters = "".join(terms)
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
        output = ellipsis + "".join(once)
    return tuple(terms), output
