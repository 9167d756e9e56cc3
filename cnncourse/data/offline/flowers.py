"""Offline TF-Flowers stand-in: procedurally drawn daisies, dandelions, roses, sunflowers, tulips.

Colours overlap between classes (white daisies, roses and tulips; yellow dandelions,
sunflowers, roses and tulips), so the shape of petals and centre has to be learnt.
"""

from __future__ import annotations

import numpy as np

from cnncourse.data.offline.drawing import (
    Canvas,
    Pose,
    clutter,
    ellipse,
    jitter,
    mix,
    random_color,
    transform,
)

NAME = "flowers"
CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")

FOLIAGE = [
    (40, 110, 40),
    (70, 140, 50),
    (25, 70, 30),
    (110, 160, 80),
    (120, 90, 60),
    (140, 180, 220),
    (90, 80, 70),
    (200, 200, 190),
]
WHITE, CREAM, PINK, LILAC = (245, 245, 240), (245, 235, 200), (240, 170, 200), (200, 170, 230)
YELLOW, ORANGE, RED, PURPLE = (250, 215, 40), (245, 150, 40), (200, 25, 40), (120, 40, 130)
GREEN = (50, 130, 45)


def _petal(angle: float, start: float, length: float, width: float, pointed: bool = False):
    """A petal from radius ``start`` outwards, ``length`` long, along ``angle``."""
    if pointed:
        shape = np.array([[0, 0], [0.35, -0.5], [1, 0], [0.35, 0.5]]) * [length, width * 2]
    else:
        shape = ellipse(length / 2, 0, length / 2, width, points=14)
    return transform(shape + [start, 0], angle=angle)


def _daisy(canvas, rng, put, scale):
    color = jitter(rng, WHITE if rng.random() < 0.8 else [PINK, LILAC, CREAM][rng.integers(3)], 12)
    count = int(rng.integers(14, 25))
    length, width = float(rng.uniform(0.6, 0.85)), float(rng.uniform(0.07, 0.12))
    for k in range(count):
        angle = 2 * np.pi * k / count + rng.uniform(-0.08, 0.08)
        canvas.polygon(
            put(_petal(angle, 0.1, length * rng.uniform(0.9, 1.1), width)),
            fill=jitter(rng, color, 8),
        )
    center = float(rng.uniform(0.17, 0.28))
    canvas.polygon(put(ellipse(0, 0, center, center)), fill=jitter(rng, (240, 190, 30), 20))


def _dandelion(canvas, rng, put, scale):
    if rng.random() < 0.3:  # a seed head: white radiating filaments
        color = jitter(rng, (235, 235, 230), 15)
        for _ in range(int(rng.integers(30, 50))):
            angle = rng.uniform(0, 2 * np.pi)
            tip = np.array([[0.0, 0.0], [np.cos(angle), np.sin(angle)]]) * rng.uniform(0.7, 1.0)
            canvas.line(put(tip), color, 0.02 * scale)
            canvas.polygon(put(ellipse(tip[1, 0], tip[1, 1], 0.06, 0.06, points=8)), fill=color)
        canvas.polygon(put(ellipse(0, 0, 0.15, 0.15)), fill=jitter(rng, (150, 120, 80), 20))
        return
    base = jitter(rng, YELLOW, 20)
    for ring, radius in enumerate((1.0, 0.75, 0.5)):
        count = int(rng.integers(28, 44))
        shade = mix(base, ORANGE, 0.15 * ring)
        for k in range(count):
            angle = 2 * np.pi * (k + 0.5 * ring) / count
            canvas.polygon(
                put(_petal(angle, 0.05, radius * rng.uniform(0.85, 1.0), 0.04)),
                fill=jitter(rng, shade, 15),
            )
    canvas.polygon(put(ellipse(0, 0, 0.18, 0.18)), fill=mix(base, ORANGE, 0.4))


def _rose(canvas, rng, put, scale):
    color = jitter(rng, [RED, RED, PINK, WHITE, YELLOW, ORANGE][rng.integers(6)], 25)
    dark = mix(color, (40, 0, 10), 0.45)
    for ring, (radius, count) in enumerate(((0.95, 6), (0.7, 5), (0.48, 5), (0.28, 4))):
        phase = rng.uniform(0, 2 * np.pi)
        shade = mix(color, dark, 0.12 * ring)
        for k in range(count):
            angle = phase + 2 * np.pi * k / count
            cx, cy = 0.45 * radius * np.cos(angle), 0.45 * radius * np.sin(angle)
            petal = ellipse(cx, cy, radius * 0.62, radius * 0.5, angle, points=18)
            canvas.polygon(put(petal), fill=shade, outline=dark, width=0.03 * scale)
    t = np.linspace(0, 4 * np.pi, 30)
    spiral = np.stack([np.cos(t), np.sin(t)], axis=1) * (0.02 + 0.018 * t)[:, None]
    canvas.line(put(spiral), dark, 0.035 * scale)


def _sunflower(canvas, rng, put, scale):
    color = jitter(rng, YELLOW if rng.random() < 0.7 else ORANGE, 20)
    center = float(rng.uniform(0.4, 0.55))
    count = int(rng.integers(16, 27))
    for k in range(count):
        angle = 2 * np.pi * k / count + rng.uniform(-0.05, 0.05)
        canvas.polygon(
            put(_petal(angle, center * 0.8, rng.uniform(0.4, 0.6), 0.14, True)),
            fill=jitter(rng, color, 15),
        )
    brown = jitter(rng, (85, 50, 20), 20)
    canvas.polygon(put(ellipse(0, 0, center, center)), fill=brown)
    for _ in range(int(rng.integers(15, 30))):
        radius, angle = center * np.sqrt(rng.random()) * 0.9, rng.uniform(0, 2 * np.pi)
        canvas.polygon(
            put(ellipse(radius * np.cos(angle), radius * np.sin(angle), 0.05, 0.05, points=6)),
            fill=mix(brown, (20, 10, 0), rng.uniform(0.2, 0.7)),
        )


def _tulip(canvas, rng, put, scale):
    color = jitter(rng, [RED, PINK, YELLOW, PURPLE, WHITE, ORANGE][rng.integers(6)], 25)
    green = jitter(rng, GREEN, 25)
    canvas.line(put(np.array([[0, 0.2], [rng.uniform(-0.15, 0.15), 1.6]])), green, 0.09 * scale)
    side = 1 if rng.random() < 0.5 else -1
    canvas.polygon(put(ellipse(side * 0.3, 1.2, 0.18, 0.7, side * 0.35)), fill=green)
    dark = mix(color, (30, 0, 20), 0.3)
    height, width = float(rng.uniform(0.8, 1.05)), float(rng.uniform(0.45, 0.65))
    cup = np.array(
        [
            [-width, -height * 0.4],
            [-width * 0.55, -height * 0.85],
            [-width * 0.2, -height * 0.45],
            [0, -height],
            [width * 0.2, -height * 0.45],
            [width * 0.55, -height * 0.85],
            [width, -height * 0.4],
            [width * 0.8, 0.15],
            [0.0, 0.3],
            [-width * 0.8, 0.15],
        ]
    )
    canvas.polygon(put(cup), fill=color, outline=dark, width=0.03 * scale)
    middle = np.array(
        [
            [-width * 0.3, -height * 0.5],
            [0, -height * 0.95],
            [width * 0.3, -height * 0.5],
            [0, 0.25],
        ]
    )
    canvas.polygon(put(middle), fill=mix(color, dark, 0.4))


DRAW = {
    "daisy": _daisy,
    "dandelion": _dandelion,
    "roses": _rose,
    "sunflowers": _sunflower,
    "tulips": _tulip,
}


def render(rng: np.random.Generator, name: str, size: int) -> np.ndarray:
    """One image of flower class ``name``, uint8 (size, size, 3)."""
    canvas = Canvas.textured(size, rng, FOLIAGE)
    clutter(canvas, rng, int(rng.integers(2, 10)), FOLIAGE + [random_color(rng)], (0.04, 0.2))
    draw = DRAW[name]
    count = 1 if rng.random() < 0.65 else int(rng.integers(2, 4))
    for index in range(count):
        scale = (0.2, 0.34) if index == 0 else (0.1, 0.2)
        pose = Pose.random(rng, scale=scale, angle=np.pi if name != "tulips" else 0.5, margin=0.25)
        draw(canvas, rng, pose.apply, pose.scale)
    if rng.random() < 0.35:  # a leaf or stem in front
        leaf = transform(
            ellipse(0, 0, 1, rng.uniform(0.2, 0.4), points=16),
            *rng.uniform(0, 1, 2),
            rng.uniform(0.08, 0.2),
            rng.uniform(0, np.pi),
        )
        canvas.polygon(leaf, fill=jitter(rng, GREEN, 35))
    return canvas.render(rng)
