"""A network specification: its layers in order, their names, and which layer reads which."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from cnncourse.spec.layers import Input, Layer


class SpecError(ValueError):
    """An impossible layer specification; the message names the network and the layer."""


@dataclass(frozen=True)
class Network:
    """A network specification: a name, and layers in order, the first an `Input`."""

    name: str
    layers: tuple[Layer, ...] = field(default_factory=tuple)
    description: str = ""

    def __post_init__(self) -> None:
        layers = tuple(self.layers)
        object.__setattr__(self, "layers", layers)
        if not layers or not isinstance(layers[0], Input):
            raise ValueError(f"network {self.name!r}: the first layer must be an Input")

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    @property
    def input_shape(self) -> tuple[int | None, ...]:
        return self.layers[0].shape  # type: ignore[attr-defined]


def _snake(kind: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", kind).lower()


def layer_names(network: Network) -> list[str]:
    """Each layer's name: its own, or kind_index (e.g. 'conv2d_3') when it has none."""
    names = [
        layer.name or f"{_snake(layer.kind)}_{index}" for index, layer in enumerate(network.layers)
    ]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SpecError(f"network {network.name!r}: two layers are called {name!r}")
        seen.add(name)
    return names


def input_names(network: Network) -> list[tuple[str, ...]]:
    """The names of the layers each layer reads (the previous one unless `inputs` says)."""
    names = layer_names(network)
    result: list[tuple[str, ...]] = []
    for index, layer in enumerate(network.layers):
        if isinstance(layer, Input):
            result.append(())
            continue
        chosen = tuple(layer.inputs) if layer.inputs else (names[index - 1],)
        earlier = set(names[:index])
        for source in chosen:
            if source not in earlier:
                where = "a later layer" if source in names else "no layer"
                raise SpecError(
                    f"network {network.name!r}, layer {names[index]!r}: "
                    f"input {source!r} is {where} (inputs must come earlier)"
                )
        result.append(chosen)
    return result
