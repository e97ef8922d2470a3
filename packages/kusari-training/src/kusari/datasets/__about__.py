"""Version of the ``kusari-training`` distribution."""

__version__ = "0.1.0.dev0"
