"""cliokit: privacy-preserving insights into AI assistant use, after Anthropic's Clio."""

__version__ = "0.1.0"
