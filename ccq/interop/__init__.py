"""Circuits other stacks can run: ccq protocols as Qiskit circuits and OpenQASM 3 text.

Needs the optional ``interop`` extra (``pip install qiskit qiskit-aer``; reading QASM 3 back
also needs ``qiskit-qasm3-import``). Every circuit names who does what:

* each party's local operations are one custom gate named ``<party>_<step>`` (e.g.
  ``bob_decode``), so the OpenQASM 3 text says which party applies every gate;
* every transmission is an empty gate ``transmit_<from>_to_<to>`` on the register that
  crosses the channel (a no-op for a simulator; the place where a channel's noise goes);
* registers are named by their first holder and role (``alice_msg``, ``bob_bits``);
* a comment header lists the protocol, the parties and ccq's cost of the run;
* adaptive steps are OpenQASM 3 control flow: the semiclassical AE measures its one control
  qubit mid-circuit, resets it and applies ``if (bit) { alice_phase_correction_... }``;
* a qudit of dimension d > 2 (GHZ sum and key) is encoded in ``ceil(log2 d)`` qubits.

See :mod:`ccq.interop.circuits` for the protocols exported and the exact distributions each
one must reproduce (tests/test_interop.py runs them on Qiskit Aer).
"""

from .circuits import (
    PROTOCOLS,
    ae_circuit,
    ae_one_qubit_circuit,
    gapip_swap_circuit,
    ghz_key_circuit,
    ghz_sum_circuit,
    mlae_circuit,
    projective_circuit,
    qmodel_circuit,
    qudit_bits,
    superdense_circuit,
    swap_test_circuit,
    tieaudit_circuit,
    to_qasm3,
)

__all__ = ["PROTOCOLS", "ae_circuit", "ae_one_qubit_circuit", "gapip_swap_circuit",
           "ghz_key_circuit", "ghz_sum_circuit", "mlae_circuit", "projective_circuit",
           "qmodel_circuit", "qudit_bits", "superdense_circuit", "swap_test_circuit",
           "tieaudit_circuit", "to_qasm3"]
