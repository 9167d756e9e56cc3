"""A whole network counted: every layer in order, the totals, and the count in words."""

from __future__ import annotations

from dataclasses import dataclass

from cnncourse import spec
from cnncourse.params.layers import LayerCount, Shape, count_layer, countable, known_kinds
from cnncourse.params.sizes import format_shape, thousands
from cnncourse.spec import SpecError, input_names, layer_names


@dataclass(frozen=True)
class Totals:
    """The three totals Keras' ``model.summary()`` prints."""

    total: int
    trainable: int
    non_trainable: int


def count(network: spec.Network) -> list[LayerCount]:
    """Count every layer of ``network``: parameters, output shape and both in words."""
    names = layer_names(network)
    sources = input_names(network)
    shapes: dict[str, Shape] = {}
    counts: list[LayerCount] = []
    for layer, name, inputs in zip(network.layers, names, sources):
        if not countable(layer):
            raise SpecError(
                f"network {network.name!r}, layer {name!r}: cannot count a "
                f"{layer.kind} (known kinds: {', '.join(known_kinds())})"
            )
        try:
            counted = count_layer(layer, name, inputs, [shapes[source] for source in inputs])
        except ValueError as error:
            raise SpecError(
                f"network {network.name!r}, layer {name!r} ({layer.kind}): {error}"
            ) from None
        shapes[name] = counted.output_shape
        counts.append(counted)
    return counts


def _totals(counts: list[LayerCount]) -> Totals:
    return Totals(
        total=sum(c.params for c in counts),
        trainable=sum(c.trainable for c in counts),
        non_trainable=sum(c.non_trainable for c in counts),
    )


def totals(network: spec.Network) -> Totals:
    """Total, trainable and non-trainable parameters of ``network``."""
    return _totals(count(network))


def total(network: spec.Network) -> int:
    """The total number of parameters of ``network`` (what Keras' ``count_params`` gives)."""
    return totals(network).total


def output_shape(network: spec.Network) -> Shape:
    """The output shape of the network's last layer (without the batch axis)."""
    return count(network)[-1].output_shape


def explain(network: spec.Network) -> str:
    """Every layer's count and output shape in words, then the three totals."""
    counts = count(network)
    lines = [f"{network.name}: {network.description}" if network.description else network.name]
    width = max(len(c.name) for c in counts)
    for c in counts:
        lines.append(
            f"  {c.name:<{width}}  {c.kind:<22} -> {format_shape(c.output_shape):<14}"
            f" {thousands(c.params):>12} params"
        )
        lines.append(f"  {'':<{width}}    count: {c.explanation}")
        lines.append(f"  {'':<{width}}    shape: {c.shape_explanation}")
    result = _totals(counts)
    lines.append(
        f"Total params: {thousands(result.total)} (trainable {thousands(result.trainable)}, "
        f"non-trainable {thousands(result.non_trainable)})"
    )
    return "\n".join(lines)
