"""orderbridge: keeps a Houzz seller account and a QuickBooks Commerce account in step."""

__version__ = "0.1.0"

__all__ = ["__version__"]
