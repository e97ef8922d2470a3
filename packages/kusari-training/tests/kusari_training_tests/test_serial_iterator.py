from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari.datasets import TupleDataset
from kusari.iterators import Iterator, OrderSampler, SerialIterator, ShuffleOrderSampler
from kusari.serializers import DictionarySerializer, NpzDeserializer


def roundtrip(source: Iterator[Any], target: Iterator[Any]) -> None:
    saved = DictionarySerializer()
    saved.save(source)
    NpzDeserializer(saved.target).load(target)


def test_batches_and_epoch_bookkeeping_without_shuffle() -> None:
    it = SerialIterator(list(range(5)), 2, shuffle=False)
    assert (it.epoch, it.epoch_detail, it.previous_epoch_detail, it.is_new_epoch) == (
        0,
        0.0,
        None,
        False,
    )
    expected = [
        ([0, 1], 0, 0.4, 0.0, False),
        ([2, 3], 0, 0.8, 0.4, False),
        ([4, 0], 1, 1.2, 0.8, True),
        ([1, 2], 1, 1.6, 1.2, False),
        ([3, 4], 2, 2.0, 1.6, True),
        ([0, 1], 2, 2.4, 2.0, False),
    ]
    for batch, epoch, detail, previous, new_epoch in expected:
        assert next(it) == batch
        assert it.epoch == epoch
        assert it.epoch_detail == pytest.approx(detail)
        assert it.previous_epoch_detail == pytest.approx(previous)
        assert it.is_new_epoch is new_epoch
    assert it.current_position == 2
    assert it.epoch_size == 5


def test_a_batch_larger_than_the_dataset_wraps_several_times() -> None:
    it = SerialIterator(list(range(3)), 7, shuffle=False)
    assert it.next() == [0, 1, 2, 0, 1, 2, 0]
    assert (it.epoch, it.current_position, it.is_new_epoch) == (2, 1, True)
    assert it.epoch_detail == pytest.approx(2 + 1 / 3)


def test_without_repeat_the_last_batch_is_short_then_it_stops() -> None:
    it = SerialIterator(list(range(5)), 2, repeat=False, shuffle=False)
    assert list(it) == [[0, 1], [2, 3], [4]]
    assert (it.epoch, it.is_new_epoch, it.epoch_detail) == (1, True, 1.0)
    with pytest.raises(StopIteration):
        next(it)
    it.reset()
    assert (it.epoch, it.epoch_detail, it.previous_epoch_detail) == (0, 0.0, None)
    assert next(it) == [0, 1]


def test_a_non_repeating_iterator_over_a_multiple_of_the_batch_size() -> None:
    it = SerialIterator(list(range(4)), 2, repeat=False, shuffle=False)
    assert list(it) == [[0, 1], [2, 3]]
    assert it.is_new_epoch


def test_tuple_dataset_batches_are_lists_of_examples() -> None:
    x = numpy.arange(8.0).reshape(4, 2)
    it = SerialIterator(TupleDataset(x, numpy.arange(4)), 3, shuffle=False)
    batch = next(it)
    assert len(batch) == 3
    assert batch[2][0].tolist() == [4.0, 5.0]
    assert int(batch[2][1]) == 2


def test_shuffle_with_a_seeded_sampler_follows_its_permutations() -> None:
    n = 7
    it = SerialIterator(
        list(range(n)), 3, order_sampler=ShuffleOrderSampler(numpy.random.RandomState(5))
    )
    reference = numpy.random.RandomState(5)
    stream = numpy.concatenate([reference.permutation(n) for _ in range(4)]).tolist()
    produced = [x for _ in range(9) for x in next(it)]
    assert produced == stream[:27]
    assert it.epoch == 27 // n


def test_shuffle_by_default_uses_the_global_numpy_random_state() -> None:
    numpy.random.seed(11)  # noqa: NPY002 - the global state is what is tested
    it = SerialIterator(list(range(6)), 6)
    expected = numpy.random.RandomState(11).permutation(6).tolist()
    assert next(it) == expected
    # Every epoch visits each example once.
    assert sorted(next(it)) == list(range(6))


def test_shuffle_false_and_a_generator_sampler() -> None:
    it = SerialIterator(
        list(range(4)), 4, order_sampler=ShuffleOrderSampler(numpy.random.default_rng(0))
    )
    expected = numpy.random.default_rng(0).permutation(4).tolist()
    assert next(it) == expected


class Reverse(OrderSampler):
    def __call__(self, current_order: Any, current_position: int) -> Any:
        return numpy.arange(len(current_order))[::-1]


class Broken(OrderSampler):
    def __init__(self, length: int) -> None:
        self.length = length

    def __call__(self, current_order: Any, current_position: int) -> Any:
        return numpy.arange(self.length)


def test_custom_order_sampler() -> None:
    it = SerialIterator(list("abcd"), 3, order_sampler=Reverse())
    assert next(it) == ["d", "c", "b"]
    assert next(it) == ["a", "d", "c"]
    with pytest.raises(
        ValueError,
        match=r"order of shape \(2,\); it must be 1-dimensional and as long as the previous "
        r"order \(4\)",
    ):
        SerialIterator(list("abcd"), 3, order_sampler=Broken(2))


def test_argument_errors() -> None:
    with pytest.raises(ValueError, match="shuffle is not None and a custom order_sampler is set"):
        SerialIterator([1], 1, shuffle=True, order_sampler=Reverse())
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        SerialIterator([1], 0)
    with pytest.raises(TypeError):
        SerialIterator([1], 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"random_state must be a numpy\.random\.RandomState"):
        ShuffleOrderSampler(3)  # type: ignore[arg-type]


def test_empty_datasets() -> None:
    with pytest.raises(ValueError, match="cannot iterate over an empty dataset with repeat=True"):
        next(SerialIterator([], 2, shuffle=False))
    once: SerialIterator[int] = SerialIterator([], 2, repeat=False)
    assert list(once) == []
    assert once.epoch == 0


class FailsOnce:
    def __init__(self, bad: int) -> None:
        self.bad = bad
        self.failed = False

    def __len__(self) -> int:
        return 6

    def __getitem__(self, i: int) -> int:
        if i == self.bad and not self.failed:
            self.failed = True
            raise RuntimeError(f"cannot read example {i}")
        return i


def test_an_error_in_the_dataset_leaves_the_position_as_it_was() -> None:
    it = SerialIterator(FailsOnce(3), 2, shuffle=False)
    assert next(it) == [0, 1]
    with pytest.raises(RuntimeError, match="cannot read example 3"):
        next(it)
    assert it.current_position == 2
    assert it.epoch_detail == pytest.approx(1 / 3)
    assert it.previous_epoch_detail == 0.0
    assert next(it) == [2, 3]


@pytest.mark.parametrize("own_random_state", [True, False])
def test_a_restored_iterator_yields_the_same_batches(own_random_state: bool) -> None:
    def make() -> SerialIterator[int]:
        sampler = ShuffleOrderSampler(numpy.random.RandomState(0) if own_random_state else None)
        return SerialIterator(list(range(7)), 3, order_sampler=sampler)

    numpy.random.seed(1)  # noqa: NPY002 - the global state is what is tested
    original = make()
    for _ in range(4):
        next(original)
    restored = make()
    roundtrip(original, restored)
    assert (restored.epoch, restored.current_position, restored.is_new_epoch) == (
        original.epoch,
        original.current_position,
        original.is_new_epoch,
    )
    assert restored.epoch_detail == original.epoch_detail
    assert restored.previous_epoch_detail == original.previous_epoch_detail
    if own_random_state:
        # The sampler's random state travels with the snapshot: later epochs match too.
        assert [next(restored) for _ in range(10)] == [next(original) for _ in range(10)]
    else:
        # Within the current epoch the saved order gives the same batches.
        remaining = (7 - original.current_position) // 3
        assert [next(restored) for _ in range(remaining)] == [
            next(original) for _ in range(remaining)
        ]


def test_serialized_keys_are_chainers() -> None:
    it = SerialIterator(
        list(range(4)), 3, order_sampler=ShuffleOrderSampler(numpy.random.RandomState(0))
    )
    next(it)
    saved = DictionarySerializer()
    saved.save(it)
    assert {"current_position", "epoch", "is_new_epoch", "order", "previous_epoch_detail"} <= set(
        saved.target
    )
    assert int(saved.target["current_position"]) == 3
    assert float(saved.target["previous_epoch_detail"]) == 0.0
    assert any(key.startswith("order_sampler/") for key in saved.target)
    fresh = SerialIterator(list(range(4)), 3, shuffle=False)
    fresh_saved = DictionarySerializer()
    fresh_saved.save(fresh)
    assert "order" not in fresh_saved.target
    assert float(fresh_saved.target["previous_epoch_detail"]) == -1.0


def test_loading_a_snapshot_without_sampler_state_warns() -> None:
    plain = SerialIterator(list(range(4)), 3, shuffle=True)
    next(plain)
    target = SerialIterator(
        list(range(4)), 3, order_sampler=ShuffleOrderSampler(numpy.random.RandomState(0))
    )
    with pytest.warns(UserWarning, match="holds no state of the iterator's order sampler"):
        roundtrip(plain, target)
    assert target.current_position == 3


def test_loading_a_bad_snapshot_leaves_the_iterator_unchanged() -> None:
    source = SerialIterator(list(range(5)), 2, shuffle=True)
    next(source)
    target = SerialIterator(list(range(4)), 2, shuffle=True)
    order_before = target._position.order
    assert order_before is not None
    before = order_before.copy()
    with pytest.raises(ValueError, match="shape mismatch"):
        roundtrip(source, target)
    assert target.current_position == 0
    assert numpy.array_equal(order_before, before)


def test_iterator_base_defaults() -> None:
    class Once(Iterator[int]):
        def __init__(self) -> None:
            self.done = False
            self.finalized = False

        def __next__(self) -> list[int]:
            if self.done:
                raise StopIteration
            self.done = True
            return [1]

        def finalize(self) -> None:
            self.finalized = True

    with Once() as it:
        assert iter(it) is it
        assert it.next() == [1]
        assert list(it) == []
        saved = DictionarySerializer()
        it.serialize(saved)
        assert saved.target == {}
    assert it.finalized
