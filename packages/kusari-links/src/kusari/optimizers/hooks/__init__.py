"""Optimizer hooks: functions that edit gradients before (or after) each update.

Register them with :meth:`kusari.optimizers.Optimizer.add_hook`.  Hooks whose
``call_for_each_param`` is true run once per parameter as ``hook(rule, param)``; the others
run once as ``hook(optimizer)``.

Example:
    >>> from kusari.optimizers.hooks import WeightDecay, GradientClipping
    >>> WeightDecay(1e-4).name, WeightDecay.timing, WeightDecay.call_for_each_param
    ('WeightDecay', 'pre', True)
    >>> GradientClipping(1.0).name
    'GradientClipping'
"""

from ._clipping import GradientClipping as GradientClipping
from ._clipping import GradientHardClipping as GradientHardClipping
from ._gradient_lars import GradientLARS as GradientLARS
from ._gradient_noise import GradientNoise as GradientNoise
from ._gradient_noise import NoiseFunction as NoiseFunction
from ._gradient_noise import exponential_decay_noise as exponential_decay_noise
from ._weight_decay import Lasso as Lasso
from ._weight_decay import WeightDecay as WeightDecay

__all__ = [
    "GradientClipping",
    "GradientHardClipping",
    "GradientLARS",
    "GradientNoise",
    "Lasso",
    "NoiseFunction",
    "WeightDecay",
    "exponential_decay_noise",
]
