"""kusari's update rules against numbers produced by real Chainer 7.8.1.

Every expected value below was produced by Chainer 7.8.1 (numpy 1.26.4, CPU) running the
same optimizer on the same float32 parameter and gradients: ``opt.setup(link)``, then for
each gradient ``link.cleargrads(); link.w.grad = g; opt.update()``.  They are oracle
values, not outputs of kusari.  kusari evaluates each formula in the same order as Chainer,
so the results agree to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari import optimizers as O
from kusari.optimizers import GradientMethod

from .test_optim_support import FakeParam

W0 = numpy.array([[0.5, -1.0, 2.0], [0.0, 1.5, -0.25]], numpy.float32)
GRADS = [
    numpy.array([[0.1, -0.2, 0.3], [0.0, 0.5, -1.0]], numpy.float32),
    numpy.array([[-0.3, 0.1, 0.2], [0.4, 0.0, 0.6]], numpy.float32),
    numpy.array([[0.2, 0.2, -0.1], [0.1, -0.3, 0.0]], numpy.float32),
]

# Produced by Chainer 7.8.1 (see the module docstring).
CHAINER_7_8_1: list[tuple[Callable[[], GradientMethod[Any]], list[list[float]]]] = [
    (
        lambda: O.SGD(lr=0.1),
        [
            [0.4999999701976776, -1.0099999904632568, 1.9600000381469727],
            [-0.05000000447034836, 1.4800000190734863, -0.21000000834465027],
        ],
    ),
    (
        lambda: O.MomentumSGD(lr=0.1, momentum=0.8),
        [
            [0.509600043296814, -0.9892000555992126, 1.9007999897003174],
            [-0.0820000022649765, 1.408000111579895, -0.11399999260902405],
        ],
    ),
    (
        lambda: O.CorrectedMomentumSGD(lr=0.1),
        [
            [0.5099000334739685, -0.9847999811172485, 1.8906999826431274],
            [-0.0860000029206276, 1.3945001363754272, -0.09300001710653305],
        ],
    ),
    (
        lambda: O.NesterovAG(lr=0.1, momentum=0.7),
        [
            [0.504459023475647, -1.0136680603027344, 1.8880468606948853],
            [-0.12322001159191132, 1.4270448684692383, -0.12467000633478165],
        ],
    ),
    (
        lambda: O.AdaGrad(lr=0.1),
        [
            [0.44141608476638794, -1.0113880634307861, 1.8712561130523682],
            [-0.12425357103347778, 1.4514495134353638, -0.20144958794116974],
        ],
    ),
    (
        lambda: O.AdaDelta(rho=0.9),
        [
            [0.49770891666412354, -1.0023095607757568, 1.9957343339920044],
            [-0.004301729612052441, 1.4992555379867554, -0.24922817945480347],
        ],
    ),
    (
        lambda: O.Adam(alpha=0.05),
        [
            [0.47377026081085205, -0.9503180384635925, 1.8738878965377808],
            [-0.07285862416028976, 1.4107412099838257, -0.18302370607852936],
        ],
    ),
    (
        lambda: O.AdamW(alpha=0.05, weight_decay_rate=0.1, eta=0.5),
        [
            [0.417392373085022, -0.8353043794631958, 1.6553443670272827],
            [-0.03549914062023163, 1.2447081804275513, -0.1835324615240097],
        ],
    ),
    (
        lambda: O.AMSGrad(alpha=0.05),
        [
            [0.47377026081085205, -0.9503180384635925, 1.8738878965377808],
            [-0.07285862416028976, 1.4107580184936523, -0.18302740156650543],
        ],
    ),
    (
        lambda: O.AdaBound(alpha=0.05, gamma=0.1),
        [
            [0.501123309135437, -0.9787466526031494, 1.9248032569885254],
            [-0.04393333941698074, 1.418450117111206, -0.18302370607852936],
        ],
    ),
    (
        lambda: O.AMSBound(alpha=0.05, final_lr=0.02),
        [
            [0.47377026081085205, -0.9503180384635925, 1.8738878965377808],
            [-0.07285862416028976, 1.4107580184936523, -0.18302740156650543],
        ],
    ),
    (
        lambda: O.RMSprop(lr=0.05, alpha=0.9),
        [
            [0.4046308398246765, -1.026444911956787, 1.7968312501907349],
            [-0.19840501248836517, 1.4295920133590698, -0.1764015555381775],
        ],
    ),
    (
        lambda: O.RMSprop(lr=0.05, eps_inside_sqrt=True),
        [
            [0.20628604292869568, -1.059513807296753, 1.3563768863677979],
            [-0.6218406558036804, 1.2591514587402344, -0.008199065923690796],
        ],
    ),
    (
        lambda: O.RMSpropGraves(lr=0.01),
        [
            [0.44363176822662354, -0.9472935795783997, 1.8397966623306274],
            [-0.09806275367736816, 1.400025486946106, -0.17040112614631653],
        ],
    ),
    (
        lambda: O.SMORMS3(lr=0.01),
        [
            [0.5010256767272949, -1.0069708824157715, 1.982010006904602],
            [-0.02229980379343033, 1.4859381914138794, -0.24315880239009857],
        ],
    ),
    (
        lambda: O.MSVAG(lr=0.1, beta=0.8, weight_decay_rate=0.01),
        [
            [0.47860559821128845, -0.9519109129905701, 1.88382089138031],
            [-0.023740893229842186, 1.3967986106872559, -0.1442192941904068],
        ],
    ),
]


@pytest.mark.parametrize(
    ("make", "expected"), CHAINER_7_8_1, ids=[type(c[0]()).__name__ for c in CHAINER_7_8_1]
)
def test_matches_chainer_bit_for_bit(
    make: Callable[[], GradientMethod[Any]], expected: list[list[float]]
) -> None:
    rule = make().create_update_rule()
    param = FakeParam(W0.copy())
    for grad in GRADS:
        param.grad = grad.copy()
        rule.update(param)
    numpy.testing.assert_array_equal(param.array, numpy.array(expected, numpy.float32))
