"""The layer kinds of a specification as plain data: `Conv2D`, `Dense`, `Block`, ...

Each layer takes the previous one as input unless `inputs` names other layers (branches,
skips). Settings are normalised as Keras does (an int kernel size is a pair, pooling strides
default to the pool size) and impossible paddings are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

Pair = tuple[int, int]


def _pair(value, what: str) -> Pair:
    if isinstance(value, int):
        return (value, value)
    try:
        a, b = value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an int or a pair of ints, got {value!r}") from None
    return (int(a), int(b))


@dataclass(frozen=True, kw_only=True)
class Layer:
    """A layer. `name` is optional; `inputs` names the layers it reads (default: the previous)."""

    name: str | None = None
    inputs: tuple[str, ...] | None = None

    @property
    def kind(self) -> str:
        return type(self).__name__

    def settings(self) -> dict:
        """The layer's own settings (everything but name and inputs)."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("name", "inputs")
        }

    def __post_init__(self) -> None:
        if self.inputs is not None and not isinstance(self.inputs, tuple):
            object.__setattr__(self, "inputs", tuple(self.inputs))


@dataclass(frozen=True, kw_only=True)
class Input(Layer):
    shape: tuple[int | None, ...]

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "shape", tuple(self.shape))


@dataclass(frozen=True, kw_only=True)
class Conv2D(Layer):
    filters: int
    kernel_size: Pair = (3, 3)
    strides: Pair = (1, 1)
    padding: str = "valid"
    activation: str | None = None
    use_bias: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kernel_size", _pair(self.kernel_size, "kernel_size"))
        object.__setattr__(self, "strides", _pair(self.strides, "strides"))
        _check_padding(self.padding)


@dataclass(frozen=True, kw_only=True)
class Dense(Layer):
    units: int
    activation: str | None = None
    use_bias: bool = True


@dataclass(frozen=True, kw_only=True)
class _Pooling2D(Layer):
    pool_size: Pair = (2, 2)
    strides: Pair | None = None  # None: equal to pool_size, as in Keras
    padding: str = "valid"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "pool_size", _pair(self.pool_size, "pool_size"))
        strides = self.pool_size if self.strides is None else _pair(self.strides, "strides")
        object.__setattr__(self, "strides", strides)
        _check_padding(self.padding)


@dataclass(frozen=True, kw_only=True)
class MaxPooling2D(_Pooling2D):
    pass


@dataclass(frozen=True, kw_only=True)
class AveragePooling2D(_Pooling2D):
    pass


@dataclass(frozen=True, kw_only=True)
class GlobalAveragePooling2D(Layer):
    pass


@dataclass(frozen=True, kw_only=True)
class GlobalMaxPooling2D(Layer):
    pass


@dataclass(frozen=True, kw_only=True)
class Flatten(Layer):
    pass


@dataclass(frozen=True, kw_only=True)
class Dropout(Layer):
    rate: float


@dataclass(frozen=True, kw_only=True)
class BatchNormalization(Layer):
    center: bool = True
    scale: bool = True


@dataclass(frozen=True, kw_only=True)
class Activation(Layer):
    activation: str


@dataclass(frozen=True, kw_only=True)
class Concatenate(Layer):
    axis: int = -1


@dataclass(frozen=True, kw_only=True)
class Add(Layer):
    pass


@dataclass(frozen=True, kw_only=True)
class Block(Layer):
    """An opaque sub-model (a pretrained base, an augmentation pipeline) with known counts.

    `output_shape` is the block's output without the batch axis; `trainable` says
    whether its weights train.
    """

    label: str
    params: int
    non_trainable_params: int = 0
    output_shape: tuple[int | None, ...] | None = None
    trainable: bool = True


def _check_padding(padding: str) -> None:
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
