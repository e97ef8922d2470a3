from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy
import pytest

from kusari.optimizers import (
    SGD,
    Adam,
    AdamHyperparameter,
    AdamRule,
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    MomentumSGD,
    RMSprop,
    SGDHyperparameter,
    check_non_negative,
)

LR = "lr"


def get(hp: Hyperparameter, name: str) -> Any:
    """Chainer-style dynamic access to the open set (mypy sees declared fields only)."""
    return getattr(hp, name)


class TestOpenHyperparameter:
    def test_child_reads_parent_and_own_value_shadows_it(self) -> None:
        parent = Hyperparameter()
        setattr(parent, LR, 0.1)
        child = Hyperparameter(parent)
        assert get(child, LR) == 0.1
        setattr(child, LR, 0.5)
        assert (get(parent, LR), get(child, LR)) == (0.1, 0.5)
        setattr(parent, LR, 0.2)
        assert get(child, LR) == 0.5

    def test_parent_property_and_get_dict(self) -> None:
        root = Hyperparameter(lr=0.1, eps=1e-8)
        child = Hyperparameter(root, lr=0.3, momentum=0.9)
        assert child.parent is root
        assert root.parent is None
        assert child.get_dict() == {"lr": 0.3, "eps": 1e-8, "momentum": 0.9}
        assert root.get_dict() == {"lr": 0.1, "eps": 1e-8}
        assert child.own_values() == {"lr": 0.3, "momentum": 0.9}

    def test_missing_name_raises_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match="Hyperparameter has no hyperparameter 'lr'"):
            get(Hyperparameter(Hyperparameter()), LR)

    def test_repr_is_sorted(self) -> None:
        assert repr(Hyperparameter(b=2, a=1)) == "Hyperparameter(a=1, b=2)"

    def test_parent_cannot_be_reassigned(self) -> None:
        hp = Hyperparameter()
        with pytest.raises(AttributeError, match="cannot be reassigned"):
            setattr(hp, "_parent", Hyperparameter())  # noqa: B010

    def test_copy_and_pickle_keep_values_and_chain(self) -> None:
        child = Hyperparameter(Hyperparameter(lr=0.1), eps=1e-3)
        for clone in (copy.deepcopy(child), pickle.loads(pickle.dumps(child))):
            assert get(clone, LR) == 0.1
            assert get(clone, "eps") == 1e-3
            assert clone.parent is not None
            assert clone.parent is not child.parent


class TestTypedHyperparameter:
    def test_defaults_without_parent(self) -> None:
        hp = AdamHyperparameter()
        assert hp.get_dict() == {
            "alpha": 0.001,
            "beta1": 0.9,
            "beta2": 0.999,
            "eps": 1e-8,
            "eta": 1.0,
            "weight_decay_rate": 0.0,
            "amsgrad": False,
            "adabound": False,
            "final_lr": 0.1,
            "gamma": 1e-3,
        }

    def test_unset_fields_fall_back_to_parent_and_delete_restores_it(self) -> None:
        parent = AdamHyperparameter(alpha=0.01)
        child = AdamHyperparameter(parent)
        assert child.alpha == 0.01
        child.alpha = 0.5
        assert (parent.alpha, child.alpha) == (0.01, 0.5)
        del child.alpha
        assert child.alpha == 0.01
        parent.beta1 = 0.5
        assert child.beta1 == 0.5

    def test_ints_become_floats(self) -> None:
        hp = SGDHyperparameter(lr=1)
        assert hp.lr == 1.0
        assert type(hp.lr) is float
        hp.lr = numpy.float32(0.5)  # type: ignore[assignment]
        assert type(hp.lr) is float

    def test_repr_lists_fields_in_declaration_order(self) -> None:
        assert repr(SGDHyperparameter(lr=0.5)) == "SGDHyperparameter(lr=0.5)"

    def test_unknown_field_is_rejected(self) -> None:
        hp = AdamHyperparameter()
        with pytest.raises(
            AttributeError, match="AdamHyperparameter has no hyperparameter 'aplha'"
        ):
            hp.aplha = 0.1  # type: ignore[attr-defined]  # mypy catches the typo too
        with pytest.raises(AttributeError, match="no hyperparameter 'lr'"):
            AdamHyperparameter().update(lr=0.1)

    @pytest.mark.parametrize(
        ("field", "value", "error", "message"),
        [
            ("alpha", -0.1, ValueError, "hyperparameter 'alpha' must be >= 0, got -0.1"),
            ("beta1", 1.0, ValueError, r"hyperparameter 'beta1' must be in \[0, 1\), got 1.0"),
            ("beta2", -0.5, ValueError, r"hyperparameter 'beta2' must be in \[0, 1\), got -0.5"),
            ("eps", -1e-8, ValueError, "hyperparameter 'eps' must be >= 0, got -1e-08"),
            ("gamma", 0.0, ValueError, "hyperparameter 'gamma' must be > 0, got 0.0"),
            ("alpha", float("nan"), ValueError, "hyperparameter 'alpha' must be finite, got nan"),
            ("alpha", "0.1", TypeError, "hyperparameter 'alpha' must be a real number, got '0.1'"),
            ("alpha", True, TypeError, "hyperparameter 'alpha' must be a real number, got True"),
            ("amsgrad", 1, TypeError, "hyperparameter 'amsgrad' must be a bool, got 1"),
        ],
    )
    def test_bad_value_on_assignment_keeps_old_value(
        self, field: str, value: Any, error: type[Exception], message: str
    ) -> None:
        hp = AdamHyperparameter(alpha=0.01)
        before = hp.get_dict()
        with pytest.raises(error, match=message):
            setattr(hp, field, value)
        assert hp.get_dict() == before

    def test_bad_value_at_construction(self) -> None:
        with pytest.raises(ValueError, match="hyperparameter 'alpha' must be >= 0, got -1"):
            Adam(alpha=-1)
        with pytest.raises(ValueError, match=r"'lr' must be >= 0, got -0\.01"):
            SGD(lr=-0.01)
        with pytest.raises(ValueError, match=r"'momentum' must be in \[0, 1\], got 1.5"):
            MomentumSGD(momentum=1.5)
        with pytest.raises(TypeError, match="'eps_inside_sqrt' must be a bool"):
            RMSprop(eps_inside_sqrt="yes")  # type: ignore[arg-type]

    def test_update_is_all_or_nothing(self) -> None:
        hp = AdamHyperparameter()
        with pytest.raises(ValueError, match="'beta2'"):
            hp.update(alpha=0.5, beta2=2.0)
        assert hp.alpha == 0.001
        assert hp.own_values() == {}

    def test_bad_value_through_optimizer_property_leaves_rules_alone(self) -> None:
        opt = Adam(alpha=0.01)
        rule = opt.create_update_rule()
        with pytest.raises(ValueError, match="'alpha' must be >= 0, got -3"):
            opt.alpha = -3
        assert opt.alpha == 0.01
        assert rule.hyperparam.alpha == 0.01

    def test_user_defined_typed_set(self) -> None:
        class MyHyperparameter(Hyperparameter):
            lr = HyperparameterField(0.1, check=check_non_negative, doc="Learning rate.")

        hp = MyHyperparameter(lr=0.3)
        assert hp.lr == 0.3
        assert MyHyperparameter().lr == 0.1
        assert MyHyperparameter.lr.default == 0.1
        assert hp.field_names() == ("lr",)

    def test_bad_default_is_rejected_at_class_creation(self) -> None:
        with pytest.raises(ValueError, match=r"'lr' must be >= 0, got -1\.0"):

            class Bad(Hyperparameter):
                lr = HyperparameterField(-1.0, check=check_non_negative)


class TestProxyAndPropagation:
    def test_optimizer_assignment_reaches_every_rule(self) -> None:
        opt = Adam()
        rules = [opt.create_update_rule() for _ in range(3)]
        opt.alpha = 0.5
        assert [rule.hyperparam.alpha for rule in rules] == [0.5, 0.5, 0.5]

    def test_per_rule_override_shadows_the_optimizer(self) -> None:
        opt = Adam()
        first, second = opt.create_update_rule(), opt.create_update_rule()
        first.hyperparam.alpha = 0.25
        opt.alpha = 0.5
        assert (first.hyperparam.alpha, second.hyperparam.alpha) == (0.25, 0.5)

    def test_rule_constructor_overrides(self) -> None:
        opt = Adam(alpha=0.01)
        rule = AdamRule(opt.hyperparam, beta1=0.5)
        assert (rule.hyperparam.alpha, rule.hyperparam.beta1) == (0.01, 0.5)
        assert rule.hyperparam.parent is opt.hyperparam
        standalone = AdamRule(alpha=0.2)
        assert standalone.hyperparam.alpha == 0.2
        assert standalone.hyperparam.beta2 == 0.999

    def test_proxy_class_access_and_name(self) -> None:
        proxy = Adam.__dict__["alpha"]
        assert isinstance(proxy, HyperparameterProxy)
        assert proxy.attr_name == "alpha"
        assert proxy.__doc__ == "Alias of ``self.hyperparam.alpha``."

    def test_chainer_style_named_proxy(self) -> None:
        class Holder:
            learning_rate = HyperparameterProxy[float]("lr")

            def __init__(self) -> None:
                self.hyperparam = Hyperparameter(lr=0.1)

        holder = Holder()
        assert holder.learning_rate == 0.1
        holder.learning_rate = 0.3
        assert get(holder.hyperparam, LR) == 0.3
