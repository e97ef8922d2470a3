from __future__ import annotations

import asyncio
import threading
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import FunctionHook, FunctionNode, Variable, get_function_hooks, using_config


class Recorder(FunctionHook):
    def __init__(self, name: str = "recorder") -> None:
        self.name = name
        self.events: list[tuple[Any, ...]] = []

    def added(self, function: FunctionNode | None) -> None:
        self.events.append(("added", function))

    def deleted(self, function: FunctionNode | None) -> None:
        self.events.append(("deleted", function))

    def forward_preprocess(self, function: FunctionNode, in_data: tuple[Any, ...]) -> None:
        self.events.append(("forward_pre", function.label, len(in_data)))

    def forward_postprocess(self, function: FunctionNode, in_data: tuple[Any, ...]) -> None:
        self.events.append(("forward_post", function.label))

    def backward_preprocess(self, function: FunctionNode, in_data: Any, out_grad: Any) -> None:
        self.events.append(
            ("backward_pre", function.label, tuple(g is not None for g in out_grad))
        )

    def backward_postprocess(self, function: FunctionNode, in_data: Any, out_grad: Any) -> None:
        self.events.append(("backward_post", function.label))


def test_global_hook_sees_every_call_in_order() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    with Recorder() as hook:
        assert dict(get_function_hooks()) == {"recorder": hook}
        y = F.sum(F.tanh(x) * x)
        y.backward()
    assert get_function_hooks() == {}
    assert hook.events == [
        ("added", None),
        ("forward_pre", "Tanh", 1),
        ("forward_post", "Tanh"),
        ("forward_pre", "Mul", 2),
        ("forward_post", "Mul"),
        ("forward_pre", "Sum", 1),
        ("forward_post", "Sum"),
        ("backward_pre", "Sum", (True,)),
        ("backward_post", "Sum"),
        ("backward_pre", "Mul", (True,)),
        ("backward_post", "Mul"),
        ("backward_pre", "Tanh", (True,)),
        ("backward_post", "Tanh"),
        ("deleted", None),
    ]


def test_backward_hooks_get_arrays_also_in_double_backprop() -> None:
    seen: list[type] = []

    class Types(FunctionHook):
        name = "types"

        def backward_preprocess(self, function: Any, in_data: Any, out_grad: Any) -> None:
            seen.extend(type(g) for g in out_grad)

    x = Variable(numpy.array([1.0]))
    with Types():
        F.sum(x * x).backward(enable_double_backprop=True)
    assert seen
    assert all(t is numpy.ndarray for t in seen)


def test_local_hook() -> None:
    x = Variable(numpy.array([1.0]))
    from kusari.functions.activation.tanh import Tanh

    f = Tanh()
    hook = Recorder("local")
    f.add_hook(hook)
    assert hook.events == [("added", f)]
    (y,) = f.apply((x,))
    other = F.tanh(x)  # not hooked
    F.sum(y + other).backward()
    labels = [e[0] for e in hook.events]
    assert labels == ["added", "forward_pre", "forward_post", "backward_pre", "backward_post"]
    f.delete_hook("local")
    assert hook.events[-1] == ("deleted", f)
    with pytest.raises(KeyError, match="no hook named 'local'"):
        f.delete_hook("local")


def test_duplicate_names_are_refused() -> None:
    with (
        Recorder("same"),
        pytest.raises(KeyError, match="'same' is already registered"),
        Recorder("same"),
    ):
        pass
    from kusari.functions.activation.tanh import Tanh

    f = Tanh()
    f.add_hook(Recorder("a"))
    with pytest.raises(KeyError, match="'a' is already registered on Tanh"):
        f.add_hook(Recorder("a"))
    f.add_hook(Recorder("a"), name="b")
    assert list(f.local_function_hooks) == ["a", "b"]
    with pytest.raises(TypeError, match="hook must be a FunctionHook, got object"):
        f.add_hook(object())  # type: ignore[arg-type]


def test_hooks_are_per_thread() -> None:
    seen_in_thread: list[int] = []

    def worker() -> None:
        seen_in_thread.append(len(get_function_hooks()))
        F.tanh(Variable(numpy.ones(1)))

    with Recorder() as hook:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen_in_thread == [0]
    assert [e for e in hook.events if e[0] == "forward_pre"] == []


def test_hooks_are_per_task() -> None:
    async def main() -> tuple[int, int]:
        async def registers() -> int:
            with Recorder("task"):
                await asyncio.sleep(0)
                return len(get_function_hooks())

        async def observes() -> int:
            await asyncio.sleep(0)
            return len(get_function_hooks())

        a, b = await asyncio.gather(registers(), observes())
        return a, b

    assert asyncio.run(main()) == (1, 0)


def test_hook_survives_unrelated_config_changes() -> None:
    with Recorder() as hook:
        with using_config("train", False):
            pass
        F.tanh(Variable(numpy.ones(1)))
    assert ("forward_pre", "Tanh", 1) in hook.events
    assert repr(hook) == "<Recorder 'recorder'>"
