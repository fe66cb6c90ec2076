"""Ring collectives over a JAX device mesh and their exact per-link accounting."""

from ._cost import LINKS, PHASES, RingCost, ring_cost

__all__ = ["LINKS", "PHASES", "RingCost", "ring_cost"]
