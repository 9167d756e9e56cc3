"""Whether Keras preprocessing layers do what an ``ImageDataGenerator`` setting asked for.

The legacy generator is gone from Keras 3; its settings become layers (the table is in
`cnncourse.augment`). `augmentation_settings` reads the layers of a student's pipeline back
into generator terms and compares them with the settings, naming every difference in the
student's terms: "rotation_range=40: your RandomRotation turns by up to 144 degrees
(factor 0.4); its factor is a fraction of a full turn: 40 degrees is 40 / 360 = 0.111".

| setting | layer and what is read |
| --- | --- |
| ``rotation_range`` (degrees) | ``RandomRotation``: ``factor`` x 360 |
| ``width_shift_range`` | ``RandomTranslation``: ``width_factor`` |
| ``height_shift_range`` | ``RandomTranslation``: ``height_factor`` |
| ``shear_range`` | ``RandomShear``: the larger of ``x_factor`` and ``y_factor`` |
| ``zoom_range`` | ``RandomZoom``: ``height_factor`` (and ``width_factor``, None = the same) |
| ``horizontal_flip``, ``vertical_flip`` | ``RandomFlip``: ``mode`` |
| ``fill_mode`` | ``fill_mode`` of every geometric layer above |

Factors given as a pair ``(low, high)`` count by their larger magnitude. Layers may sit in
nested models, and a setting may be split over two layers of a kind (one translation layer
per axis).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cnncourse.checks.result import Result

GEOMETRIC = ("RandomRotation", "RandomTranslation", "RandomShear", "RandomZoom")
KNOWN_SETTINGS = (
    "rotation_range",
    "width_shift_range",
    "height_shift_range",
    "shear_range",
    "zoom_range",
    "horizontal_flip",
    "vertical_flip",
    "fill_mode",
)
_LAYER_OF = {
    "rotation_range": "RandomRotation",
    "width_shift_range": "RandomTranslation",
    "height_shift_range": "RandomTranslation",
    "shear_range": "RandomShear",
    "zoom_range": "RandomZoom",
    "horizontal_flip": "RandomFlip",
    "vertical_flip": "RandomFlip",
}


def _walk(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item)
        return
    yield value
    for child in getattr(value, "layers", None) or []:
        yield from _walk(child)


def _magnitude(factor) -> float | None:
    if factor is None:
        return None
    if isinstance(factor, (list, tuple)):
        return max(abs(float(v)) for v in factor)
    return abs(float(factor))


def _g(value: float) -> str:
    return f"{value:.3g}"


def read_layers(pipeline) -> dict:
    """The generator-style settings that the preprocessing layers of ``pipeline`` apply.

    Returns ``{"layers": {kind: [layer, ...]}, setting: value, ...}`` for the settings whose
    layer is there; ``fill_modes`` maps each geometric layer's name to its fill mode.
    """
    found: dict[str, list] = {}
    for layer in _walk(pipeline):
        kind = type(layer).__name__
        if kind in GEOMETRIC + ("RandomFlip",):
            found.setdefault(kind, []).append(layer)
    read: dict = {"layers": found, "fill_modes": {}}

    def config(layer) -> dict:
        return layer.get_config()

    def largest(kind: str, field: str) -> float:
        values = [_magnitude(config(layer).get(field)) for layer in found.get(kind, [])]
        return max((v for v in values if v is not None), default=0.0)

    if "RandomRotation" in found:
        read["rotation_range"] = largest("RandomRotation", "factor") * 360.0
    if "RandomTranslation" in found:
        read["height_shift_range"] = largest("RandomTranslation", "height_factor")
        read["width_shift_range"] = largest("RandomTranslation", "width_factor")
    if "RandomShear" in found:
        read["shear_range"] = max(
            largest("RandomShear", "x_factor"), largest("RandomShear", "y_factor")
        )
    if "RandomZoom" in found:
        heights = [
            _magnitude(config(layer).get("height_factor")) or 0.0 for layer in found["RandomZoom"]
        ]
        widths = [_magnitude(config(layer).get("width_factor")) for layer in found["RandomZoom"]]
        read["zoom_range"] = max(heights)
        read["zoom_width"] = max(h if w is None else w for h, w in zip(heights, widths))
    if "RandomFlip" in found:
        modes = {config(layer).get("mode", "") for layer in found["RandomFlip"]}
        read["horizontal_flip"] = any("horizontal" in mode for mode in modes)
        read["vertical_flip"] = any("vertical" in mode for mode in modes)
    for kind in GEOMETRIC:
        for layer in found.get(kind, []):
            read["fill_modes"][f"{kind} {layer.name!r}"] = config(layer).get("fill_mode")
    return read


def _rotation_hint(got: float, wanted: float) -> str:
    factor = got / 360.0
    text = (
        f"its factor is a fraction of a full turn: {_g(wanted)} degrees is "
        f"{_g(wanted)} / 360 = {wanted / 360.0:.3f}"
    )
    if wanted and math.isclose(factor, math.radians(wanted), rel_tol=0.02):
        return f"{_g(factor)} is {_g(wanted)} degrees in radians; " + text
    if wanted and math.isclose(got, 2 * wanted, rel_tol=0.02):
        return f"{_g(factor)} = {_g(wanted)} / 180 turns twice as far; " + text
    return text


def _close(got: float, wanted: float, relative: float) -> bool:
    return math.isclose(got, wanted, rel_tol=relative, abs_tol=1e-9)


def _compare(setting: str, wanted, read: dict, relative: float) -> str | None:
    layer = _LAYER_OF[setting]
    if setting in ("horizontal_flip", "vertical_flip"):
        got = bool(read.get(setting, False))
        if got == bool(wanted):
            return None
        direction = setting.split("_")[0]
        if wanted:
            return (
                f"{setting}=True: no RandomFlip flips images {direction}ly (use "
                f'RandomFlip("{direction}"))'
            )
        return f"{setting}=False: your RandomFlip also flips images {direction}ly"
    wanted = float(wanted)
    if setting not in read:
        if wanted == 0:
            return None
        return f"{setting}={_g(wanted)}: there is no {layer} layer in your augmentation"
    got = float(read[setting])
    if _close(got, wanted, relative):
        if setting == "zoom_range" and not _close(read["zoom_width"], wanted, relative):
            return (
                f"zoom_range={_g(wanted)}: your RandomZoom zooms the width by up to "
                f"{_g(read['zoom_width'])} (width_factor), the height by {_g(got)}"
            )
        return None
    if setting == "rotation_range":
        return (
            f"rotation_range={_g(wanted)}: your RandomRotation turns by up to {_g(got)} "
            f"degrees (factor {_g(got / 360.0)}); {_rotation_hint(got, wanted)}"
        )
    field = {
        "width_shift_range": "width_factor",
        "height_shift_range": "height_factor",
        "shear_range": "x_factor",
        "zoom_range": "height_factor",
    }[setting]
    what = {
        "width_shift_range": "shifts by up to {} of the width",
        "height_shift_range": "shifts by up to {} of the height",
        "shear_range": "shears by up to {}",
        "zoom_range": "zooms by up to {}",
    }[setting]
    return (
        f"{setting}={_g(wanted)}: your {layer} {what.format(_g(got))} ({field} "
        f"{_g(got)}), expected {_g(wanted)}"
    )


def augmentation_settings(
    pipeline, settings: Mapping, *, name: str = "your augmentation", relative: float = 0.02
) -> Result:
    """Whether the preprocessing layers of ``pipeline`` apply the generator ``settings``.

    ``pipeline`` is a Keras model (a ``Sequential`` of preprocessing layers, or a model with
    one inside) or a list of layers; ``settings`` uses ``ImageDataGenerator`` names, e.g.
    `cnncourse.augment.CS577_SETTINGS`. Numbers may differ by ``relative`` (2%: a factor of
    0.11 for 40 degrees passes). The message lists every setting that differs.
    """
    unknown = [key for key in settings if key not in KNOWN_SETTINGS]
    if unknown:
        raise ValueError(f"unknown generator settings {unknown}: known are {KNOWN_SETTINGS}")
    if (
        not hasattr(pipeline, "layers")
        and not isinstance(pipeline, (list, tuple))
        and type(pipeline).__name__ not in GEOMETRIC + ("RandomFlip",)
    ):
        return Result.fail(
            f"{name}: expected a Keras model or a list of preprocessing layers, "
            f"got {type(pipeline).__name__}"
        )
    try:
        read = read_layers(pipeline)
    except Exception as error:  # noqa: BLE001 - a layer whose settings cannot be read
        return Result.fail(f"{name}: its layers cannot be read ({type(error).__name__}: {error})")
    if not read["layers"]:
        return Result.fail(
            f"{name} has no Keras preprocessing layer (RandomRotation, "
            "RandomTranslation, RandomShear, RandomZoom, RandomFlip)"
        )
    problems = [
        problem
        for setting, wanted in settings.items()
        if setting != "fill_mode"
        for problem in [_compare(setting, wanted, read, relative)]
        if problem
    ]
    if "fill_mode" in settings:
        wrong = {
            layer: mode
            for layer, mode in read["fill_modes"].items()
            if mode != settings["fill_mode"]
        }
        if wrong:
            listed = ", ".join(f"{layer} uses {mode!r}" for layer, mode in wrong.items())
            problems.append(
                f"fill_mode={settings['fill_mode']!r}: {listed} (Keras' default "
                f"is 'reflect': pass fill_mode={settings['fill_mode']!r})"
            )
    if problems:
        return Result.fail(f"{name}: " + "; ".join(problems))
    kinds = ", ".join(read["layers"])
    return Result.ok(f"{name} applies the generator settings ({kinds})")
