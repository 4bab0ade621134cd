"""Benchmark tooling: the scale data builder, the floor view, the query counter and the load client."""
