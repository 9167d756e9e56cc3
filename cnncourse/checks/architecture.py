"""Compare a student's Keras model with a `cnncourse.spec.Network`, layer by layer.

The message names the first difference in the student's terms, numbering layers as the
question does (by default the Input is layer 1), with parameter counts where they help:
"layer 3 Conv2D: expected a 5x5 kernel (12,832 parameters), yours is 3x3 (4,640)".
Both networks are walked in the same canonical order (inputs before the layers that read
them, the branches of an Add or a Concatenate in a fixed order), so branched networks
compare too. Dropout rates, activations and padding, invisible to a parameter count, are
compared as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cnncourse import params, spec
from cnncourse.checks.keras_reader import ModelLayer, ModelReadError, read_model
from cnncourse.checks.result import Result, count, plural
from cnncourse.checks.shapes import size_text

_MERGES = ("Add", "Concatenate")
_LOOKAHEAD = 4


@dataclass(frozen=True)
class _Node:
    layer: spec.Layer
    parents: tuple[int, ...]
    number: int | None = None  # the question's number (expected side)
    info: ModelLayer | None = None  # what Keras says (student side)


def _expected_nodes(network: spec.Network, input_number: int) -> tuple[list[_Node], int]:
    names: dict[str, int] = {}
    nodes = []
    for i, layer in enumerate(network.layers):
        if layer.inputs is not None:
            try:
                parents = tuple(names[name] for name in layer.inputs)
            except KeyError as error:
                raise ValueError(
                    f"network {network.name!r}: layer {i + input_number} reads "
                    f"{error.args[0]!r}, which no earlier layer is called"
                ) from None
        else:
            parents = (i - 1,) if i > 0 else ()
        if layer.name:
            names[layer.name] = i
        nodes.append(_Node(layer=layer, parents=parents, number=i + input_number))
    return nodes, len(nodes) - 1


def _student_nodes(model) -> tuple[list[_Node], int]:
    graph = read_model(model)
    nodes = [_Node(layer=layer.spec, parents=layer.parents, info=layer) for layer in graph.layers]
    return nodes, graph.output


def _kind(layer: spec.Layer) -> str:
    return layer.kind


def _settings_key(layer: spec.Layer) -> tuple:
    if isinstance(layer, spec.Block):
        return ("Block",)
    settings = layer.settings()
    if "activation" in settings:
        settings["activation"] = _activation(settings["activation"])
    return (layer.kind, tuple(sorted((k, repr(v)) for k, v in settings.items())))


def _canonical_order(nodes: list[_Node], output: int) -> list[int]:
    """Inputs before the layers reading them; merge inputs sorted by their subgraph."""

    @cache
    def signature(i: int) -> tuple:
        parents = tuple(signature(p) for p in nodes[i].parents)
        if _kind(nodes[i].layer) in _MERGES:
            parents = tuple(sorted(parents, key=repr))
        return (_settings_key(nodes[i].layer), parents)

    order: list[int] = []
    seen: set[int] = set()

    def visit(i: int) -> None:
        if i in seen:
            return
        seen.add(i)
        parents = list(nodes[i].parents)
        if _kind(nodes[i].layer) in _MERGES:
            parents.sort(key=lambda p: repr(signature(p)))
        for parent in parents:
            visit(parent)
        order.append(i)

    visit(output)
    return order


def _activation(value) -> str:
    return "linear" if value in (None, "linear") else str(value)


def describe(layer: spec.Layer) -> str:
    """A short description of a layer: 'Conv2D with 32 5x5 filters', 'Dropout(0.5)'."""
    if isinstance(layer, spec.Input):
        return f"Input of shape {size_text(layer.shape)}"
    if isinstance(layer, spec.Conv2D):
        return f"Conv2D with {layer.filters} {size_text(layer.kernel_size)} filters"
    if isinstance(layer, spec.Dense):
        return f"Dense with {plural(layer.units, 'unit')}"
    if isinstance(layer, (spec.MaxPooling2D, spec.AveragePooling2D)):
        text = f"{layer.kind} {size_text(layer.pool_size)}"
        if layer.strides == layer.pool_size:
            return text
        return f"{text} stride {size_text(layer.strides)}"
    if isinstance(layer, spec.Dropout):
        return f"Dropout({layer.rate:g})"
    if isinstance(layer, spec.Activation):
        return f"Activation('{layer.activation}')"
    if isinstance(layer, spec.Block):
        return f"{layer.label} ({count(layer.params)} parameters)"
    return layer.kind


def _label(layer: spec.Layer) -> str:
    return layer.label if isinstance(layer, spec.Block) else layer.kind


def expected_params(layer: spec.Layer, input_shape: tuple | None) -> int | None:
    """The parameters ``layer`` has when it reads ``input_shape`` (None when unknown)."""
    if isinstance(layer, spec.Block):
        return layer.params
    if not isinstance(layer, params.WEIGHTED_KINDS):
        return 0
    if not input_shape or input_shape[-1] is None:
        return None
    return sum(params.weight_counts(layer, int(input_shape[-1])))


def _params_note(expected: spec.Layer, student: _Node) -> tuple[str, str]:
    info = student.info
    wanted = expected_params(expected, info.input_shape if info else None)
    if wanted is None or info is None:
        return "", ""
    return f" ({count(wanted)} parameters)", f" ({count(info.params)})"


def _compare_settings(expected: _Node, student: _Node) -> str | None:
    """What differs between two layers of the same kind, in words (None when nothing)."""
    e, s = expected.layer, student.layer
    head = f"layer {expected.number} {_label(e)}"
    want, have = _params_note(e, student)
    if isinstance(e, spec.Input):
        if len(e.shape) != len(s.shape) or any(
            a is not None and a != b for a, b in zip(e.shape, s.shape)
        ):
            return f"{head}: expected shape {size_text(e.shape)}, yours is {size_text(s.shape)}"
        return None
    if isinstance(e, spec.Conv2D):
        if e.filters != s.filters:
            return f"{head}: expected {e.filters} filters{want}, yours has {s.filters}{have}"
        if e.kernel_size != s.kernel_size:
            return (
                f"{head}: expected a {size_text(e.kernel_size)} kernel{want}, "
                f"yours is {size_text(s.kernel_size)}{have}"
            )
    if isinstance(e, spec.Dense) and e.units != s.units:
        return f"{head}: expected {plural(e.units, 'unit')}{want}, yours has {s.units}{have}"
    if isinstance(e, (spec.MaxPooling2D, spec.AveragePooling2D)) and e.pool_size != s.pool_size:
        return (
            f"{head}: expected a {size_text(e.pool_size)} pool, yours is {size_text(s.pool_size)}"
        )
    if isinstance(e, (spec.Conv2D, spec.MaxPooling2D, spec.AveragePooling2D)):
        if e.strides != s.strides:
            return (
                f"{head}: expected strides {size_text(e.strides)}, yours are {size_text(s.strides)}"
            )
        if e.padding != s.padding:
            note = ""
            if student.info and student.info.output_shape:
                note = f" (your output is {size_text(student.info.output_shape)})"
            return f"{head}: expected padding='{e.padding}', yours is '{s.padding}'{note}"
    if isinstance(e, (spec.Conv2D, spec.Dense, spec.Activation)):
        wanted, got = _activation(e.activation), _activation(s.activation)
        if wanted != got:
            none = " (no activation)" if got == "linear" else ""
            return f"{head}: expected activation '{wanted}', yours is '{got}'{none}"
    if isinstance(e, (spec.Conv2D, spec.Dense)) and e.use_bias != s.use_bias:
        return f"{head}: expected use_bias={e.use_bias}{want}, yours is use_bias={s.use_bias}{have}"
    if isinstance(e, spec.Dropout) and abs(e.rate - s.rate) > 1e-9:
        return f"{head}: expected rate {e.rate:g}, yours is {s.rate:g}"
    if isinstance(e, spec.BatchNormalization) and (e.center, e.scale) != (s.center, s.scale):
        return (
            f"{head}: expected center={e.center}, scale={e.scale}, "
            f"yours has center={s.center}, scale={s.scale}"
        )
    if isinstance(e, spec.Concatenate) and e.axis != s.axis and not {e.axis, s.axis} <= {-1, 3}:
        return f"{head}: expected axis={e.axis}, yours is axis={s.axis}"
    if isinstance(e, spec.Block):
        return _compare_block(e, student, head)
    return None


class _Trainability(str):
    """A difference in what trains, not in the layers: no "same total" note for it."""


def _compare_block(e: spec.Block, student: _Node, head: str) -> str | None:
    info = student.info
    if info is None:
        return None
    if info.params != e.params:
        return f"{head}: expected {count(e.params)} parameters, yours has {count(info.params)}"
    if not e.trainable and info.trainable_params > 0:
        return _Trainability(
            f"{head} must be frozen: {count(info.trainable_params)} of its "
            f"{count(info.params)} parameters are trainable"
        )
    if e.trainable and e.params > 0:
        wanted = e.params - e.non_trainable_params
        if info.trainable_params != wanted:
            return _Trainability(
                f"{head} must be trainable: {count(wanted)} of its parameters "
                f"should train, yours has {count(info.trainable_params)}"
            )
    if (
        e.output_shape is not None
        and info.output_shape is not None
        and any(a is not None and a != b for a, b in zip(e.output_shape, info.output_shape))
    ):
        return (
            f"{head}: expected output shape {size_text(e.output_shape)}, "
            f"yours is {size_text(info.output_shape)}"
        )
    return None


def _same_kind(e: spec.Layer, s: spec.Layer) -> bool:
    return _kind(e) == _kind(s)


def _equal(expected: _Node, student: _Node) -> bool:
    if not _same_kind(expected.layer, student.layer):
        return False
    return _compare_settings(expected, student) is None


def _run(expected: list[_Node], student: list[_Node]) -> int:
    """How many of the next few layers match, pair by pair."""
    matched = 0
    for e, s in zip(expected[:_LOOKAHEAD], student[:_LOOKAHEAD]):
        if not _equal(e, s):
            break
        matched += 1
    return matched


def _student_description(node: _Node) -> str:
    info = node.info
    text = describe(node.layer)
    if isinstance(node.layer, spec.Block) and info is not None:
        text = f"{info.class_name} '{info.name}' ({count(info.params)} parameters)"
    return text


def _kind_mismatch(exp: list[_Node], stu: list[_Node], k: int) -> str:
    e, s = exp[k], stu[k]
    missing = _run(exp[k + 1 :], stu[k:])
    extra = _run(exp[k:], stu[k + 1 :])
    swapped = _run(exp[k + 1 :], stu[k + 1 :])
    if missing > max(extra, swapped):
        previous = exp[k - 1] if k else None
        after = (
            f" (it comes after layer {previous.number} {_label(previous.layer)})"
            if previous
            else ""
        )
        return f"layer {e.number} {describe(e.layer)} is missing{after}"
    if extra > swapped:
        return (
            f"your model has an extra {_student_description(s)} layer before "
            f"layer {e.number} {_label(e.layer)}"
        )
    return (
        f"layer {e.number}: expected {_a(describe(e.layer))}, "
        f"yours is {_a(_student_description(s))}"
    )


def _a(text: str) -> str:
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


def _compare(exp: list[_Node], stu: list[_Node]) -> str | None:
    """The first layer (in canonical order) whose kind or settings differ."""
    for k in range(max(len(exp), len(stu))):
        if k >= len(stu):
            last = f"layer {exp[k - 1].number} {_label(exp[k - 1].layer)}" if k else "nothing"
            rest = ", ".join(describe(node.layer) for node in exp[k:])
            return (
                f"layer {exp[k].number} {describe(exp[k].layer)} is missing: your model "
                f"ends after {last} (missing: {rest})"
            )
        if k >= len(exp):
            extra = ", ".join(_student_description(node) for node in stu[k:])
            return (
                f"your model has {plural(len(stu) - k, 'extra layer')} after layer "
                f"{exp[-1].number} {_label(exp[-1].layer)}: {extra}"
            )
        e, s = exp[k], stu[k]
        if not _same_kind(e.layer, s.layer):
            return _kind_mismatch(exp, stu, k)
        difference = _compare_settings(e, s)
        if difference:
            return difference
    return None


def _structure(exp_nodes, exp_order, stu_nodes, stu_order) -> str | None:
    """The first layer whose inputs come from other layers than the question's."""
    exp_position = {i: k for k, i in enumerate(exp_order)}
    stu_position = {i: k for k, i in enumerate(stu_order)}
    for i, j in zip(exp_order, stu_order):
        wanted = sorted(exp_position[p] for p in exp_nodes[i].parents)
        got = sorted(stu_position[p] for p in stu_nodes[j].parents if p in stu_position)
        if wanted != got:

            def names(positions):
                numbers = [str(exp_nodes[exp_order[q]].number) for q in positions]
                return (
                    "layer " + " and ".join(numbers)
                    if len(numbers) == 1
                    else "layers " + ", ".join(numbers[:-1]) + " and " + numbers[-1]
                )

            node = exp_nodes[i]
            return (
                f"layer {node.number} {_label(node.layer)}: expected its input from "
                f"{names(wanted) if wanted else 'nothing'}, yours reads "
                f"{names(got) if got else 'nothing'}"
            )
    return None


def architecture(model, expected: spec.Network, *, input_number: int = 1) -> Result:
    """Whether ``model`` has the layers of ``expected``; the message names the first difference.

    ``input_number`` is the number the question gives the Input layer (1 when the question
    lists it first, 0 when it numbers the layers after the input from 1).
    """
    if not isinstance(expected, spec.Network):
        raise TypeError(f"expected must be a cnncourse.spec.Network, got {type(expected).__name__}")
    exp_nodes, exp_output = _expected_nodes(expected, input_number)
    try:
        stu_nodes, stu_output = _student_nodes(model)
    except ModelReadError as error:
        return Result.fail(str(error))
    exp_order = _canonical_order(exp_nodes, exp_output)
    stu_order = _canonical_order(stu_nodes, stu_output)
    exp = [exp_nodes[i] for i in exp_order]
    stu = [stu_nodes[i] for i in stu_order]
    difference = _compare(exp, stu) or _structure(exp_nodes, exp_order, stu_nodes, stu_order)
    total = sum(node.info.params for node in stu)
    if difference:
        wanted_total = _expected_total(expected)
        if wanted_total == total and not isinstance(difference, _Trainability):
            difference += (
                f" (your model has the expected total of {count(total)} parameters, "
                "but not the expected layers)"
            )
        return Result.fail(difference)
    return Result.ok(
        f"the architecture of {expected.name} matches: "
        f"{plural(len(exp), 'layer')}, {count(total)} parameters"
    )


def _expected_total(network: spec.Network) -> int | None:
    """The expected network's parameter total (`cnncourse.params.total`); None if unknown."""
    try:
        return int(params.total(network))
    except Exception:  # noqa: BLE001 - an optional hint, never a failure of the check
        return None
