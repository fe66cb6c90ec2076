"""Pure-JAX statevector and small density-matrix kernels (jit- and vmap-friendly).

States are flat complex vectors of length 2^n; qubit 0 is the most significant bit.
See :mod:`ccq.sim._state` for the precision policy.
"""

from ._channels import (
    amplitude_damping_kraus,
    apply_channel_each,
    apply_channel_trajectory,
    channel_trajectory,
    dephasing_kraus,
    erasure_replaced_kraus,
    trajectory_density,
)
from ._density import (
    apply_kraus,
    apply_unitary_dm,
    bell_state,
    density_matrix,
    depolarizing_kraus,
    fidelity,
    partial_trace,
    trace_distance,
    werner_state,
)
from ._gates import (
    CNOT,
    I2,
    SWAP,
    H,
    S,
    T,
    X,
    Y,
    Z,
    apply_controlled,
    apply_gate,
    controlled,
    phase,
    reflect_about,
    rx,
    ry,
    rz,
)
from ._measure import expectation, marginal_probabilities, probabilities, sample
from ._state import (
    amplitude_encode,
    augmented_encode,
    basis_state,
    complex_dtype,
    num_qubits,
    real_dtype,
)
from ._swap import swap_test_circuit, swap_test_probability, swap_test_state

__all__ = [
    "CNOT", "SWAP", "H", "I2", "S", "T", "X", "Y", "Z",
    "amplitude_encode", "augmented_encode", "basis_state", "complex_dtype", "num_qubits",
    "real_dtype",
    "apply_controlled", "apply_gate", "controlled", "phase", "reflect_about", "rx", "ry", "rz",
    "expectation", "marginal_probabilities", "probabilities", "sample",
    "swap_test_circuit", "swap_test_probability", "swap_test_state",
    "apply_kraus", "apply_unitary_dm", "bell_state", "density_matrix", "depolarizing_kraus",
    "fidelity", "partial_trace", "trace_distance", "werner_state",
    "amplitude_damping_kraus", "apply_channel_each", "apply_channel_trajectory",
    "channel_trajectory", "dephasing_kraus", "erasure_replaced_kraus", "trajectory_density",
]
