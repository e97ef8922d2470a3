"""kusari's benchmark suite: six workloads, one adapter per framework, one subprocess per sample.

Run it with ``nox -s bench`` (or ``python -m benchmarks.run`` inside an environment that has
kusari and torch installed); see ``benchmarks/README.md``.

The modules:

* :mod:`benchmarks.protocol`: the adapter interface every framework implements.
* :mod:`benchmarks.workloads`: the workloads a-f, written once against that interface.
* :mod:`benchmarks.adapters`: the implementations (kusari, Chainer, PyTorch, the numpy floor).
* :mod:`benchmarks.run_one`: one (workload, implementation) measurement in this process.
* :mod:`benchmarks.run`: the driver (rounds, rotation, subprocesses, results files).
* :mod:`benchmarks.report`: medians, ratios, targets and the markdown table.
* :mod:`benchmarks.profile_chain`: cProfile of the chain workload, counted per op.

This package must stay importable on Python 3.11 with numpy 1.26 and without kusari: the
Chainer 7.8.1 adapter runs it in its own interpreter.
"""
