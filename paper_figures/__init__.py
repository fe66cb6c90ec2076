"""One script per figure: ``REQUIRES`` (experiment names) and ``plot(results_dir, out_dir)``.

Figure scripts read results and bounds only; they never simulate.
"""
