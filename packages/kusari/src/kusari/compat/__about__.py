"""Version of the ``kusari`` distribution."""

__version__ = "0.1.0.dev0"
