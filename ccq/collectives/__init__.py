"""Ring collectives over a JAX device mesh and their exact per-link accounting."""

from ._aggregate import ring_aggregator
from ._cost import CODES, LINKS, PHASES, RingCost, ring_cost
from ._ring import Link, classical_link, ring_allreduce, superdense_link

__all__ = ["CODES", "LINKS", "PHASES", "Link", "RingCost", "classical_link", "ring_aggregator",
           "ring_allreduce", "ring_cost", "superdense_link"]
