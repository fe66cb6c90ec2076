"""Classical public-coin sketches (never import the quantum simulator).

Public coins are an explicit shared PRNG key: Alice and Bob derive the same random matrix from
it, and only the sketch crosses the channel.
"""

from ._linear import gaussian_sketch, simhash

__all__ = ["gaussian_sketch", "simhash"]
