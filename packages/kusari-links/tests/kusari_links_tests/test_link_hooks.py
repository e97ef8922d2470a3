from __future__ import annotations

import asyncio
import threading
from typing import Any

import numpy
import pytest

from kusari.links import (
    Chain,
    ForwardPostprocessArgs,
    ForwardPreprocessArgs,
    Link,
    LinkHook,
    get_link_hooks,
)


class Double(Link):
    def forward(self, x: Any, *, offset: float = 0.0) -> Any:
        return 2 * x + offset


class Outer(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.inner = Double()

    def forward(self, x: Any) -> Any:
        return self.inner(x) + 1


class Recorder(LinkHook):
    name = "Recorder"

    def __init__(self, log: list[tuple[str, Any]], tag: str = "") -> None:
        self.log = log
        self.tag = tag

    def added(self, link: Link | None) -> None:
        self.log.append(("added" + self.tag, link))

    def deleted(self, link: Link | None) -> None:
        self.log.append(("deleted" + self.tag, link))

    def forward_preprocess(self, args: ForwardPreprocessArgs) -> None:
        self.log.append(
            (
                "pre" + self.tag,
                (type(args.link).__name__, args.forward_name, args.args, args.kwargs),
            )
        )

    def forward_postprocess(self, args: ForwardPostprocessArgs) -> None:
        self.log.append(("post" + self.tag, (type(args.link).__name__, args.out)))


def test_global_hook_sees_every_link_call_in_order() -> None:
    log: list[tuple[str, Any]] = []
    model = Outer()
    with Recorder(log) as hook:
        assert get_link_hooks() == {"Recorder": hook}
        assert model(3) == 7
    assert get_link_hooks() == {}
    assert log == [
        ("added", None),
        ("pre", ("Outer", "forward", (3,), {})),
        ("pre", ("Double", "forward", (3,), {})),
        ("post", ("Double", 6)),
        ("post", ("Outer", 7)),
        ("deleted", None),
    ]
    log.clear()
    model(1)
    assert log == []


def test_kwargs_are_passed_to_hooks_and_forward() -> None:
    log: list[tuple[str, Any]] = []
    link = Double()
    link.add_hook(Recorder(log))
    assert link(1, offset=0.5) == 2.5
    assert log[1] == ("pre", ("Double", "forward", (1,), {"offset": 0.5}))
    assert log[2] == ("post", ("Double", 2.5))


def test_local_hooks_add_and_delete() -> None:
    log: list[tuple[str, Any]] = []
    model = Outer()
    hook = Recorder(log)
    assert model.inner.add_hook(hook) is model.inner
    assert model.inner.local_link_hooks == {"Recorder": hook}
    assert log == [("added", model.inner)]
    model(2)
    assert [entry[0] for entry in log] == ["added", "pre", "post"]
    assert log[1][1][0] == "Double"
    with pytest.raises(KeyError, match="a link hook named 'Recorder' is already registered"):
        model.inner.add_hook(Recorder(log))
    model.inner.add_hook(Recorder(log, "2"), name="second")
    assert list(model.inner.local_link_hooks) == ["Recorder", "second"]
    model.inner.delete_hook("Recorder")
    assert log[-1] == ("deleted", model.inner)
    with pytest.raises(KeyError, match="no link hook named 'Recorder' is registered"):
        model.inner.delete_hook("Recorder")
    log.clear()
    model(2)
    assert [entry[0] for entry in log] == ["pre2", "post2"]


def test_add_hook_type_check() -> None:
    with pytest.raises(TypeError, match="hook must be a LinkHook, got builtin_function_or_method"):
        Double().add_hook(print)  # type: ignore[arg-type]


def test_global_hooks_run_before_local_ones() -> None:
    log: list[tuple[str, Any]] = []
    link = Double()
    link.add_hook(Recorder(log, "-local"), name="local")
    with Recorder(log, "-global"):
        link(1)
    assert [entry[0] for entry in log] == [
        "added-local",
        "added-global",
        "pre-global",
        "pre-local",
        "post-global",
        "post-local",
        "deleted-global",
    ]


def test_local_hook_with_a_global_name_replaces_it_for_that_link() -> None:
    log: list[tuple[str, Any]] = []
    link = Double()
    link.add_hook(Recorder(log, "-local"))
    with Recorder(log, "-global"):
        link(1)
    assert [entry[0] for entry in log][2:4] == ["pre-local", "post-local"]


def test_same_global_name_twice_is_refused() -> None:
    with (
        Recorder([]),
        pytest.raises(KeyError, match="'Recorder' is already registered"),
        Recorder([]),
    ):
        pass
    assert get_link_hooks() == {}


def test_base_hook_is_a_no_op() -> None:
    with LinkHook() as hook:
        assert hook.name == "LinkHook"
        assert Double()(1) == 2


def test_hook_exception_propagates_and_hook_is_removed() -> None:
    class Boom(LinkHook):
        def forward_preprocess(self, args: ForwardPreprocessArgs) -> None:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"), Boom():
        Double()(1)
    assert get_link_hooks() == {}


def test_global_hooks_are_per_thread() -> None:
    log: list[tuple[str, Any]] = []
    seen: list[int] = []

    def other_thread() -> None:
        seen.append(len(get_link_hooks()))
        Double()(1)

    with Recorder(log):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert seen == [0]
    assert [entry[0] for entry in log] == ["added", "deleted"]


def test_global_hooks_are_per_asyncio_task() -> None:
    async def main() -> list[int]:
        async def count() -> int:
            await asyncio.sleep(0)
            return len(get_link_hooks())

        outside = asyncio.create_task(count())
        with LinkHook():
            inside = asyncio.create_task(count())
            results = [await inside]
        results.append(await outside)
        return results

    assert asyncio.run(main()) == [1, 0]


def test_callback_args_repr() -> None:
    args = ForwardPostprocessArgs(Double(), "forward", (1,), {}, numpy.zeros(1))
    assert repr(args) == "<ForwardPostprocessArgs link=Double forward_name='forward'>"
    assert args.out.shape == (1,)
