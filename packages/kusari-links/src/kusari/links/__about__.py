"""Version of the ``kusari-links`` distribution."""

__version__ = "0.1.0.dev0"
