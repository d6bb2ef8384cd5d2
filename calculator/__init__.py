"""Shenzhen AI incentive calculator."""

__version__ = "0.1.0"
