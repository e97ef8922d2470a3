"""Version of the ``kusari-devices`` distribution."""

__version__ = "0.1.0.dev0"
