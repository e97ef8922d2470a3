"""Optimizers of kusari: UpdateRule, Optimizer, GradientMethod and the update rules.

An optimizer is set up on a link and updates every parameter the link had at that time,
each through its own :class:`UpdateRule`.  Hyperparameters are typed
(:class:`AdamHyperparameter`, ...): ``optimizer.alpha`` is a ``float`` to mypy, a bad value
raises :class:`ValueError` naming the field, and a value set on one rule's
``hyperparam`` overrides the optimizer's for that parameter only.  Optimizer hooks live in
:mod:`kusari.optimizers.hooks`.

Example:
    >>> from kusari.optimizers import Adam
    >>> opt = Adam(alpha=0.01)
    >>> opt.alpha = 0.02
    >>> rule = opt.create_update_rule()
    >>> rule.hyperparam.alpha
    0.02
    >>> rule.hyperparam.alpha = 0.5  # this rule only
    >>> opt.alpha, rule.hyperparam.alpha
    (0.02, 0.5)
"""

from kusari.links.__about__ import __version__ as __version__

from . import hooks as hooks
from ._ada_delta import AdaDelta as AdaDelta
from ._ada_delta import AdaDeltaHyperparameter as AdaDeltaHyperparameter
from ._ada_delta import AdaDeltaRule as AdaDeltaRule
from ._ada_grad import AdaGrad as AdaGrad
from ._ada_grad import AdaGradHyperparameter as AdaGradHyperparameter
from ._ada_grad import AdaGradRule as AdaGradRule
from ._adam import Adam as Adam
from ._adam import AdamHyperparameter as AdamHyperparameter
from ._adam import AdamRule as AdamRule
from ._adam_variants import AdaBound as AdaBound
from ._adam_variants import AdamW as AdamW
from ._adam_variants import AMSBound as AMSBound
from ._adam_variants import AMSGrad as AMSGrad
from ._gradient_method import GradientMethod as GradientMethod
from ._hooks_table import Timing as Timing
from ._hyperparameter import Hyperparameter as Hyperparameter
from ._hyperparameter import HyperparameterField as HyperparameterField
from ._hyperparameter import HyperparameterProxy as HyperparameterProxy
from ._hyperparameter import check_decay_rate as check_decay_rate
from ._hyperparameter import check_flag as check_flag
from ._hyperparameter import check_non_negative as check_non_negative
from ._hyperparameter import check_positive as check_positive
from ._hyperparameter import check_unit_interval as check_unit_interval
from ._momentum_sgd import CorrectedMomentumSGD as CorrectedMomentumSGD
from ._momentum_sgd import CorrectedMomentumSGDRule as CorrectedMomentumSGDRule
from ._momentum_sgd import MomentumSGD as MomentumSGD
from ._momentum_sgd import MomentumSGDHyperparameter as MomentumSGDHyperparameter
from ._momentum_sgd import MomentumSGDRule as MomentumSGDRule
from ._msvag import MSVAG as MSVAG
from ._msvag import MSVAGHyperparameter as MSVAGHyperparameter
from ._msvag import MSVAGRule as MSVAGRule
from ._nesterov_ag import NesterovAG as NesterovAG
from ._nesterov_ag import NesterovAGRule as NesterovAGRule
from ._optimizer import Optimizer as Optimizer
from ._optimizer import OptimizerHook as OptimizerHook
from ._protocols import UpdatableParameter as UpdatableParameter
from ._rmsprop import RMSprop as RMSprop
from ._rmsprop import RMSpropHyperparameter as RMSpropHyperparameter
from ._rmsprop import RMSpropRule as RMSpropRule
from ._rmsprop_graves import RMSpropGraves as RMSpropGraves
from ._rmsprop_graves import RMSpropGravesHyperparameter as RMSpropGravesHyperparameter
from ._rmsprop_graves import RMSpropGravesRule as RMSpropGravesRule
from ._sgd import SGD as SGD
from ._sgd import SGDHyperparameter as SGDHyperparameter
from ._sgd import SGDRule as SGDRule
from ._smorms3 import SMORMS3 as SMORMS3
from ._smorms3 import SMORMS3Hyperparameter as SMORMS3Hyperparameter
from ._smorms3 import SMORMS3Rule as SMORMS3Rule
from ._update_rule import UpdateRule as UpdateRule
from ._update_rule import UpdateRuleHook as UpdateRuleHook

__all__ = [
    "__version__",
    # the framework
    "Optimizer",
    "GradientMethod",
    "UpdateRule",
    "OptimizerHook",
    "UpdateRuleHook",
    "Timing",
    "UpdatableParameter",
    # hyperparameters
    "Hyperparameter",
    "HyperparameterField",
    "HyperparameterProxy",
    "check_decay_rate",
    "check_flag",
    "check_non_negative",
    "check_positive",
    "check_unit_interval",
    # optimizers
    "SGD",
    "SGDHyperparameter",
    "SGDRule",
    "MomentumSGD",
    "MomentumSGDHyperparameter",
    "MomentumSGDRule",
    "CorrectedMomentumSGD",
    "CorrectedMomentumSGDRule",
    "NesterovAG",
    "NesterovAGRule",
    "AdaGrad",
    "AdaGradHyperparameter",
    "AdaGradRule",
    "AdaDelta",
    "AdaDeltaHyperparameter",
    "AdaDeltaRule",
    "Adam",
    "AdamHyperparameter",
    "AdamRule",
    "AdamW",
    "AMSGrad",
    "AdaBound",
    "AMSBound",
    "RMSprop",
    "RMSpropHyperparameter",
    "RMSpropRule",
    "RMSpropGraves",
    "RMSpropGravesHyperparameter",
    "RMSpropGravesRule",
    "SMORMS3",
    "SMORMS3Hyperparameter",
    "SMORMS3Rule",
    "MSVAG",
    "MSVAGHyperparameter",
    "MSVAGRule",
    # hooks
    "hooks",
]
