"""Offline ten-class colour shapes: a CIFAR-10 stand-in (32x32) and an STL-10 stand-in (96x96).

The two class lists share nine shapes, as CIFAR-10 and STL-10 share nine classes: the
32x32 set has a crescent where the 96x96 set has a ring (CIFAR's frog and STL's monkey),
and the 96x96 set calls the square a "box" (STL's "car" for CIFAR's "automobile").
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
    regular_polygon,
    star,
    transform,
)

CIFAR_LIKE_CLASSES = (
    "arrow",
    "circle",
    "crescent",
    "cross",
    "heart",
    "hexagon",
    "pentagon",
    "square",
    "star",
    "triangle",
)
STL_LIKE_CLASSES = (
    "arrow",
    "box",
    "circle",
    "cross",
    "heart",
    "hexagon",
    "pentagon",
    "ring",
    "star",
    "triangle",
)
SYNONYMS = {"box": "square"}
# Like CIFAR's classes, each shape has a colour it often comes in (60% of the time).
USUAL_COLORS = {
    "arrow": (40, 90, 220),
    "circle": (230, 60, 50),
    "crescent": (240, 220, 80),
    "cross": (40, 170, 60),
    "heart": (230, 70, 160),
    "hexagon": (150, 90, 40),
    "pentagon": (120, 60, 200),
    "square": (240, 140, 30),
    "box": (240, 140, 30),
    "ring": (240, 220, 80),
    "star": (250, 200, 30),
    "triangle": (30, 190, 200),
}


def _crescent(rng: np.random.Generator) -> np.ndarray:
    offset, radius = float(rng.uniform(0.4, 0.65)), float(rng.uniform(0.8, 0.95))
    x = (1 + offset**2 - radius**2) / (2 * offset)
    y = np.sqrt(max(1 - x**2, 1e-6))
    outer_start = np.arctan2(y, x)
    inner_start = np.arctan2(y, x - offset)
    outer = np.linspace(outer_start, 2 * np.pi - outer_start, 24)
    inner = np.linspace(2 * np.pi - inner_start, inner_start, 20)
    return np.vstack(
        [
            np.stack([np.cos(outer), np.sin(outer)], axis=1),
            np.stack([offset + radius * np.cos(inner), radius * np.sin(inner)], axis=1),
        ]
    )


def _heart(rng: np.random.Generator) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    return np.stack([x, y + 2.5], axis=1) / 16


def _cross(rng: np.random.Generator) -> np.ndarray:
    w = float(rng.uniform(0.28, 0.42))
    return np.array(
        [
            [-w, -1],
            [w, -1],
            [w, -w],
            [1, -w],
            [1, w],
            [w, w],
            [w, 1],
            [-w, 1],
            [-w, w],
            [-1, w],
            [-1, -w],
            [-w, -w],
        ]
    )


def _arrow(rng: np.random.Generator) -> np.ndarray:
    shaft, head = float(rng.uniform(0.15, 0.25)), float(rng.uniform(0.45, 0.65))
    neck = float(rng.uniform(0.0, 0.35))
    return np.array(
        [
            [-1, -shaft],
            [neck, -shaft],
            [neck, -head],
            [1, 0],
            [neck, head],
            [neck, shaft],
            [-1, shaft],
        ]
    )


def outline(name: str, rng: np.random.Generator) -> np.ndarray:
    """The outline of shape ``name`` in its own frame (about -1..1)."""
    if name == "circle":
        return ellipse(0, 0, 1, 1, points=36)
    if name in ("square", "box"):
        return regular_polygon(4, 1.2, np.pi / 4)
    if name == "triangle":
        return regular_polygon(3, 1.2, -np.pi / 2) + np.array([0, 0.15])
    if name == "pentagon":
        return regular_polygon(5, 1.05, -np.pi / 2)
    if name == "hexagon":
        return regular_polygon(6, 1.05, 0)
    if name == "star":
        return star(5, 1.15, float(rng.uniform(0.4, 0.55)), -np.pi / 2)
    if name == "cross":
        return _cross(rng)
    if name == "heart":
        return _heart(rng)
    if name == "crescent":
        return _crescent(rng)
    if name == "arrow":
        return _arrow(rng)
    raise ValueError(f"unknown shape {name!r}")


def draw_shape(
    canvas: Canvas, rng: np.random.Generator, name: str, pose: Pose, stretch: tuple[float, float]
) -> None:
    """Shape ``name`` at ``pose``: filled, outlined, or outline only."""
    if rng.random() < 0.6:
        color = jitter(rng, USUAL_COLORS[name], 45)
    else:
        color = random_color(rng, 20, 236)
    style = rng.random()
    if name == "ring":
        thickness = float(rng.uniform(0.22, 0.4))
        points = pose.apply(
            transform(
                ellipse(0, 0, 1 - thickness / 2, 1 - thickness / 2, 0, 36),
                sx=stretch[0],
                sy=stretch[1],
            )
        )
        canvas.line(np.vstack([points, points[:1]]), color, thickness * pose.scale)
        return
    points = pose.apply(transform(outline(name, rng), sx=stretch[0], sy=stretch[1]))
    if style < 0.6:
        canvas.polygon(points, fill=color)
    elif style < 0.85:
        edge = mix(color, (0, 0, 0) if rng.random() < 0.5 else (255, 255, 255), 0.7)
        canvas.polygon(points, fill=color, outline=edge, width=0.12 * pose.scale)
    else:
        canvas.polygon(points, outline=color, width=float(rng.uniform(0.15, 0.25)) * pose.scale)


def render(rng: np.random.Generator, name: str, size: int) -> np.ndarray:
    """One image of shape ``name``, uint8 (size, size, 3)."""
    canvas = Canvas.textured(size, rng, soften=0.4)
    clutter(canvas, rng, int(rng.integers(0, 5)), size=(0.02, 0.09))
    pose = Pose.random(rng, scale=(0.3, 0.44), angle=np.pi if name == "arrow" else 0.4, margin=0.3)
    stretch = (float(rng.uniform(0.8, 1.2)), float(rng.uniform(0.8, 1.2)))
    draw_shape(canvas, rng, name, pose, stretch)
    if rng.random() < 0.25:
        for _ in range(int(rng.integers(1, 3))):
            spot = transform(
                ellipse(0, 0, 1, rng.uniform(0.3, 1.0), points=12),
                pose.cx + rng.uniform(-1, 1) * pose.scale,
                pose.cy + rng.uniform(-1, 1) * pose.scale,
                rng.uniform(0.2, 0.4) * pose.scale,
                rng.uniform(0, np.pi),
            )
            canvas.polygon(spot, fill=jitter(rng, random_color(rng), 10))
    return canvas.render(rng)
