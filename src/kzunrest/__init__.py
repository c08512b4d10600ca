"""kzunrest: code articles on the Zhanaozen 2011 and January 2022 unrest into comparable tables."""

__version__ = "0.1.0"
