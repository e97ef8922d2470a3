"""Scaling benchmark of kusari.distributed (run with python -m benchmarks.distributed.run)."""
