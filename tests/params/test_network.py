"""cnncourse.params.network: a whole network counted, its totals, and the count in words.

Agreement with Keras on random networks, layer by layer.
"""

import math

import numpy as np
import pytest

from cnncourse import params, spec


def hw9_q3_spec(second_kernel=5) -> spec.Network:
    """HW9 Q3.2 written as a spec (the Flatten Keras needs before the dense layer included)."""
    return spec.Network(
        "hw9_q3",
        (
            spec.Input(shape=(64, 64, 3)),
            spec.Conv2D(name="conv1", filters=16, kernel_size=3, padding="same", activation="relu"),
            spec.Conv2D(
                name="conv2",
                filters=32,
                kernel_size=second_kernel,
                padding="same",
                activation="relu",
            ),
            spec.MaxPooling2D(name="pool", pool_size=3, strides=2),
            spec.Conv2D(name="conv3", filters=128, kernel_size=3, padding="same"),
            spec.Flatten(name="flatten"),
            spec.Dense(name="dense", units=5),
        ),
    )


# --- the HW9 Q3 network ----------------------------------------------------------------------


def test_hw9_q3_counts_per_layer_and_total():
    counts = {c.name: c.params for c in params.count(hw9_q3_spec())}
    assert counts["conv1"] == 448
    assert counts["conv2"] == 12_832
    assert counts["pool"] == 0
    assert counts["conv3"] == 36_992
    assert counts["dense"] == 615_045
    assert params.total(hw9_q3_spec()) == 665_317


def test_hw9_q3_explanations_contain_the_numbers():
    by_name = {c.name: c for c in params.count(hw9_q3_spec())}
    assert (
        by_name["conv2"].explanation
        == "5x5 kernel x 16 input channels x 32 filters + 32 biases = 12,832"
    )
    assert by_name["dense"].explanation == "Dense: 123,008 inputs x 5 units + 5 biases = 615,045"
    assert "'same' padding, stride 1: 64x64 stays 64x64" in by_name["conv1"].shape_explanation
    assert "'valid' 3x3 pool, stride 2: floor((64-3)/2)+1 = 31" in by_name["pool"].shape_explanation
    assert by_name["flatten"].shape_explanation == "31x31x128 = 123,008 values"
    text = params.explain(hw9_q3_spec())
    assert "Total params: 665,317 (trainable 665,317, non-trainable 0)" in text
    assert "12,832" in text and "615,045" in text


def test_the_students_3x3_mistake_gives_the_students_number():
    # The seed's answer (4,640) is what a 3x3 kernel gives: the explanation shows why.
    wrong = {c.name: c for c in params.count(hw9_q3_spec(second_kernel=3))}
    assert wrong["conv2"].params == 4_640
    assert wrong["conv2"].explanation.startswith("3x3 kernel x 16 input channels x 32 filters")


def test_output_shapes_propagate():
    shapes = {c.name: c.output_shape for c in params.count(hw9_q3_spec())}
    assert shapes["conv2"] == (64, 64, 32)
    assert shapes["pool"] == (31, 31, 32)
    assert shapes["flatten"] == (123_008,)
    assert params.output_shape(hw9_q3_spec()) == (5,)


# --- agreement with Keras on random networks --------------------------------------------------


def _random_image_layer(rng, index: int, names: list[str]):
    kind = rng.choice(["conv", "conv", "pool", "bn", "dropout", "activation", "concat", "add"])
    name = f"l{index}"
    padding = str(rng.choice(["valid", "same"]))
    if kind == "conv":
        return [
            spec.Conv2D(
                name=name,
                filters=int(rng.integers(1, 9)),
                kernel_size=(int(rng.integers(1, 4)), int(rng.integers(1, 4))),
                strides=(int(rng.integers(1, 3)), int(rng.integers(1, 3))),
                padding=padding,
                activation=str(rng.choice(["relu", "linear"])),
                use_bias=bool(rng.integers(0, 2)),
            )
        ]
    if kind == "pool":
        kind_class = spec.MaxPooling2D if rng.integers(0, 2) else spec.AveragePooling2D
        strides = None if rng.integers(0, 2) else int(rng.integers(1, 3))
        return [
            kind_class(
                name=name, pool_size=int(rng.integers(1, 4)), strides=strides, padding=padding
            )
        ]
    if kind == "bn":
        return [
            spec.BatchNormalization(
                name=name, center=bool(rng.integers(0, 2)), scale=bool(rng.integers(0, 2))
            )
        ]
    if kind == "dropout":
        return [spec.Dropout(name=name, rate=float(rng.uniform(0, 0.9)))]
    if kind == "activation":
        return [spec.Activation(name=name, activation=str(rng.choice(["relu", "tanh"])))]
    source = names[-1]
    stride = int(rng.integers(1, 3))
    if kind == "concat":
        branches = [
            spec.Conv2D(
                name=f"{name}_b{b}",
                filters=int(rng.integers(1, 6)),
                kernel_size=int(rng.integers(1, 4)),
                strides=stride,
                padding="same",
                inputs=(source,),
            )
            for b in range(3)
        ]
        branches.append(
            spec.MaxPooling2D(
                name=f"{name}_pool", pool_size=2, strides=stride, padding="same", inputs=(source,)
            )
        )
        return branches + [spec.Concatenate(name=name, inputs=tuple(b.name for b in branches))]
    filters = int(rng.integers(1, 6))
    branches = [
        spec.Conv2D(
            name=f"{name}_b{b}",
            filters=filters,
            kernel_size=int(rng.integers(1, 4)),
            strides=stride,
            padding="same",
            inputs=(source,),
        )
        for b in range(2)
    ]
    return branches + [spec.Add(name=name, inputs=(f"{name}_b0", f"{name}_b1"))]


def random_network(seed: int) -> spec.Network:
    """A random valid conv/pool/BN/dropout/branch stack with a dense head."""
    rng = np.random.default_rng(seed)
    layers = [
        spec.Input(
            name="image",
            shape=(int(rng.integers(6, 40)), int(rng.integers(6, 40)), int(rng.integers(1, 5))),
        )
    ]
    index = 0
    for _ in range(int(rng.integers(2, 8))):
        for _attempt in range(10):
            index += 1
            candidate = _random_image_layer(rng, index, [layer.name for layer in layers])
            try:
                params.count(spec.Network("candidate", tuple(layers + candidate)))
            except params.SpecError:
                continue  # e.g. a 'valid' window larger than what is left
            layers += candidate
            break
    head = [spec.Flatten, spec.GlobalAveragePooling2D, spec.GlobalMaxPooling2D][
        int(rng.integers(0, 3))
    ]
    layers.append(head(name="head"))
    for extra in range(int(rng.integers(0, 3))):
        layers.append(
            spec.Dense(name=f"dense{extra}", units=int(rng.integers(1, 20)), activation="relu")
        )
        if rng.integers(0, 2):
            layers.append(spec.BatchNormalization(name=f"dense_bn{extra}"))
        if rng.integers(0, 2):
            layers.append(spec.Dropout(name=f"dense_drop{extra}", rate=0.3))
    layers.append(spec.Dense(name="out", units=int(rng.integers(1, 11)), activation="softmax"))
    return spec.Network(f"random_{seed}", tuple(layers))


def _keras_count(weights) -> int:
    return sum(math.prod(weight.shape) for weight in weights)


@pytest.mark.parametrize("seed", range(30))
def test_counts_and_shapes_equal_keras_on_random_networks(seed):
    network = random_network(seed)
    model = spec.to_keras(network)
    counts = params.count(network)
    assert len(counts) == len(network.layers)
    for count in counts:
        layer = model.get_layer(count.name)
        assert count.params == layer.count_params(), count
        assert count.trainable == _keras_count(layer.trainable_weights), count
        assert count.non_trainable == _keras_count(layer.non_trainable_weights), count
        assert count.output_shape == tuple(layer.output.shape[1:]), count
    totals = params.totals(network)
    assert totals.total == model.count_params()
    assert totals.trainable == _keras_count(model.trainable_weights)
    assert totals.non_trainable == _keras_count(model.non_trainable_weights)


def test_random_networks_use_every_kind_of_layer():
    kinds = {layer.kind for seed in range(30) for layer in random_network(seed).layers}
    assert {
        "Conv2D",
        "MaxPooling2D",
        "AveragePooling2D",
        "BatchNormalization",
        "Dropout",
        "Concatenate",
        "Add",
        "Flatten",
        "Dense",
    } <= kinds
    paddings = {
        layer.padding
        for seed in range(30)
        for layer in random_network(seed).layers
        if isinstance(layer, spec.Conv2D)
    }
    assert paddings == {"valid", "same"}
