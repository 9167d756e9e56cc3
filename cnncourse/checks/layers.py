"""A model's layers as a question names them: frozen or trainable, parameter totals, output shape.

A question names a layer by its name (nested models searched), its index or the layer itself
(`resolve_layer`); ``frozen`` and ``trainable`` check what trains, ``parameters`` the totals
of a model, ``output_shape`` the shape of its output.
"""

from __future__ import annotations

from collections.abc import Mapping

from cnncourse.checks.numeric import number
from cnncourse.checks.result import Result, count, plural
from cnncourse.checks.shapes import shape_text
from cnncourse.keras_graph import walk_layers, weights_size


def resolve_layer(model, layer):
    """What ``layer`` refers to in ``model``: the model itself (None), the layer of that name
    (nested models searched), the layer at that index of ``model.layers``, or a layer object
    as it is. Raises LookupError naming the layers there are."""
    if layer is None:
        return model
    if isinstance(layer, int) and not isinstance(layer, bool):
        layers = getattr(model, "layers", [])
        if not -len(layers) <= layer < len(layers):
            raise LookupError(f"your model has {plural(len(layers), 'layer')}, no layer {layer}")
        return layers[layer]
    if isinstance(layer, str):
        for candidate in walk_layers(model):
            if getattr(candidate, "name", None) == layer:
                return candidate
        names = ", ".join(getattr(child, "name", "?") for child in getattr(model, "layers", []))
        raise LookupError(f"your model has no layer called {layer!r} (its layers: {names})")
    return layer


def _layer_counts(model, layer, label):
    if not hasattr(model, "weights"):
        return None, Result.fail(f"expected a Keras model, got {type(model).__name__}")
    try:
        found = resolve_layer(model, layer)
    except LookupError as error:
        return None, Result.fail(f"{label}: {error}")
    return (found, weights_size(found.weights), weights_size(found.trainable_weights)), None


def frozen(model, layer=None, *, label: str | None = None) -> Result:
    """Whether ``layer`` of ``model`` (None: the model) has no trainable parameter."""
    label = label or (f"layer {layer!r}" if layer is not None else "the model")
    counts, failure = _layer_counts(model, layer, label)
    if failure is not None:
        return failure
    _, total, trainable_count = counts
    if trainable_count:
        return Result.fail(
            f"{label} must be frozen: {count(trainable_count)} of its "
            f"{count(total)} parameters are trainable"
        )
    return Result.ok(f"{label} is frozen ({count(total)} parameters, none trainable)")


def trainable(
    model, layer=None, *, label: str | None = None, expected: int | None = None
) -> Result:
    """Whether ``layer`` trains: all its parameters, or exactly ``expected`` of them."""
    label = label or (f"layer {layer!r}" if layer is not None else "the model")
    counts, failure = _layer_counts(model, layer, label)
    if failure is not None:
        return failure
    _, total, trainable_count = counts
    wanted = total if expected is None else expected
    if trainable_count != wanted:
        if trainable_count == 0:
            return Result.fail(
                f"{label} must be trainable: all of its {count(total)} parameters are frozen"
            )
        return Result.fail(
            f"{label} should have {count(wanted)} trainable parameters, "
            f"yours has {count(trainable_count)} of {count(total)}"
        )
    return Result.ok(
        f"{label} trains: {count(trainable_count)} of its {count(total)} parameters are trainable"
    )


def parameters(
    model,
    expected: int,
    *,
    trainable_count: int | None = None,
    wrong: Mapping | None = None,
    name: str = "total parameters",
) -> Result:
    """Whether the model has ``expected`` parameters (and ``trainable_count`` trainable)."""
    if not hasattr(model, "count_params"):
        return Result.fail(f"{name}: expected a Keras model, got {type(model).__name__}")
    total = int(model.count_params())
    result = number(total, expected, name=f"{name} of your model", wrong=wrong, reveal=True)
    if not result.passed or trainable_count is None:
        return result
    got = weights_size(model.trainable_weights)
    if got != trainable_count:
        return Result.fail(
            f"trainable parameters of your model: expected "
            f"{count(trainable_count)}, yours has {count(got)}"
        )
    return Result.ok(f"{result.message}, {count(got)} of them trainable")


def output_shape(value, expected: tuple, *, name: str = "the output") -> Result:
    """Whether a model's output (or an array's) has ``expected`` shape; None matches any size.

    For a model the batch axis may be left out of ``expected``.
    """
    outputs = getattr(value, "outputs", None)
    if outputs:
        shape = tuple(None if d is None else int(d) for d in outputs[0].shape)
    elif hasattr(value, "shape"):
        shape = tuple(int(d) if d is not None else None for d in value.shape)
    else:
        return Result.fail(
            f"{name}: expected a Keras model or an array, got {type(value).__name__}"
        )
    expected = tuple(expected)
    compared = shape[1:] if outputs and len(expected) == len(shape) - 1 else shape
    if len(compared) == len(expected) and all(
        e is None or e == s for e, s in zip(expected, compared)
    ):
        return Result.ok(f"{name} has shape {shape_text(shape)}")
    return Result.fail(
        f"{name}: expected shape {shape_text(expected)}, yours is {shape_text(compared)}"
    )
