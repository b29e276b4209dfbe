"""Monitoring and release: trends over time, coordinated activity, differentially private export.

Each feature lives in its own submodule (``cliokit.monitor.dp``, ...); nothing is re-exported here.
"""
