"""Transfer checks: layers that train, copied weights, images not resized, the base built.

``trainable_layers`` checks "freeze all but the last N layers" layer by layer;
``same_weights`` that a model's convolutions carry another model's trained weights;
``input_size`` that a model takes images of a new size as they are (its first convolution
sees them, no Resizing before it); ``reference_base`` builds a fresh copy of a model's
pretrained base to count against.
"""

from __future__ import annotations

from cnncourse import keras_graph
from cnncourse.checks.result import Result, count, plural
from cnncourse.checks.shapes import shapes_text, size_text
from cnncourse.keras_graph import walk_layers, weights_size

_RESIZING = ("Resizing", "CenterCrop", "RandomCrop")


def _is_model(value) -> bool:
    return hasattr(value, "layers") and hasattr(value, "weights")


# --------------------------------------------------------------------------- trainable layers


def trainable_layers(
    model,
    last: int,
    *,
    base: str | None = None,
    label: str | None = None,
    skip_batchnorm: bool = True,
) -> Result:
    """Whether only the last ``last`` layers of a base train (``base``: its name in ``model``).

    As in ``for layer in base.layers[:-last]: layer.trainable = False``: layers are counted
    in ``base.layers`` (pooling layers too); only layers with weights are judged, by what
    really trains (a layer inside a frozen model does not). BatchNormalization layers are
    not judged when ``skip_batchnorm`` (keeping them frozen is Keras' advice).
    """
    if isinstance(last, bool) or not isinstance(last, int) or last < 0:
        raise ValueError(f"last must be an integer >= 0, got {last!r}")
    if not _is_model(model):
        return Result.fail(f"expected a Keras model, got {type(model).__name__}")
    found = model
    if base is not None:
        found = next(
            (layer for layer in walk_layers(model) if getattr(layer, "name", None) == base), None
        )
        if found is None or not _is_model(found):
            names = ", ".join(layer.name for layer in model.layers)
            return Result.fail(
                f"your model has no nested model called {base!r} (its layers: {names})"
            )
    label = label or f"the base {found.name!r}"
    layers = list(found.layers)
    training = {id(weight) for weight in model.trainable_weights}  # frozen parents count
    wanted_names = {layer.name for layer in layers[len(layers) - last :]} if last else set()
    judged, should, wrong_frozen, wrong_training = 0, [], [], []
    for layer in layers:
        if not layer.weights or (skip_batchnorm and type(layer).__name__ == "BatchNormalization"):
            continue
        judged += 1
        trains = any(id(weight) in training for weight in layer.weights)
        if layer.name in wanted_names:
            should.append(layer)
            if not trains:
                wrong_frozen.append(layer.name)
        elif trains:
            wrong_training.append(layer.name)
    trained = sum(weights_size(layer.weights) for layer in should)
    if wrong_frozen:
        return Result.fail(
            f"{label}: layer {wrong_frozen[0]!r} is one of its last {plural(last, 'layer')} and "
            f"should train, yours is frozen ({plural(len(wrong_frozen), 'layer')} with weights "
            f"frozen that should train: {', '.join(wrong_frozen)})"
        )
    if wrong_training:
        return Result.fail(
            f"{label}: layer {wrong_training[0]!r} should be frozen, only the last "
            f"{plural(last, 'layer')} of base.layers train; yours also trains "
            f"{', '.join(wrong_training)} ({plural(len(wrong_training), 'layer')} too many)"
        )
    names = ", ".join(layer.name for layer in should) or "none"
    return Result.ok(
        f"{label}: its last {plural(last, 'layer')} train ({names}: "
        f"{count(trained)} parameters), the other {judged - len(should)} layers "
        "with weights are frozen"
    )


# --------------------------------------------------------------------------- copied weights


def _layers_of(model, kinds) -> list:
    return [
        layer
        for layer in walk_layers(model)
        if layer is not model and type(layer).__name__ in kinds
    ]


def same_weights(
    model,
    source,
    *,
    kinds=("Conv2D", "BatchNormalization"),
    name: str = "your model",
    source_name: str = "the trained model",
) -> Result:
    """Whether the layers of ``kinds`` in ``model`` hold the weights of those of ``source``.

    Layers are paired in order (nested models included); shared layer objects and copies
    (``set_weights(get_weights())``) pass, freshly initialised layers fail.
    """
    import numpy as np

    for value, what in ((model, name), (source, source_name)):
        if not _is_model(value):
            return Result.fail(f"{what}: expected a Keras model, got {type(value).__name__}")
    kinds = tuple(kinds)
    mine, theirs = _layers_of(model, kinds), _layers_of(source, kinds)
    kind_text = " and ".join(kinds)
    if len(mine) != len(theirs):
        return Result.fail(
            f"{name} has {plural(len(mine), f'{kind_text} layer')}, {source_name} "
            f"has {len(theirs)}: move all of its {kind_text} layers"
        )
    if not mine:
        return Result.fail(f"{source_name} has no {kind_text} layer to compare")
    for number, (new, old) in enumerate(zip(mine, theirs), start=1):
        new_weights, old_weights = new.get_weights(), old.get_weights()
        shapes = [tuple(w.shape) for w in new_weights], [tuple(w.shape) for w in old_weights]
        if shapes[0] != shapes[1]:
            return Result.fail(
                f"{name}: {type(new).__name__} {new.name!r} (number {number}) has "
                f"weights of shapes {shapes_text(shapes[0])}, {old.name!r} of {source_name} "
                f"has {shapes_text(shapes[1])}"
            )
        if not all(
            np.allclose(a, b, rtol=1e-6, atol=1e-7) for a, b in zip(new_weights, old_weights)
        ):
            return Result.fail(
                f"{name}: {type(new).__name__} {new.name!r} (number {number}) does not hold the "
                f"weights of {old.name!r} of {source_name}: copy them "
                "(new_layer.set_weights(old_layer.get_weights())) or reuse the trained layers"
            )
    total = sum(weights_size(layer.weights) for layer in mine)
    return Result.ok(
        f"{name}: its {plural(len(mine), f'{kind_text} layer')} hold the weights of "
        f"{source_name} ({count(total)} values)"
    )


# --------------------------------------------------------------------------- input size


def _resolve(shape, fed) -> tuple:
    """``shape`` with its unknown sizes taken from ``fed`` (what the graph was given)."""
    return tuple(f if s is None and f is not None else s for s, f in zip(shape, fed))


def _first_convolution(model, fed: tuple):
    """``(layer, the shape it sees)`` of the first Conv2D, or ``(resizing layer, None)``."""
    try:
        nodes = keras_graph.graph_nodes(model)
    except keras_graph.ModelReadError:
        raise ValueError(
            f"{getattr(model, 'name', model)!r} is not a Functional or built Sequential Keras model"
        ) from None
    for node in nodes:
        if node.is_input:
            continue
        operation = node.layer
        kind = type(operation).__name__
        seen = _resolve(node.input_shape, fed) if node.inputs else fed
        if kind in _RESIZING:
            return operation, None
        if kind == "Conv2D":
            return operation, seen
        if keras_graph.is_container(operation) and _readable(operation):
            found = _first_convolution(operation, seen)
            if found is not None:
                return found
    return None


def _readable(model) -> bool:
    try:
        keras_graph.functional(model)
    except keras_graph.ModelReadError:
        return False
    return True


def input_size(model, shape, *, name: str = "your model") -> Result:
    """Whether ``model`` takes images of ``shape`` as they are: its input accepts them and its
    first Conv2D sees that size (no Resizing or cropping layer before it)."""
    if not _is_model(model) or not getattr(model, "inputs", None):
        return Result.fail(f"{name}: expected a built Keras model, got {type(model).__name__}")
    shape = tuple(shape)
    given = tuple(None if d is None else int(d) for d in model.inputs[0].shape[1:])
    if len(given) != len(shape) or any(g is not None and g != s for g, s in zip(given, shape)):
        return Result.fail(
            f"{name} takes {size_text(given)} images, not {size_text(shape)}: "
            f"give it a new keras.Input(shape={shape})"
        )
    try:
        found = _first_convolution(model, shape)
    except ValueError as error:
        return Result.fail(f"{name}: {error}")
    if found is None:
        return Result.fail(f"{name} has no Conv2D layer: where is the convolutional base?")
    layer, seen = found
    if seen is None:
        return Result.fail(
            f"{name} resizes the images: layer {layer.name!r} "
            f"({type(layer).__name__}) changes their size before the first "
            "convolution; move the convolutional base to the new size instead"
        )
    if tuple(seen) != shape:
        return Result.fail(
            f"{name}: its first Conv2D {layer.name!r} sees {size_text(seen)} "
            f"images, not {size_text(shape)}: the images are made smaller "
            "before the convolutions; move the convolutional base instead"
        )
    return Result.ok(
        f"{name} takes {size_text(shape)} images and its first Conv2D "
        f"{layer.name!r} sees them at that size"
    )


# --------------------------------------------------------------------------- the base built


def reference_base(model, asked: str, input_shape, *, fallback: str = "efficientnet_lite0"):
    """A fresh copy (random weights) of the conv base inside ``model``, to count against.

    ``model`` is a transfer model (its base one nested model) or a base itself. The base must
    be the architecture ``asked`` for (``"vgg19"``, ...) or the one `load_base` falls back to
    when its ImageNet weights are missing (``fallback``); the copy is built at
    ``input_shape`` with ``weights=None``, so the counts come from the architecture the
    student really got, whatever weights this machine has. Raises ValueError otherwise.
    """
    from cnncourse.models.transfer import architecture_names, find_base, load_base

    if not _is_model(model):
        raise ValueError(f"expected a Keras model, got {type(model).__name__}")
    base = find_base(model)
    name = str(base.name).lower()
    allowed = (asked.lower(), fallback)
    if name not in allowed or name not in architecture_names():
        raise ValueError(
            f"the base of {model.name!r} is {base.name!r}: expected "
            f"{asked!r} or, without its ImageNet weights, {fallback!r} "
            "(as models.load_base builds them)"
        )
    return load_base(name, input_shape, weights=None).model
