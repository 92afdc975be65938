"""filmrev: a command-line review manager for people who write about films."""

__version__ = "0.1.0"
