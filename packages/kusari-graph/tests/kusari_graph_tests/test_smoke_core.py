import numpy

import kusari.functions as F
from kusari.graph import Variable, grad


def test_scalar_loss_backward_matches_formula() -> None:
    x = Variable(numpy.array([1.0, 2.0, 3.0], numpy.float32))
    y = (x * x).mean()
    y.backward()
    assert x.grad is not None
    assert x.array is not None
    numpy.testing.assert_allclose(x.grad, 2 * x.array / 3, rtol=1e-6)


def test_double_backward_through_grad() -> None:
    a = numpy.array([1.0, 2.0])
    x = Variable(a)
    y = F.sum(x**3)
    (gx,) = grad([y], [x], enable_double_backprop=True)
    assert gx is not None
    assert gx.array is not None
    numpy.testing.assert_allclose(gx.array, 3 * a**2)
    (ggx,) = grad([F.sum(gx)], [x])
    assert ggx is not None
    assert ggx.array is not None
    numpy.testing.assert_allclose(ggx.array, 6 * a)
