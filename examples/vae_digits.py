"""A variational autoencoder on scikit-learn's digits, written with ``kusari.distributions``.

The encoder maps an 8x8 image ``x`` to a diagonal Gaussian over an 8-dimensional code
``z``, ``q(z | x) = Normal(loc, log_scale=...)``; the decoder maps a code to one Bernoulli
per pixel, ``p(x | z) = Bernoulli(logit=...)``.  Both are wrapped in ``Independent`` so
that their log-probabilities are summed over the code and the pixels.  Training maximizes
the evidence lower bound, estimated with one reparameterized sample ``z ~ q(z | x)``::

    ELBO(x) = log p(x | z) - KL(q(z | x) || Normal(0, 1))  <=  log p(x)

``kl_divergence`` finds the closed form for the pair (``Independent`` of ``Normal``,
``Independent`` of ``Normal``) and ``q.sample()`` is differentiable with respect to the
encoder's outputs, so ``loss.backward()`` reaches every parameter.  The pixels are
intensities in ``[0, 1]``, not binary: ``Bernoulli.log_prob`` of a fraction is the usual
continuous relaxation ``x log p + (1 - x) log (1 - p)``, as in Chainer's VAE example.
So no model can score above minus the pixels' summed binary entropy, about -13.7 nats
per validation image; 100 epochs (two seconds on one CPU core) reach about -24.7.

The script prints the validation ELBO (in nats per image) before training and after every
epoch, then compares the reconstructions of the validation images (the decoder's mean at
the encoder's mean) with the simplest baseline, the mean training image.  With ``--plot``
it draws validation images, their reconstructions and samples from the prior into
``<out>/vae_digits.png``.

Usage::

    python examples/vae_digits.py [--device @numpy|@cupy:0|-1|0] [--epochs 100]
        [--out result/vae_digits] [--plot] [--smoke]

Needs ``pip install 'kusari-training[datasets]'`` (scikit-learn), and matplotlib for
``--plot`` (``kusari-training[plot]``).
"""

from __future__ import annotations

import os

# These models are small: a multithreaded BLAS spends more on handing work to its threads
# than it gains, and on a busy two-core machine it made training 5 to 20 times slower.
# Anything you set yourself wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import pathlib
import sys
import tempfile
import time
from collections.abc import Sequence

import numpy
import numpy.typing as npt

import kusari.distributions as D
import kusari.functions as F
import kusari.links as L
from kusari import devices
from kusari.datasets import get_digits
from kusari.graph import Variable, VariableOrArray, as_array, no_backprop_mode
from kusari.optimizers import Adam
from kusari.serializers import save_npz


class VAE(L.Chain):
    """A one-hidden-layer encoder and decoder around an ``n_latent``-dimensional code."""

    def __init__(self, n_in: int = 64, n_latent: int = 8, n_hidden: int = 128) -> None:
        super().__init__()
        self.n_latent = n_latent
        with self.init_scope():
            self.encoder = L.Linear(n_in, n_hidden)
            self.loc = L.Linear(n_hidden, n_latent)
            self.log_scale = L.Linear(n_hidden, n_latent)
            self.decoder = L.Linear(n_latent, n_hidden)
            self.logit = L.Linear(n_hidden, n_in)

    def encode(self, x: VariableOrArray) -> D.Independent:
        """``q(z | x)``: a diagonal Gaussian over the code of each image in ``x``."""
        h = F.tanh(self.encoder(x))
        return D.Independent(D.Normal(self.loc(h), log_scale=self.log_scale(h)), 1)

    def decode(self, z: VariableOrArray) -> D.Independent:
        """``p(x | z)``: one Bernoulli per pixel, given by its logit."""
        h = F.tanh(self.decoder(z))
        return D.Independent(D.Bernoulli(logit=self.logit(h)), 1)

    def prior(self, n: int) -> D.Independent:
        """``Normal(0, 1)`` over the codes of ``n`` images (on the model's device)."""
        xp = self.device.xp
        shape = (n, self.n_latent)
        zeros, ones = xp.zeros(shape, numpy.float32), xp.ones(shape, numpy.float32)
        return D.Independent(D.Normal(zeros, ones), 1)

    def elbo(self, x: VariableOrArray) -> tuple[Variable, Variable]:
        """The one-sample ELBO of each image in ``x``, and its KL term (both of shape (N,))."""
        q = self.encode(x)
        z = q.sample()  # loc + scale * eps: differentiable in loc and log_scale
        kl = D.kl_divergence(q, self.prior(len(z)))
        return self.decode(z).log_prob(x) - kl, kl

    def reconstruct(self, x: VariableOrArray) -> Variable:
        """The decoder's mean (pixel intensities) at the encoder's mean."""
        return self.decode(self.encode(x).mean).mean


def evaluate(
    model: VAE, x: npt.NDArray[numpy.float32], device: devices.Device
) -> tuple[float, float]:
    """Mean ELBO and mean KL term over ``x``, in nats per image, without a graph."""
    with no_backprop_mode():
        elbo, kl = model.elbo(device.send(x))
        return float(F.mean(elbo).item()), float(F.mean(kl).item())


def plot(
    model: VAE, x: npt.NDArray[numpy.float32], device: devices.Device, path: pathlib.Path
) -> None:
    """Images, reconstructions and prior samples on a grid, written atomically as a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    columns = 10
    with no_backprop_mode():
        reconstructed = devices.to_cpu(as_array(model.reconstruct(device.send(x[:columns]))))
        z = model.prior(2 * columns).sample()
        sampled = devices.to_cpu(as_array(model.decode(z).mean))
    rows = [
        ("validation images", x[:columns]),
        ("reconstructions", reconstructed),
        ("samples", sampled[:columns]),
        ("", sampled[columns:]),
    ]
    figure = Figure(figsize=(columns, len(rows) + 0.5), layout="constrained")
    FigureCanvasAgg(figure)  # render off screen, whatever backend the user configured
    grid = figure.subplots(len(rows), columns)
    for axes_row, (title, images) in zip(grid, rows, strict=True):
        for axes, image in zip(axes_row, images, strict=True):
            axes.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)
            axes.set_axis_off()
        if title:
            axes_row[0].set_title(title, loc="left", fontsize="medium")
    # Write next to the target and rename, so that a reader never sees half a file.
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".png", delete=False) as file:
        temporary = pathlib.Path(file.name)
    try:
        figure.savefig(temporary, dpi=80, format="png")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="@numpy, @cupy:N or an integer")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent", type=int, default=8, help="dimensions of the code z")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("result/vae_digits"))
    parser.add_argument("--plot", action="store_true", help="draw <out>/vae_digits.png")
    parser.add_argument("--smoke", action="store_true", help="a few epochs only (for CI)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    device = devices.get_device(args.device or ("@cupy:0" if devices.cuda.available else "@numpy"))
    numpy.random.seed(0)  # noqa: NPY002 - initializers and q.sample() draw from it

    x_train, x_test = get_digits(withlabel=False)  # (N, 64) intensities in [0, 1]
    epochs = 3 if args.smoke else args.epochs
    print(
        f"vae_digits: {len(x_train)} training and {len(x_test)} validation images, "
        f"{args.latent} latent dimensions, device {device.name}"
    )

    model = VAE(x_train.shape[1], args.latent)
    model.to_device(device)
    optimizer = Adam(alpha=2e-3).setup(model)
    rng = numpy.random.default_rng(0)

    elbo, kl = evaluate(model, x_test, device)
    print(f"epoch {0:3d}  validation ELBO {elbo:8.3f}  (KL {kl:.3f})")
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        total = 0.0
        for i in range(0, len(order), args.batch_size):
            x = device.send(x_train[order[i : i + args.batch_size]])
            batch_elbo, _ = model.elbo(x)
            loss = -F.mean(batch_elbo)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            total -= float(loss.item()) * len(x)
        elbo, kl = evaluate(model, x_test, device)
        print(
            f"epoch {epoch:3d}  validation ELBO {elbo:8.3f}  (KL {kl:.3f})"
            f"  training ELBO {total / len(x_train):8.3f}"
        )
    seconds = time.perf_counter() - start

    with no_backprop_mode():
        reconstructed = devices.to_cpu(as_array(model.reconstruct(device.send(x_test))))
    error = float(numpy.mean((reconstructed - x_test) ** 2))
    baseline = float(numpy.mean((x_train.mean(axis=0) - x_test) ** 2))
    print(
        f"validation reconstruction error {error:.4f} per pixel "
        f"(the mean training image: {baseline:.4f}) after {seconds:.1f} s"
    )

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "vae.npz"
    save_npz(path, model)
    print(f"saved {path}")
    if args.plot:
        plot_path = args.out / "vae_digits.png"
        plot(model, x_test, device, plot_path)
        print(f"plot: {plot_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
