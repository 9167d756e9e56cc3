"""Drawing helpers shared by the offline datasets: per-image seeds, poses, shapes, backgrounds.

Objects are drawn in their own frame (about -1..1) and placed on the canvas by a Pose; the
canvas works in units of the image side (0..1) and is rendered supersampled with Pillow,
then reduced, so edges are anti-aliased at every image size.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

Color = tuple[int, int, int]


def image_rng(dataset: str, split: str, index: int) -> np.random.Generator:
    """The random generator of one image, seeded from (dataset, split, index) alone."""
    key = zlib.crc32(f"{dataset}/{split}".encode())
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([key, int(index)])))


def supersampling(size: int) -> int:
    """How many canvas pixels per image pixel (more for small images)."""
    return 4 if size <= 48 else 3 if size <= 100 else 2


def random_color(rng: np.random.Generator, low: int = 0, high: int = 256) -> Color:
    return tuple(int(value) for value in rng.integers(low, high, size=3))


def jitter(rng: np.random.Generator, color, amount: int = 25) -> Color:
    """``color`` with each channel moved by up to ``amount``."""
    values = np.asarray(color, dtype=np.int64) + rng.integers(-amount, amount + 1, size=3)
    return tuple(int(value) for value in np.clip(values, 0, 255))


def mix(first, second, weight: float) -> Color:
    """``weight`` of ``second`` mixed into ``first``."""
    values = (1 - weight) * np.asarray(first, float) + weight * np.asarray(second, float)
    return tuple(round(value) for value in np.clip(values, 0, 255))


def ellipse(
    cx: float, cy: float, rx: float, ry: float, angle: float = 0.0, points: int = 28
) -> np.ndarray:
    """Points of an ellipse (object frame), rotated by ``angle`` radians about its centre."""
    t = np.linspace(0, 2 * np.pi, points, endpoint=False)
    x, y = rx * np.cos(t), ry * np.sin(t)
    c, s = np.cos(angle), np.sin(angle)
    return np.stack([cx + c * x - s * y, cy + s * x + c * y], axis=1)


def regular_polygon(sides: int, radius: float = 1.0, phase: float = 0.0) -> np.ndarray:
    """A regular polygon centred on the origin with a vertex at angle ``phase``."""
    t = phase + 2 * np.pi * np.arange(sides) / sides
    return np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)


def star(tips: int, outer: float = 1.0, inner: float = 0.45, phase: float = 0.0) -> np.ndarray:
    """A star with ``tips`` points."""
    t = phase + np.pi * np.arange(2 * tips) / tips
    radius = np.where(np.arange(2 * tips) % 2 == 0, outer, inner)
    return np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)


def transform(
    points,
    dx: float = 0.0,
    dy: float = 0.0,
    scale: float = 1.0,
    angle: float = 0.0,
    sx: float = 1.0,
    sy: float = 1.0,
) -> np.ndarray:
    """Points stretched by (sx, sy), rotated by ``angle``, scaled, then shifted by (dx, dy)."""
    points = np.asarray(points, dtype=float) * np.array([sx, sy])
    c, s = np.cos(angle), np.sin(angle)
    rotated = points @ np.array([[c, s], [-s, c]])
    return rotated * scale + np.array([dx, dy])


@dataclass(frozen=True)
class Pose:
    """Where an object sits: centre (canvas units), size (half-extent), rotation, mirror."""

    cx: float
    cy: float
    scale: float
    angle: float = 0.0
    mirror: bool = False

    def apply(self, points) -> np.ndarray:
        points = np.asarray(points, dtype=float)
        if self.mirror:
            points = points * np.array([-1.0, 1.0])
        return transform(points, self.cx, self.cy, self.scale, self.angle)

    @classmethod
    def random(
        cls, rng: np.random.Generator, scale=(0.2, 0.35), angle: float = 0.5, margin: float = 0.0
    ) -> Pose:
        """A random pose: size in ``scale``, rotation up to +-``angle`` radians."""
        size = float(rng.uniform(*scale))
        room = max(0.5 - size * (1 - margin), 0.02)
        return cls(
            float(rng.uniform(0.5 - room, 0.5 + room)),
            float(rng.uniform(0.5 - room, 0.5 + room)),
            size,
            float(rng.uniform(-angle, angle)),
            bool(rng.random() < 0.5),
        )


class Canvas:
    """A supersampled RGB canvas addressed in units of the image side."""

    def __init__(self, size: int, background: Image.Image | None = None):
        self.size = int(size)
        self.factor = supersampling(self.size)
        self.pixels = self.size * self.factor
        if background is None:
            background = Image.new("RGB", (self.pixels, self.pixels), (128, 128, 128))
        self.image = background
        self.draw = ImageDraw.Draw(self.image)

    @classmethod
    def textured(
        cls, size: int, rng: np.random.Generator, palette=None, soften: float = 0.0
    ) -> Canvas:
        """A canvas on a random textured background (see ``background``)."""
        pixels = size * supersampling(size)
        texture = background(rng, size, palette, soften)
        return cls(size, texture.resize((pixels, pixels), Image.Resampling.BILINEAR))

    def _xy(self, points) -> list[float]:
        return (np.asarray(points, dtype=float) * self.pixels).ravel().tolist()

    def polygon(self, points, fill=None, outline=None, width: float = 0.0) -> None:
        """A filled polygon (canvas units); ``width`` is the outline's, in canvas units."""
        xy = self._xy(points)
        if len(xy) < 6:
            return
        if fill is not None:
            self.draw.polygon(xy, fill=fill)
        if outline is not None and width > 0:
            self.draw.line(
                xy + xy[:2], fill=outline, width=max(1, round(width * self.pixels)), joint="curve"
            )

    def line(self, points, fill, width: float) -> None:
        """A polyline (canvas units) of ``width`` canvas units."""
        self.draw.line(
            self._xy(points), fill=fill, width=max(1, round(width * self.pixels)), joint="curve"
        )

    def disc(self, cx: float, cy: float, radius: float, fill) -> None:
        """A filled circle (canvas units)."""
        r = radius * self.pixels
        x, y = cx * self.pixels, cy * self.pixels
        self.draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)

    def render(
        self,
        rng: np.random.Generator,
        noise: float = 6.0,
        contrast=(0.7, 1.15),
        brightness: float = 25.0,
    ) -> np.ndarray:
        """The image at its real size, uint8 (size, size, 3), with lighting jitter and noise.

        Arithmetic is in float64 so that machines with different SIMD code paths round
        to the same bytes.
        """
        small = self.image.reduce(self.factor) if self.factor > 1 else self.image
        array = np.asarray(small, dtype=np.float64)
        mean = array.mean(axis=(0, 1), keepdims=True)
        gain = float(rng.uniform(*contrast))
        shift = rng.uniform(-brightness, brightness, size=3)
        array = (array - mean) * gain + mean + shift
        sigma = float(rng.uniform(0, noise))
        if sigma > 0:
            array += rng.normal(0, sigma, size=array.shape)
        return np.clip(np.rint(array), 0, 255).astype(np.uint8)


def background(
    rng: np.random.Generator, pixels: int, palette=None, soften: float = 0.0
) -> Image.Image:
    """A random textured background: smooth blotches, stripes, tiles or a gradient.

    ``palette`` (a list of colours) limits the colours used; by default they are random.
    ``soften`` (0..1) brings the second colour towards the first: less contrast.
    """

    def pick() -> Color:
        if palette:
            return jitter(rng, palette[int(rng.integers(len(palette)))], 30)
        return random_color(rng)

    first, second = np.asarray(pick(), np.float64), np.asarray(pick(), np.float64)
    second = first + (second - first) * (1 - soften)
    kind = int(rng.integers(4))
    grid = np.linspace(0, 1, pixels, dtype=np.float64)
    x, y = np.meshgrid(grid, grid)
    if kind == 0:  # smooth blotches
        cells = int(rng.integers(3, 9))
        low = (rng.random((cells, cells)) * 255).astype(np.uint8)
        weight = (
            np.asarray(Image.fromarray(low).resize((pixels, pixels), Image.BICUBIC), np.float64)[
                ..., None
            ]
            / 255
        )
    elif kind == 1:  # stripes
        angle = rng.uniform(0, np.pi)
        frequency = rng.uniform(3, 14)
        phase = rng.uniform(0, 2 * np.pi)
        wave = np.sin(2 * np.pi * frequency * (x * np.cos(angle) + y * np.sin(angle)) + phase)
        weight = (0.5 + 0.5 * np.tanh(wave * rng.uniform(1, 6)))[..., None]
    elif kind == 2:  # tiles
        cells = int(rng.integers(2, 9))
        weight = ((np.floor(x * cells) + np.floor(y * cells)) % 2)[..., None]
        weight = weight * rng.uniform(0.3, 1.0)
    else:  # gradient
        angle = rng.uniform(0, 2 * np.pi)
        weight = (x * np.cos(angle) + y * np.sin(angle))[..., None]
        weight = (weight - weight.min()) / max(float(np.ptp(weight)), 1e-6)
    array = first * (1 - weight) + second * weight
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))


def clutter(
    canvas: Canvas, rng: np.random.Generator, count: int, palette=None, size=(0.04, 0.22)
) -> None:
    """``count`` random blobs, polygons, triangles and strokes anywhere on the canvas."""
    for _ in range(count):
        color = (
            jitter(rng, palette[int(rng.integers(len(palette)))], 30)
            if palette
            else random_color(rng)
        )
        cx, cy = rng.uniform(-0.1, 1.1, size=2)
        radius = float(rng.uniform(*size))
        kind = int(rng.integers(5))
        angle = float(rng.uniform(0, 2 * np.pi))
        if kind == 0:
            points = ellipse(0, 0, 1, rng.uniform(0.3, 1))
        elif kind == 1:
            points = regular_polygon(3, 1, angle) * np.array([1, rng.uniform(0.5, 1.5)])
        elif kind == 2:
            points = regular_polygon(int(rng.integers(4, 7)), 1, angle)
        elif kind == 3:
            points = rng.uniform(-1, 1, size=(int(rng.integers(3, 6)), 2))
        else:
            stroke = rng.uniform(-1, 1, size=(int(rng.integers(2, 4)), 2))
            canvas.line(
                transform(stroke, cx, cy, radius, angle), color, float(rng.uniform(0.005, 0.03))
            )
            continue
        canvas.polygon(transform(points, cx, cy, radius, angle), fill=color)
