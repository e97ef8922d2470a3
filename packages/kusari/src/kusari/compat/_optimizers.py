"""Chainer names provided by :mod:`kusari.optimizers` (part of ``kusari-links``).

Registers ``chainer.optimizers`` (every optimizer, plus Chainer's per-optimizer submodules
such as ``chainer.optimizers.adam`` with the update rules), ``chainer.optimizer`` (the base
classes and the deprecated hook aliases), ``chainer.optimizer_hooks`` and the top-level
``chainer.Optimizer``, ``chainer.GradientMethod`` and ``chainer.UpdateRule``.
"""

from __future__ import annotations

import warnings

from ._tree import ModuleTree

__all__ = ["register"]


def _deprecated_hook_message(name: str) -> str:
    return f"chainer.optimizer.{name} is deprecated; use chainer.optimizer_hooks.{name} instead"


def register(tree: ModuleTree) -> None:
    """Add the names of ``kusari.optimizers`` to the Chainer module tree.

    Args:
        tree: The module tree that :func:`kusari.compat.install_as_chainer` builds.
    """
    # Importing raises ModuleNotFoundError without kusari-links, which skips this provider.
    from kusari import optimizers as O
    from kusari.optimizers import hooks

    tree.export(
        "chainer",
        Optimizer=O.Optimizer,
        GradientMethod=O.GradientMethod,
        UpdateRule=O.UpdateRule,
    )

    # chainer.optimizers and its submodules (``from chainer.optimizers.adam import AdamRule``)
    tree.export(
        "chainer.optimizers",
        AdaDelta=O.AdaDelta,
        AdaGrad=O.AdaGrad,
        Adam=O.Adam,
        AdamW=O.AdamW,
        AMSGrad=O.AMSGrad,
        AdaBound=O.AdaBound,
        AMSBound=O.AMSBound,
        CorrectedMomentumSGD=O.CorrectedMomentumSGD,
        MomentumSGD=O.MomentumSGD,
        MSVAG=O.MSVAG,
        NesterovAG=O.NesterovAG,
        RMSprop=O.RMSprop,
        RMSpropGraves=O.RMSpropGraves,
        SGD=O.SGD,
        SMORMS3=O.SMORMS3,
    )
    submodules: dict[str, dict[str, object]] = {
        "ada_delta": {"AdaDelta": O.AdaDelta, "AdaDeltaRule": O.AdaDeltaRule},
        "ada_grad": {"AdaGrad": O.AdaGrad, "AdaGradRule": O.AdaGradRule},
        "adam": {
            "Adam": O.Adam,
            "AdamRule": O.AdamRule,
            "AdamW": O.AdamW,
            "AMSGrad": O.AMSGrad,
            "AdaBound": O.AdaBound,
            "AMSBound": O.AMSBound,
        },
        "corrected_momentum_sgd": {
            "CorrectedMomentumSGD": O.CorrectedMomentumSGD,
            "CorrectedMomentumSGDRule": O.CorrectedMomentumSGDRule,
        },
        "momentum_sgd": {"MomentumSGD": O.MomentumSGD, "MomentumSGDRule": O.MomentumSGDRule},
        "msvag": {"MSVAG": O.MSVAG, "MSVAGRule": O.MSVAGRule},
        "nesterov_ag": {"NesterovAG": O.NesterovAG, "NesterovAGRule": O.NesterovAGRule},
        "rmsprop": {"RMSprop": O.RMSprop, "RMSpropRule": O.RMSpropRule},
        "rmsprop_graves": {
            "RMSpropGraves": O.RMSpropGraves,
            "RMSpropGravesRule": O.RMSpropGravesRule,
        },
        "sgd": {"SGD": O.SGD, "SGDRule": O.SGDRule},
        "smorms3": {"SMORMS3": O.SMORMS3, "SMORMS3Rule": O.SMORMS3Rule},
    }
    for submodule, names in submodules.items():
        tree.export(f"chainer.optimizers.{submodule}", **names)

    tree.export(
        "chainer.optimizer_hooks",
        WeightDecay=hooks.WeightDecay,
        Lasso=hooks.Lasso,
        GradientClipping=hooks.GradientClipping,
        GradientHardClipping=hooks.GradientHardClipping,
        GradientNoise=hooks.GradientNoise,
        GradientLARS=hooks.GradientLARS,
    )
    tree.export(
        "chainer.optimizer_hooks.gradient_noise",
        GradientNoise=hooks.GradientNoise,
        exponential_decay_noise=hooks.exponential_decay_noise,
    )

    tree.export(
        "chainer.optimizer",
        Optimizer=O.Optimizer,
        GradientMethod=O.GradientMethod,
        UpdateRule=O.UpdateRule,
        Hyperparameter=O.Hyperparameter,
        HyperparameterProxy=O.HyperparameterProxy,
        **_deprecated_hooks(),
    )


def _deprecated_hooks() -> dict[str, type]:
    from kusari.optimizers import hooks

    def warn(name: str) -> None:
        warnings.warn(_deprecated_hook_message(name), DeprecationWarning, stacklevel=3)

    class WeightDecay(hooks.WeightDecay):
        """Deprecated alias of ``chainer.optimizer_hooks.WeightDecay``."""

        def __init__(self, rate: float) -> None:
            warn("WeightDecay")
            super().__init__(rate)

    class Lasso(hooks.Lasso):
        """Deprecated alias of ``chainer.optimizer_hooks.Lasso``."""

        def __init__(self, rate: float) -> None:
            warn("Lasso")
            super().__init__(rate)

    class GradientClipping(hooks.GradientClipping):
        """Deprecated alias of ``chainer.optimizer_hooks.GradientClipping``."""

        def __init__(self, threshold: float) -> None:
            warn("GradientClipping")
            super().__init__(threshold)

    class GradientHardClipping(hooks.GradientHardClipping):
        """Deprecated alias of ``chainer.optimizer_hooks.GradientHardClipping``."""

        def __init__(self, lower_bound: float, upper_bound: float) -> None:
            warn("GradientHardClipping")
            super().__init__(lower_bound, upper_bound)

    class GradientNoise(hooks.GradientNoise):
        """Deprecated alias of ``chainer.optimizer_hooks.GradientNoise``."""

        def __init__(
            self, eta: float, noise_func: hooks.NoiseFunction = hooks.exponential_decay_noise
        ) -> None:
            warn("GradientNoise")
            super().__init__(eta, noise_func)

    aliases: tuple[type, ...] = (
        WeightDecay,
        Lasso,
        GradientClipping,
        GradientHardClipping,
        GradientNoise,
    )
    for alias in aliases:
        alias.__module__ = "chainer.optimizer"
        alias.__qualname__ = alias.__name__
    return {alias.__name__: alias for alias in aliases}
