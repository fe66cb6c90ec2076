"""One module per question: each defines ``EXPERIMENT`` (a :class:`ccq.experiment.Experiment`)."""
