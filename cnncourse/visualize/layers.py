"""The layers of a model by path (``"vgg16/block5_conv3"`` inside a nested model), and its convs."""

from __future__ import annotations

from cnncourse.keras_graph import children, is_container


def layer_paths(model) -> list[str]:
    """Every layer of ``model`` in running order, nested layers as ``"outer/inner"`` paths.

    A nested model appears itself (``"vgg16"``) and is followed by its layers.
    """
    paths: list[str] = []

    def walk(container, prefix: str) -> None:
        for layer in children(container):
            path = prefix + layer.name
            paths.append(path)
            if is_container(layer):
                walk(layer, path + "/")

    if not is_container(model):
        raise TypeError(
            f"{type(model).__name__} {getattr(model, 'name', '')!r} is not a Sequential or "
            "Functional Keras model; its layers cannot be walked"
        )
    walk(model, "")
    return paths


def layer_at(model, path: str):
    """The layer at ``path`` (one of `layer_paths`); KeyError naming the path when none is."""
    layer = model
    for part in path.split("/"):
        matches = [child for child in children(layer) if child.name == part]
        if not matches:
            raise KeyError(path)
        layer = matches[0]
    return layer


def find_layer(model, name: str) -> tuple[str, object]:
    """``(path, layer)`` for a path (``"vgg16/block5_conv3"``) or a unique plain layer name."""
    paths = layer_paths(model)
    if name in paths:
        return name, layer_at(model, name)
    matches = [path for path in paths if path.rsplit("/", 1)[-1] == name]
    if len(matches) == 1:
        return matches[0], layer_at(model, matches[0])
    if len(matches) > 1:
        raise ValueError(
            f"layer name {name!r} is ambiguous in model {model.name!r}: use one of "
            f"the paths {matches}"
        )
    raise ValueError(f"model {model.name!r} has no layer {name!r}; its layers are {paths}")


def _is_conv(layer) -> bool:
    import keras

    kinds = (keras.layers.Conv2D, keras.layers.SeparableConv2D, keras.layers.DepthwiseConv2D)
    return isinstance(layer, kinds) and not isinstance(layer, keras.layers.Conv2DTranspose)


def conv_layer_names(model) -> list[str]:
    """The paths of the 2-D convolution layers of ``model`` (nested ones too), in running order."""
    return [path for path in layer_paths(model) if _is_conv(layer_at(model, path))]
