from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import threading

import numpy
import pytest

from kusari.graph import (
    config,
    force_backprop_mode,
    get_dtype,
    global_config,
    is_debug,
    mixed16,
    no_backprop_mode,
    set_debug,
    using_config,
)


def test_defaults_match_chainer() -> None:
    assert config.enable_backprop is True
    assert config.train is True
    assert config.type_check is True
    assert config.debug is False
    assert config.use_cudnn == "auto"
    assert config.use_cudnn_tensor_core == "auto"
    assert config.autotune is False
    assert config.cudnn_deterministic is False
    assert config.lazy_grad_sum is False
    assert config.dtype == numpy.float32
    assert config.keep_graph_on_report is False
    assert config.schedule_func is None
    assert config.use_static_graph is True
    assert config.use_ideep == "never"
    assert config.compute_mode is None
    assert config.in_recomputing is False


def current(name: str) -> object:
    """Read an entry without letting mypy narrow ``config.<name>`` across statements."""
    value: object = getattr(config, name)
    return value


def test_using_config_restores_and_nests() -> None:
    with using_config("train", False):
        assert current("train") is False
        with using_config("train", True):
            assert current("train") is True
        assert current("train") is False
    assert current("train") is True


def test_using_config_restores_on_error() -> None:
    with pytest.raises(ZeroDivisionError), using_config("train", False):
        1 / 0  # noqa: B018
    assert config.train is True


def test_entries_set_inside_a_block_survive_it() -> None:
    with using_config("train", False):
        config.my_inner_flag = 5
    assert config.my_inner_flag == 5
    assert config.train is True
    del config.my_inner_flag


def test_custom_keys_and_errors() -> None:
    config.my_flag = 1
    assert config.my_flag == 1
    del config.my_flag
    with pytest.raises(AttributeError, match="configuration has no entry 'my_flag'"):
        _ = config.my_flag
    with pytest.raises(AttributeError, match="no own configuration entry 'train'"):
        del config.train
    with using_config("brand_new", 3):
        assert config.brand_new == 3
    with pytest.raises(AttributeError):
        _ = config.brand_new


def test_global_config_is_the_fallback() -> None:
    global_config.kusari_test_value = "global"
    try:
        assert config.kusari_test_value == "global"
        with using_config("kusari_test_value", "local"):
            assert config.kusari_test_value == "local"
            assert global_config.kusari_test_value == "global"
        global_config.kusari_test_value = "changed"
        assert config.kusari_test_value == "changed"
    finally:
        del global_config.kusari_test_value
    with pytest.raises(AttributeError, match="global configuration has no entry"):
        _ = global_config.kusari_test_value
    with pytest.raises(AttributeError, match="global configuration has no entry"):
        del global_config.kusari_test_value


def test_show_prints_sorted_entries() -> None:
    out = io.StringIO()
    config.show(out)
    lines = out.getvalue().splitlines()
    keys = [line.split()[0] for line in lines]
    assert keys == sorted(keys)
    assert any(line.split() == ["train", "True"] for line in lines)
    out = io.StringIO()
    global_config.show(out)
    assert "enable_backprop" in out.getvalue()
    assert repr(config) == "<kusari.graph.config>"
    assert repr(global_config) == "<kusari.graph.global_config>"


def test_backprop_modes() -> None:
    with no_backprop_mode():
        assert current("enable_backprop") is False
        with force_backprop_mode():
            assert current("enable_backprop") is True
        assert current("enable_backprop") is False
    assert current("enable_backprop") is True


def test_debug_helpers() -> None:
    assert is_debug() is False
    set_debug(True)
    try:
        assert is_debug() is True
        assert config.debug is True
    finally:
        set_debug(False)
    with using_config("debug", True):
        assert is_debug()


def test_get_dtype() -> None:
    assert get_dtype() == numpy.float32
    assert get_dtype(numpy.float16) == numpy.float16
    with using_config("dtype", numpy.dtype(numpy.float64)):
        assert get_dtype() == numpy.float64
    with using_config("dtype", mixed16):
        assert get_dtype() == numpy.float16
        assert get_dtype(map_mixed16=numpy.float32) == numpy.float32
    assert repr(mixed16) == "dtype(mixed16)"


def test_using_config_only_accepts_the_local_config() -> None:
    with (
        pytest.raises(TypeError, match=r"supports only kusari.graph.config"),
        using_config(
            "train",
            False,
            config=global_config,  # type: ignore[arg-type]
        ),
    ):
        pass


def test_threads_see_their_own_settings() -> None:
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def worker(name: str, train: bool) -> None:
        results[f"{name}_initial"] = config.train
        with using_config("train", train):
            barrier.wait()
            results[name] = config.train
            barrier.wait()

    with using_config("train", False):
        threads = [
            threading.Thread(target=worker, args=("a", True)),
            threading.Thread(target=worker, args=("b", False)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert config.train is False
    # A new thread starts from the global values, not from its creator's overrides.
    assert results == {"a_initial": True, "b_initial": True, "a": True, "b": False}


def test_asyncio_tasks_see_their_own_settings() -> None:
    async def task(value: bool, delay: float) -> list[bool]:
        seen = []
        with using_config("train", value):
            for _ in range(3):
                await asyncio.sleep(delay)
                seen.append(config.train)
        return seen

    async def main() -> tuple[list[bool], list[bool]]:
        a, b = await asyncio.gather(task(False, 0.001), task(True, 0.0015))
        return a, b

    a, b = asyncio.run(main())
    assert a == [False, False, False]
    assert b == [True, True, True]
    assert config.train is True


@pytest.mark.parametrize(
    ("env", "code", "expected"),
    [
        ({"CHAINER_DEBUG": "1"}, "config.debug", "True"),
        ({"KUSARI_DEBUG": "1", "CHAINER_DEBUG": "0"}, "config.debug", "True"),
        ({"CHAINER_TYPE_CHECK": "0"}, "config.type_check", "False"),
        ({"CHAINER_DTYPE": "float16"}, "config.dtype", "float16"),
        ({"CHAINER_DTYPE": "mixed16"}, "config.dtype", "dtype(mixed16)"),
        ({"CHAINER_LAZY_GRAD_SUM": "1"}, "config.lazy_grad_sum", "True"),
        ({"CHAINER_USE_CUDNN": "never"}, "config.use_cudnn", "never"),
    ],
)
def test_environment_variables(env: dict[str, str], code: str, expected: str) -> None:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("CHAINER_", "KUSARI_"))
    }
    environment.update(env)
    output = subprocess.run(
        [sys.executable, "-c", f"from kusari.graph import config; print({code})"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert output == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHAINER_DEBUG": "yes"}, "must be 0 or 1, got 'yes'"),
        (
            {"CHAINER_DTYPE": "int8"},
            "must be one of float16, float32, float64, mixed16; got 'int8'",
        ),
    ],
)
def test_bad_environment_variables(env: dict[str, str], message: str) -> None:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("CHAINER_", "KUSARI_"))
    }
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "import kusari.graph"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr
