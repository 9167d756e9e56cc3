"""Output sizes of convolution and pooling windows, and sizes and counts in words.

'valid': floor((n - kernel) / stride) + 1; 'same': ceil(n / stride), as Keras computes them:
"'valid' 3x3 pool, stride 2: floor((64-3)/2)+1 = 31". Shapes never include the batch axis;
``None`` stands for a size that is not fixed.
"""

from __future__ import annotations


def output_size(n: int | None, kernel: int, stride: int = 1, padding: str = "valid") -> int | None:
    """Output length of a convolution or pooling window along one axis (Keras' rule).

    'valid': floor((n - kernel) / stride) + 1, and the window must fit (kernel <= n);
    'same': ceil(n / stride). ``n=None`` (size not fixed) gives None.
    """
    if kernel < 1:
        raise ValueError(f"kernel size must be at least 1, got {kernel}")
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}")
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    if n is None:
        return None
    if n < 1:
        raise ValueError(f"input size must be at least 1, got {n}")
    if padding == "same":
        return -(-n // stride)
    if kernel > n:
        raise ValueError(
            f"a {kernel}-wide window does not fit in {n} pixels with 'valid' padding "
            f"(floor(({n}-{kernel})/{stride})+1 = {(n - kernel) // stride + 1}); "
            "use padding='same' or a smaller kernel"
        )
    return (n - kernel) // stride + 1


def _size_formula(n: int | None, kernel: int, stride: int, padding: str) -> str:
    out = output_size(n, kernel, stride, padding)
    if n is None:
        return "unknown (None) stays unknown"
    if padding == "same":
        return f"ceil({n}/{stride}) = {out}"
    return f"floor(({n}-{kernel})/{stride})+1 = {out}"


def explain_output_size(
    size: tuple, kernel: tuple, strides: tuple, padding: str, what: str = "kernel"
) -> str:
    """Explain how a (height, width) window layer changes the spatial size, e.g.
    "'valid' 3x3 pool, stride 2: floor((64-3)/2)+1 = 31"."""
    (h, w), (kh, kw), (sh, sw) = size, kernel, strides
    out = (output_size(h, kh, sh, padding), output_size(w, kw, sw, padding))
    stride_text = f"stride {sh}" if sh == sw else f"strides {sh}x{sw}"
    if padding == "same":
        lead = f"'same' padding, {stride_text}"
    else:
        lead = f"'valid' {kh}x{kw} {what}, {stride_text}"
    if padding == "same" and sh == sw == 1:
        return f"{lead}: {hw_text(h, w)} stays {hw_text(*out)}"
    if h == w and kh == kw and sh == sw:
        return (
            f"{lead}: {_size_formula(h, kh, sh, padding)}, "
            f"so {hw_text(h, w)} becomes {hw_text(*out)}"
        )
    return (
        f"{lead}: height {_size_formula(h, kh, sh, padding)}, "
        f"width {_size_formula(w, kw, sw, padding)}, so {hw_text(h, w)} becomes {hw_text(*out)}"
    )


def dim_text(value) -> str:
    """One size as text: '64', or 'None' when it is not fixed."""
    return "None" if value is None else str(value)


def hw_text(h, w) -> str:
    """A height and a width as text: '64x64'."""
    return f"{dim_text(h)}x{dim_text(w)}"


def format_shape(shape: tuple) -> str:
    """A shape without the batch axis as text: (64, 64, 3) -> '64x64x3', (2048,) -> '2048'."""
    return "x".join(dim_text(value) for value in shape) if shape else "scalar"


def thousands(value: int) -> str:
    """An integer with thousands separators: 12,832."""
    return f"{value:,}"


def count_of(number: int, word: str, plural: str | None = None) -> str:
    """'1 unit', '5 units', '1 bias', '32 biases'."""
    return f"{thousands(number)} {word if number == 1 else plural or word + 's'}"
