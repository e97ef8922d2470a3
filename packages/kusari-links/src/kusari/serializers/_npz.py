"""NPZ files: :class:`NpzDeserializer`, :func:`save_npz` and :func:`load_npz`."""

from __future__ import annotations

import contextlib
import copy
import os
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, Self, TypeAlias, TypeVar, cast, overload

import numpy
import numpy.lib.format
import numpy.typing as npt

from kusari.devices import Array, copyto, is_array

from ._base import Deserializer, Serializable
from ._dictionary import DictionarySerializer, is_none_marker
from ._files import FileLike, PathLike, atomic_write, describe

__all__ = ["IgnoreNames", "NpzDeserializer", "load_npz", "save_npz"]

_T = TypeVar("_T")

IgnoreName: TypeAlias = str | Callable[[str], bool]
IgnoreNames: TypeAlias = IgnoreName | Sequence[IgnoreName] | None
"""Keys to skip when loading: a full key, a predicate on full keys, or a list of them."""

_CORRUPTION_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)


class _LoadSession:
    """What the deserializers of one hierarchy share: the staging area and the pass."""

    __slots__ = ("source", "staged", "validating")

    def __init__(self, source: str) -> None:
        self.source = source
        self.validating = False
        self.staged: dict[str, npt.NDArray[Any]] = {}


class NpzDeserializer(Deserializer):
    """Deserializer that loads values from a mapping of key paths to NumPy arrays.

    The mapping is usually the object returned by ``numpy.load`` for an ``.npz`` file,
    but any ``Mapping[str, ndarray]`` works (:func:`load_safetensors` uses a dict).

    Values are copied *in place* into the existing arrays, so their identity is kept
    (and copies made with ``Link.copy('share')`` see the new values).  Where the target
    is ``None`` (an uninitialized parameter) the loaded array is returned, and the link
    initializes the parameter with its shape.  Python and NumPy scalars are rebuilt with
    their own type after a safe-cast check; a saved ``None`` loads as ``None``.

    :meth:`load` is transactional: it first runs ``obj.serialize`` in a validation pass
    that reads every requested entry into a staging area and checks keys, shapes and
    dtypes without changing anything (each call returns the value it was given), and
    only when everything checks out runs the pass that writes.  So an error -- a missing
    key, a shape mismatch, a corrupted entry -- leaves every parameter as it was.  This
    relies on ``serialize`` changing state only through what serializer calls return,
    which holds for kusari's links and optimizers.  Calling ``obj.serialize(deserializer)``
    directly, as Chainer code sometimes does, loads in a single pass without that
    guarantee.

    Args:
        npz: The mapping to read from.
        path: The prefix of every key read (``''`` or ending in ``'/'``), such as
            ``'updater/model:main/'`` to load a model out of a trainer snapshot.
        strict: If ``True``, a missing key raises :class:`KeyError`; otherwise the value
            is left as it is.
        ignore_names: Keys not to load: a full key (with ``path``), a predicate called
            with the full key, or a list of those.
        source: How error messages name the data (a file name); ``'the npz data'`` when
            omitted.

    Raises:
        TypeError: If ``ignore_names`` holds something that is neither a string nor a
            callable.

    Example:
        >>> import numpy
        >>> from kusari.serializers import NpzDeserializer
        >>> weight = numpy.zeros(3)
        >>> deserializer = NpzDeserializer({"l1/W": numpy.arange(3.0)})
        >>> deserializer["l1"]("W", weight) is weight
        True
        >>> weight
        array([0., 1., 2.])
    """

    npz: Mapping[str, npt.NDArray[Any]]
    path: str
    strict: bool
    ignore_names: IgnoreNames

    def __init__(
        self,
        npz: Mapping[str, npt.NDArray[Any]],
        path: str = "",
        strict: bool = True,
        ignore_names: IgnoreNames = None,
        *,
        source: str | None = None,
    ) -> None:
        self.npz = npz
        self.path = path
        self.strict = strict
        self.ignore_names = ignore_names
        self._ignored = _ignore_predicates(ignore_names)
        self._session = _LoadSession("the npz data" if source is None else source)

    def __getitem__(self, key: str) -> Self:
        """Return the deserializer of the child ``key`` (same data, same load pass)."""
        child = copy.copy(self)
        child.path = self.path + key.strip("/") + "/"
        return child

    def load(self, obj: Serializable) -> None:
        """Load ``obj`` from the data, all or nothing.

        Runs ``obj.serialize`` twice: a validation pass that stages and checks every
        value, then the pass that writes (see the class description).

        Args:
            obj: The object to load into.

        Raises:
            KeyError: If a key is missing (with ``strict=True``), naming the full key.
            ValueError: On a shape mismatch (naming the key and both shapes), or an entry
                that is corrupted or holds pickled data.
            TypeError: If a value cannot be cast safely to the target's dtype or type.
        """
        session = self._session
        if session.validating:  # a nested load() inside the validation pass
            obj.serialize(self)
            return
        session.validating = True
        try:
            obj.serialize(self)
        except BaseException:
            session.staged.clear()
            raise
        finally:
            session.validating = False
        try:
            obj.serialize(self)
        finally:
            session.staged.clear()

    @overload
    def __call__(self, key: str, value: None) -> Array | None: ...
    @overload
    def __call__(self, key: str, value: _T) -> _T: ...
    def __call__(self, key: str, value: object) -> object:
        """Load the value saved under ``path + key`` into ``value``.

        Args:
            key: The name of the value.
            value: The current value: an array to fill in place, a scalar or string to
                replace, or ``None`` to receive a new array.

        Returns:
            ``value`` itself for arrays (filled in place); the loaded scalar or string;
            the loaded array when ``value`` is ``None``; ``None`` when ``None`` was saved;
            ``value`` unchanged when the key is skipped.  In the validation pass of
            :meth:`load`, always ``value`` unchanged.

        Raises:
            KeyError: If the key is missing and ``strict`` is ``True``.
            ValueError: On a shape mismatch or an unreadable entry.
            TypeError: If the saved value cannot be cast safely.
        """
        full_key = self.path + key.lstrip("/")
        if self._is_ignored(full_key):
            return value
        if full_key not in self.npz:
            if not self.strict:
                return value
            raise KeyError(
                f"{full_key!r} is not in {self._session.source} (loading with strict=True; "
                "pass strict=False to skip missing entries)"
            )
        data = self._read(full_key)
        validating = self._session.validating
        if is_none_marker(data):
            return value if validating else None
        if value is None:
            return None if validating else data
        if is_array(value):
            target = cast(Array, value)
            self._check_array(full_key, data, target)
            if not validating:
                copyto(target, data)
            return value
        loaded = self._to_scalar(full_key, data, value)
        return value if validating else loaded

    def _is_ignored(self, full_key: str) -> bool:
        return any(predicate(full_key) for predicate in self._ignored)

    def _read(self, full_key: str) -> npt.NDArray[Any]:
        session = self._session
        staged = session.staged.get(full_key)
        if staged is not None:
            return staged
        source = session.source
        try:
            data = numpy.asarray(self.npz[full_key])
        except _CORRUPTION_ERRORS as error:
            if isinstance(error, ValueError) and "allow_pickle" in str(error):
                raise ValueError(_pickled_message(source, full_key)) from None
            raise ValueError(
                f"cannot read {full_key!r} from {source}: the entry is corrupted or "
                f"truncated ({type(error).__name__}: {error})"
            ) from error
        if data.dtype.hasobject:
            raise ValueError(_pickled_message(source, full_key))
        if session.validating:
            session.staged[full_key] = data
        return data

    def _check_array(self, full_key: str, data: npt.NDArray[Any], target: Array) -> None:
        source = self._session.source
        if data.shape != target.shape:
            raise ValueError(
                f"cannot load {full_key!r} from {source}: shape mismatch, the file holds "
                f"{data.shape} but the target has shape {target.shape}"
            )
        if not numpy.can_cast(data.dtype, target.dtype, casting="same_kind"):
            raise TypeError(
                f"cannot load {full_key!r} from {source}: the saved dtype {data.dtype} "
                f"cannot be cast to the target dtype {target.dtype}"
            )

    def _to_scalar(self, full_key: str, data: npt.NDArray[Any], value: object) -> object:
        source = self._session.source
        kind = type(value)
        if data.ndim != 0:
            raise ValueError(
                f"cannot load {full_key!r} from {source}: the target is a {kind.__name__} "
                f"scalar but the file holds an array of shape {data.shape}"
            )
        if issubclass(data.dtype.type, numpy.number) and not numpy.can_cast(data.dtype, kind):
            raise TypeError(
                f"cannot load {full_key!r} from {source}: the saved dtype {data.dtype} "
                f"cannot be cast safely to {kind.__name__}"
            )
        try:
            return kind(data)  # type: ignore[call-arg]
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"cannot load {full_key!r} from {source} into a {kind.__name__}: {error}"
            ) from error


def _pickled_message(source: str, full_key: str) -> str:
    return (
        f"refusing to load {full_key!r} from {source}: the entry is a pickled object array "
        "(Chainer saved None values that way), and kusari never unpickles checkpoint data; "
        "re-save the checkpoint without object arrays"
    )


def _ignore_predicates(ignore_names: IgnoreNames) -> tuple[Callable[[str], bool], ...]:
    if ignore_names is None:
        return ()
    items = (
        [ignore_names]
        if isinstance(ignore_names, str) or callable(ignore_names)
        else list(ignore_names)
    )
    predicates: list[Callable[[str], bool]] = []
    for item in items:
        if isinstance(item, str):
            predicates.append(item.__eq__)
        elif callable(item):
            predicates.append(item)
        else:
            raise TypeError(
                "ignore_names must be a key, a callable taking a key, or a list of them; "
                f"got an item of type {type(item).__name__}"
            )
    return tuple(predicates)


def write_npz(
    stream: IO[bytes], arrays: Mapping[str, npt.NDArray[Any]], compression: bool
) -> None:
    """Write ``arrays`` to ``stream`` in the ``.npz`` format, never pickling.

    The layout is what :func:`numpy.savez_compressed` (or :func:`numpy.savez`) writes: a
    zip archive with one ``<key>.npy`` member per array.
    """
    method = zipfile.ZIP_DEFLATED if compression else zipfile.ZIP_STORED
    with zipfile.ZipFile(stream, mode="w", compression=method, allowZip64=True) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", mode="w", force_zip64=True) as member:
                numpy.lib.format.write_array(member, array, allow_pickle=False)


def save_npz(file: PathLike | FileLike, obj: Serializable, compression: bool = True) -> None:
    """Save ``obj`` to an ``.npz`` file (a zip archive of ``.npy`` arrays, no pickle).

    The keys are the serializer paths (``'l1/W'``, ``'predictor/0/b'``, ``'t'``...); see
    :class:`DictionarySerializer`, also for how ``None`` is stored.  A file name is
    written atomically: the archive goes to a temporary file in the same folder, which
    then replaces ``file``, so a crash mid-save never destroys the previous checkpoint.
    No ``.npz`` suffix is appended.  A file object is written to directly.

    Args:
        file: A path, or a binary file object opened for writing.
        obj: The object to save (a link, an optimizer, ...).
        compression: Deflate the arrays (as :func:`numpy.savez_compressed`); ``False``
            stores them as they are (as :func:`numpy.savez`).

    Raises:
        TypeError: If a value could only be saved with pickle.

    Example:
        >>> import io, numpy
        >>> from kusari.serializers import load_npz, save_npz
        >>> class Box:
        ...     def __init__(self, value):
        ...         self.value = value
        ...     def serialize(self, serializer):
        ...         self.value = serializer("value", self.value)
        >>> buffer = io.BytesIO()
        >>> save_npz(buffer, Box(numpy.arange(3.0)))
        >>> restored = Box(numpy.zeros(3))
        >>> load_npz(io.BytesIO(buffer.getvalue()), restored)
        >>> restored.value
        array([0., 1., 2.])
    """
    serializer = DictionarySerializer()
    serializer.save(obj)
    arrays = serializer.target

    def write(stream: IO[bytes]) -> None:
        write_npz(stream, arrays, compression)

    if isinstance(file, (str, os.PathLike)):
        atomic_write(file, write)
    else:
        write(file)


def load_npz(
    file: PathLike | FileLike,
    obj: Serializable,
    path: str = "",
    strict: bool = True,
    ignore_names: IgnoreNames = None,
) -> None:
    """Load ``obj`` from an ``.npz`` file, all or nothing.

    The file is opened with ``allow_pickle=False``.  Arrays are copied in place into the
    existing ones; uninitialized parameters are initialized with the saved shapes.  If
    anything is wrong -- a missing key, a shape mismatch, a corrupted or truncated file, a
    pickled entry -- an error is raised and ``obj`` is left exactly as it was.

    Args:
        file: A path, or a binary file object opened for reading.
        obj: The object to load into.
        path: The key prefix to load from, such as ``'updater/model:main/'``.
        strict: If ``False``, keys missing from the file are skipped.
        ignore_names: Keys not to load (see :class:`NpzDeserializer`).

    Raises:
        KeyError: A missing key with ``strict=True``, naming the full key.
        ValueError: A shape mismatch, or a file that is not a readable npz archive or
            holds pickled data, naming the file.
        TypeError: A value that cannot be cast safely to its target.

    Example:
        >>> import io, numpy
        >>> from kusari.serializers import load_npz
        >>> class Box:
        ...     def __init__(self):
        ...         self.value = numpy.zeros(2)
        ...     def serialize(self, serializer):
        ...         self.value = serializer("value", self.value)
        >>> buffer = io.BytesIO()
        >>> numpy.savez(buffer, other=numpy.ones(2))
        >>> box = Box()
        >>> try:
        ...     load_npz(io.BytesIO(buffer.getvalue()), box)
        ... except KeyError as error:
        ...     print("missing:", "'value'" in str(error))
        missing: True
        >>> box.value
        array([0., 0.])
    """
    source = describe(file)
    with contextlib.ExitStack() as stack:
        # numpy.load leaks the file it opened itself when the archive is unreadable.
        stream = (
            stack.enter_context(open(file, "rb")) if isinstance(file, (str, os.PathLike)) else file
        )
        archive = stack.enter_context(_open_npz(stream, source))
        deserializer = NpzDeserializer(
            archive, path=path, strict=strict, ignore_names=ignore_names, source=source
        )
        deserializer.load(obj)


def _open_npz(stream: FileLike, source: str) -> numpy.lib.npyio.NpzFile:
    try:
        loaded = numpy.load(stream, allow_pickle=False)
    except _CORRUPTION_ERRORS as error:
        raise ValueError(
            f"{source} is not a readable npz archive; the file may be corrupted or "
            f"truncated ({type(error).__name__}: {error})"
        ) from error
    if not isinstance(loaded, numpy.lib.npyio.NpzFile):
        raise ValueError(f"{source} holds a single .npy array, not an npz archive")
    return loaded
