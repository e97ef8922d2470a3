"""Version of the ``kusari-distributed`` distribution."""

__version__ = "0.1.0.dev0"
