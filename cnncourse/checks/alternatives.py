"""Accept any of several architectures, where a question leaves a setting open.

A question may leave a setting free that the architecture check compares: pooling padding
that gives the same sizes either way ('same' or 'valid' on 32x32 with 2x2 pools), an
activation it does not name. `any_architecture` passes when the model matches one of the
readings; when it matches none, its message is that of the reading the model follows
furthest, so the free setting is never blamed while a real difference exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from cnncourse import params, spec
from cnncourse.checks.architecture import architecture
from cnncourse.checks.result import Result

_LAYER_NUMBER = re.compile(r"\blayers? (\d+)")


def difference_position(message: str) -> int:
    """The layer number an architecture message names first (-1 when it names none)."""
    found = _LAYER_NUMBER.search(message)
    return int(found.group(1)) if found else -1


def any_architecture(model, candidates: Sequence[spec.Network], *, input_number: int = 1) -> Result:
    """Whether ``model`` has the layers of one of ``candidates`` (`cnncourse.spec.Network`).

    ``candidates`` are the readings of one question, the plainest first; ``input_number``
    as in `cnncourse.checks.architecture`. On a failure the message is that of the
    candidate whose first difference comes at the latest layer (the first on a tie).
    """
    candidates = list(candidates)
    if not candidates:
        raise ValueError("any_architecture needs at least one candidate network")
    failures = []
    for network in candidates:
        result = architecture(model, network, input_number=input_number)
        if result.passed:
            return result
        failures.append(result)
    return max(failures, key=lambda result: difference_position(result.message))


_PADDED = (spec.Conv2D, spec.MaxPooling2D, spec.AveragePooling2D)
_PADDING_DIFFERENCE = re.compile(r"^layer (\d+) \w+: expected padding='(same|valid)'")


def free_paddings(network: spec.Network) -> set[int]:
    """The indices of the layers of ``network`` whose padding changes nothing.

    A window that tiles its input exactly (a 1x1 convolution, a 2x2 pool with stride 2 on
    an even size) gets no padding with 'same': 'same' and 'valid' then give the same
    output shape and the same values.
    """
    counts = params.count(network)
    shapes = dict(zip(spec.layer_names(network), (layer.output_shape for layer in counts)))
    free = set()
    for index, (layer, inputs) in enumerate(zip(network.layers, spec.input_names(network))):
        if not isinstance(layer, _PADDED) or len(inputs) != 1:
            continue
        shape = shapes[inputs[0]]
        window = layer.kernel_size if isinstance(layer, spec.Conv2D) else layer.pool_size
        try:
            same = [
                params.output_size(shape[axis], window[axis], layer.strides[axis], "same")
                for axis in (0, 1)
            ]
            valid = [
                params.output_size(shape[axis], window[axis], layer.strides[axis], "valid")
                for axis in (0, 1)
            ]
        except ValueError:  # a window that does not fit: 'valid' is impossible
            continue
        if same == valid and None not in same:
            free.add(index)
    return free


def _window_key(layer: spec.Layer) -> tuple:
    window = layer.kernel_size if isinstance(layer, spec.Conv2D) else layer.pool_size
    return (layer.kind, window, layer.strides)


def _flip(network: spec.Network, indices) -> spec.Network:
    layers = list(network.layers)
    for index in indices:
        layer = layers[index]
        layers[index] = replace(layer, padding="valid" if layer.padding == "same" else "same")
    return replace(network, layers=tuple(layers))


def architecture_free_padding(model, expected: spec.Network, *, input_number: int = 1) -> Result:
    """`cnncourse.checks.architecture`, where a padding that changes nothing may be either.

    Where ``expected`` says 'same' (or 'valid') for a layer in `free_paddings`, the
    student's other choice passes too. When the check finds such a padding difference it
    runs again with the padding flipped, first for every free layer of that kind and window
    (a student's choice is usually the same for all 1x1 convolutions, or all pools), then
    for single layers, so the message names the first difference that matters.
    """
    reading, free = expected, free_paddings(expected)
    flipped_groups: set[tuple] = set()
    flipped_alone: set[int] = set()
    result = architecture(model, reading, input_number=input_number)
    for _ in range(2 * len(free) + 1):
        found = None if result.passed else _PADDING_DIFFERENCE.match(result.message)
        index = int(found.group(1)) - input_number if found else None
        if index not in free or index in flipped_alone:
            break
        group = _window_key(reading.layers[index])
        if group not in flipped_groups:
            flipped_groups.add(group)
            members = [
                j
                for j in free - flipped_alone
                if _window_key(reading.layers[j]) == group
                and reading.layers[j].padding == reading.layers[index].padding
            ]
            reading = _flip(reading, members)
        else:
            flipped_alone.add(index)
            reading = _flip(reading, [index])
        result = architecture(model, reading, input_number=input_number)
    return result
