from __future__ import annotations

import subprocess
import sys
import textwrap
import unittest
from pathlib import Path
from typing import Any

import numpy
import pytest

from kusari import testing


@testing.parameterize(
    *testing.product({"dtype": [numpy.float32, numpy.float64], "shape": [(2,), (3, 4)]})
)
class TestGeneratedHere:
    """Collected four times in this very run, once per parameter set."""

    dtype: Any
    shape: tuple[int, ...]

    def test_attributes_are_set(self) -> None:
        x = numpy.zeros(self.shape, self.dtype)
        assert x.dtype in (numpy.float32, numpy.float64)
        assert x.shape in ((2,), (3, 4))


def test_generated_classes_are_registered_in_the_module() -> None:
    module = sys.modules[__name__]
    names = sorted(name for name in vars(module) if name.startswith("TestGeneratedHere_"))
    assert names == [
        "TestGeneratedHere_param_0_dtype_float32_shape_2",
        "TestGeneratedHere_param_1_dtype_float32_shape_3_4",
        "TestGeneratedHere_param_2_dtype_float64_shape_2",
        "TestGeneratedHere_param_3_dtype_float64_shape_3_4",
    ]
    case = getattr(module, names[1])
    assert issubclass(case, TestGeneratedHere)
    assert (case.dtype, case.shape) == (numpy.float32, (3, 4))
    assert case.__test__ is True
    assert TestGeneratedHere.__dict__["__test__"] is False


def _collect(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "test_generated.py"
    path.write_text(textwrap.dedent(source))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_pytest_collects_one_class_per_parameter_set(tmp_path: Path) -> None:
    ids = _collect(
        tmp_path,
        """
        from kusari import testing

        @testing.parameterize(*testing.product({"a": [1, 2, 3], "b": ["x", "y"]}))
        class TestPlain:
            def test_one(self):
                assert self.a in (1, 2, 3)

            def test_two(self):
                assert self.b in ("x", "y")
        """,
    )
    assert len(ids) == 12
    assert "test_generated.py::TestPlain_param_0_a_1_b_x::test_one" in ids
    assert "test_generated.py::TestPlain_param_5_a_3_b_y::test_two" in ids
    assert not any("::TestPlain::" in i for i in ids)


def test_pytest_collects_unittest_cases_and_stacked_decorators(tmp_path: Path) -> None:
    ids = _collect(
        tmp_path,
        """
        import unittest
        from kusari import testing

        @testing.parameterize({"x": -1}, {"x": 1})
        @testing.parameterize({"y": 0.5}, {"y": 2}, {"y": 3})
        class TestCase(unittest.TestCase):
            def test_it(self):
                self.assertIn(self.x * self.y, (-0.5, 0.5, -2, 2, -3, 3))
        """,
    )
    assert len(ids) == 6
    assert "test_generated.py::TestCase_param_0_x_m1_y_0_5::test_it" in ids
    assert "test_generated.py::TestCase_param_5_x_1_y_3::test_it" in ids


def test_generated_unittest_cases_run() -> None:
    seen: list[tuple[int, str]] = []

    @testing.parameterize(*testing.product_dict([{"n": 1}, {"n": 2}], [{"s": "a"}]))
    class Case(unittest.TestCase):
        n: int
        s: str

        def test_record(self) -> None:
            seen.append((self.n, self.s))

    module = sys.modules[__name__]
    try:
        suite = unittest.TestSuite()
        for name in ("Case_param_0_n_1_s_a", "Case_param_1_n_2_s_a"):
            suite.addTest(getattr(module, name)("test_record"))
        result = unittest.TestResult()
        suite.run(result)
        assert result.wasSuccessful()
        assert seen == [(1, "a"), (2, "a")]
    finally:
        for name in ("Case_param_0_n_1_s_a", "Case_param_1_n_2_s_a"):
            delattr(module, name)


def test_value_names_are_readable() -> None:
    @testing.parameterize(
        {"f": numpy.sin, "dtype": numpy.dtype("float16"), "eps": 1e-3, "name": "a b"}
    )
    class Case:
        pass

    module = sys.modules[__name__]
    try:
        assert hasattr(module, "Case_param_0_f_sin_dtype_float16_eps_0_001_name_a_b")
    finally:
        delattr(module, "Case_param_0_f_sin_dtype_float16_eps_0_001_name_a_b")


class TestProduct:
    def test_dict_of_lists(self) -> None:
        assert testing.product({"a": [1, 2], "b": ("x",), "c": [None, True]}) == [
            {"a": 1, "b": "x", "c": None},
            {"a": 1, "b": "x", "c": True},
            {"a": 2, "b": "x", "c": None},
            {"a": 2, "b": "x", "c": True},
        ]

    def test_list_of_lists_of_dicts(self) -> None:
        combined = testing.product([[{"a": 1}, {"a": 2, "z": 0}], [{"b": 3}]])
        assert combined == [{"a": 1, "b": 3}, {"a": 2, "z": 0, "b": 3}]

    def test_product_dict(self) -> None:
        assert testing.product_dict([{"a": 1}], [{"b": 2}, {"b": 3}], [{"c": 4}]) == [
            {"a": 1, "b": 2, "c": 4},
            {"a": 1, "b": 3, "c": 4},
        ]

    def test_values_must_be_a_list(self) -> None:
        with pytest.raises(TypeError, match="the values of 'a' must be a list or tuple, got str"):
            testing.product({"a": "xyz"})

    def test_values_must_not_be_empty(self) -> None:
        with pytest.raises(ValueError, match="the values of 'a' are empty"):
            testing.product({"a": []})

    def test_shared_keys_are_rejected(self) -> None:
        with pytest.raises(ValueError, match=r"share the key\(s\) \['a'\]"):
            testing.product_dict([{"a": 1}], [{"a": 2}])

    def test_product_dict_needs_lists(self) -> None:
        with pytest.raises(TypeError, match="argument 0 must be a list or tuple"):
            testing.product_dict({"a": 1})  # type: ignore[arg-type]


class TestParameterizeBadInput:
    def test_no_parameter_sets(self) -> None:
        with pytest.raises(ValueError, match="at least one parameter set"):
            testing.parameterize()

    def test_not_a_mapping(self) -> None:
        with pytest.raises(TypeError, match="parameter set 1 must be a mapping"):
            testing.parameterize({"a": 1}, [("a", 2)])  # type: ignore[arg-type]

    def test_key_not_an_identifier(self) -> None:
        with pytest.raises(ValueError, match="has the key 'not valid'"):
            testing.parameterize({"not valid": 1})

    def test_not_a_class(self) -> None:
        with pytest.raises(TypeError, match="parameterize decorates test classes, got function"):
            testing.parameterize({"a": 1})(lambda: None)  # type: ignore[type-var]

    def test_stacked_decorators_sharing_a_key(self) -> None:
        inner = testing.parameterize({"a": 1})

        class Case:
            pass

        inner(Case)
        try:
            with pytest.raises(ValueError, match=r"share the key\(s\) \['a'\]"):
                testing.parameterize({"a": 2})(Case)
        finally:
            delattr(sys.modules[__name__], "Case_param_0_a_1")

    def test_module_not_imported(self) -> None:
        Case = type("Case", (), {"__module__": "no_such_module_anywhere"})
        with pytest.raises(RuntimeError, match="'no_such_module_anywhere' of Case is not in"):
            testing.parameterize({"a": 1})(Case)
