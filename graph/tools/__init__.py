"""Tools for developers, not used at run time by the library: the benchmark and the synthetic
news corpus it measures on.

May import: anything in graph.
"""
