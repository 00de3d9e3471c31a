"""Tools for developers, not used at run time by the library: the benchmark and the synthetic
news corpus it measures on, and the writer of data/gazetteer/world_places.txt.

May import: anything in graph.
"""
