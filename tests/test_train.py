"""The data-parallel harness: learns, is deterministic, and only the aggregator differs."""

import jax
import jax.numpy as jnp
import pytest

from ccq.data import digits, linear_regression
from ccq.train import (
    Aggregator,
    linear_regressor,
    mean_aggregator,
    mlp_classifier,
    train_data_parallel,
    tree_size,
)


def test_linear_regression_converges_and_counts_bits():
    data = linear_regression(jax.random.key(0), n=512, d=8, noise=0.01)
    model = linear_regressor(8)
    rows = train_data_parallel(jax.random.key(1), model, data, aggregator=mean_aggregator(),
                               n_workers=4, steps=100, eval_every=25)
    initial = float(jnp.mean(data.y_test**2))   # the loss of the zero initialisation
    assert rows[-1]["test_loss"] < 0.01 * initial
    assert rows[-1]["bits_per_worker"] == 100 * 32 * 9


def test_same_key_same_rows_and_digits_learns():
    data = digits(jax.random.key(0))
    model = mlp_classifier(64, 10, (16,))
    kw = dict(aggregator=mean_aggregator(), n_workers=2, steps=60, eval_every=30)
    a = train_data_parallel(jax.random.key(2), model, data, **kw)
    b = train_data_parallel(jax.random.key(2), model, data, **kw)
    assert a == b
    assert a[-1]["test_accuracy"] > 0.6


def test_nan_gradients_stop_training_with_a_clear_error():
    def aggregate(key, g, state):
        return jax.tree_util.tree_map(lambda x: x[0] * jnp.nan, g), state, {"bits": 0.0}

    data = linear_regression(jax.random.key(0), n=64, d=2)
    with pytest.raises(FloatingPointError, match="non-finite by step 5"):
        train_data_parallel(jax.random.key(0), linear_regressor(2), data,
                            aggregator=Aggregator(lambda p: (), aggregate, "nan"),
                            steps=5, eval_every=5)


def test_tree_size():
    assert tree_size(mlp_classifier(64, 10, (16,)).init(jax.random.key(0))) == 64 * 16 + 16 + 170
