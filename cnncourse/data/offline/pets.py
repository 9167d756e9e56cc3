"""Offline cats-vs-dogs: cartoon cat and dog faces in heavy clutter (a PetImages stand-in).

The classes differ by cues that overlap, as real photographs do: pointed or floppy ears,
muzzle length, whiskers, nose, pupils, tongue; every cue has exceptions (folded-ear cats,
prick-eared dogs). Fur colours, backgrounds, clutter, pose and occlusion are shared.
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

NAME = "pets"
CLASSES = ("cat", "dog")
FOLDER_CLASSES = ("Cat", "Dog")

FUR = [
    (230, 140, 50),
    (120, 120, 125),
    (35, 35, 38),
    (240, 238, 230),
    (140, 90, 50),
    (215, 190, 150),
    (90, 60, 40),
    (180, 175, 170),
]
# Probability of each cue for a cat and for a dog.
CUES = {
    "pointed_ears": (0.95, 0.1),
    "whiskers": (0.9, 0.15),
    "slit_pupils": (0.6, 0.1),
    "tongue": (0.05, 0.5),
    "dark_round_nose": (0.15, 0.9),
    "stripes": (0.3, 0.1),
    "spots": (0.12, 0.25),
}
MUZZLE = ((0.15, 0.3), (0.38, 0.65))


def _has(rng: np.random.Generator, cue: str, label: int) -> bool:
    return bool(rng.random() < CUES[cue][label])


def _draw_face(canvas: Canvas, rng: np.random.Generator, label: int, pose: Pose) -> None:
    fur = jitter(rng, FUR[int(rng.integers(len(FUR)))], 30)
    dark = mix(fur, (20, 15, 10), rng.uniform(0.3, 0.7))
    light = mix(fur, (250, 245, 235), rng.uniform(0.3, 0.8))
    width = 1.0
    height = float(rng.uniform(0.8, 1.0) if label == 0 else rng.uniform(0.88, 1.15))
    put = pose.apply

    if rng.random() < 0.4:  # a body behind the head
        canvas.polygon(put(ellipse(rng.uniform(-0.3, 0.3), 1.5, 1.1, 1.0)), fill=fur)

    pointed = _has(rng, "pointed_ears", label)
    ear_length = float(rng.uniform(0.5, 0.95))
    ear_spread = float(rng.uniform(0.5, 0.95))
    inner_ear = mix(fur, (235, 150, 160), rng.uniform(0.3, 0.8))
    if pointed:
        for side in (-1, 1):
            base = np.array(
                [
                    [side * (ear_spread - 0.4), -height * 0.6],
                    [side * (ear_spread + 0.15), -height * 0.2],
                ]
            )
            tip = np.array(
                [side * (ear_spread + rng.uniform(-0.1, 0.25)), -height * 0.6 - ear_length]
            )
            ear = np.vstack([base[0], tip, base[1]])
            canvas.polygon(put(ear), fill=fur)
            if rng.random() < 0.7:
                inner = ear.mean(axis=0) + (ear - ear.mean(axis=0)) * 0.55
                canvas.polygon(put(inner), fill=inner_ear)

    canvas.polygon(put(ellipse(0, 0, width, height)), fill=fur)

    if _has(rng, "stripes", label):
        for _ in range(int(rng.integers(3, 7))):
            x = rng.uniform(-0.6, 0.6)
            y = rng.uniform(-0.8, -0.3) * height
            stroke = np.array([[x, y], [x + rng.uniform(-0.15, 0.15), y + 0.35]])
            canvas.line(put(stroke), dark, 0.1 * pose.scale)
    if _has(rng, "spots", label):
        for _ in range(int(rng.integers(1, 4))):
            canvas.polygon(
                put(
                    ellipse(
                        rng.uniform(-0.6, 0.6),
                        rng.uniform(-0.6, 0.5),
                        rng.uniform(0.15, 0.4),
                        rng.uniform(0.15, 0.35),
                    )
                ),
                fill=dark if rng.random() < 0.6 else light,
            )

    if not pointed:  # floppy ears hang over the sides of the head
        ear_color = dark if rng.random() < 0.6 else fur
        folded = label == 0 and rng.random() < 0.5
        for side in (-1, 1):
            if folded:
                ear = ellipse(side * 0.55, -height * 0.78, 0.3, 0.2, side * 0.5)
            else:
                droop = float(rng.uniform(0.5, 1.1))
                ear = ellipse(
                    side * (0.85 + rng.uniform(-0.1, 0.15)),
                    -height * 0.2 + droop * 0.3,
                    rng.uniform(0.22, 0.35),
                    droop * 0.7,
                    side * rng.uniform(0.0, 0.5),
                )
            canvas.polygon(put(ear), fill=ear_color)

    muzzle_length = float(rng.uniform(*MUZZLE[label]))
    muzzle_width = float(rng.uniform(0.3, 0.55))
    muzzle_y = height * 0.35
    muzzle_color = light if rng.random() < 0.6 else fur
    canvas.polygon(
        put(ellipse(0, muzzle_y + muzzle_length * 0.3, muzzle_width, muzzle_length)),
        fill=muzzle_color,
    )

    eye_y = -height * rng.uniform(0.05, 0.25)
    eye_x = float(rng.uniform(0.3, 0.45))
    eye_r = float(rng.uniform(0.11, 0.2))
    slit = _has(rng, "slit_pupils", label)
    iris = random_color(rng, 60, 230) if slit or rng.random() < 0.3 else (70, 45, 25)
    for side in (-1, 1):
        canvas.polygon(
            put(ellipse(side * eye_x, eye_y, eye_r, eye_r * rng.uniform(0.7, 1.0))), fill=iris
        )
        pupil = (
            ellipse(side * eye_x, eye_y, eye_r * 0.25, eye_r * 0.85)
            if slit
            else ellipse(side * eye_x, eye_y, eye_r * 0.6, eye_r * 0.6)
        )
        canvas.polygon(put(pupil), fill=(10, 10, 10))

    nose_y = muzzle_y - muzzle_length * 0.25
    if _has(rng, "dark_round_nose", label):
        nose = ellipse(0, nose_y, rng.uniform(0.12, 0.22), rng.uniform(0.08, 0.14))
        nose_color = (25, 20, 20)
    else:
        size = float(rng.uniform(0.07, 0.13))
        nose = np.array(
            [[-size, nose_y - size * 0.6], [size, nose_y - size * 0.6], [0, nose_y + size * 0.6]]
        )
        nose_color = jitter(rng, (225, 130, 140), 25)
    canvas.polygon(put(nose), fill=nose_color)

    mouth_y = nose_y + muzzle_length * rng.uniform(0.5, 0.9)
    mouth = np.array(
        [
            [-0.18, mouth_y],
            [-0.08, mouth_y + 0.06],
            [0, nose_y + 0.1],
            [0.08, mouth_y + 0.06],
            [0.18, mouth_y],
        ]
    )
    canvas.line(put(mouth), (30, 20, 20), 0.035 * pose.scale)
    if _has(rng, "tongue", label):
        canvas.polygon(
            put(ellipse(0, mouth_y + 0.12, 0.12, rng.uniform(0.12, 0.25))),
            fill=jitter(rng, (220, 90, 110), 20),
        )

    if _has(rng, "whiskers", label):
        whisker = mix(fur, (250, 250, 250) if rng.random() < 0.7 else (20, 20, 20), 0.8)
        for side in (-1, 1):
            for k in range(int(rng.integers(2, 4))):
                start = np.array([side * muzzle_width * 0.6, nose_y + 0.08 + 0.07 * k])
                end = start + np.array([side * rng.uniform(0.6, 1.0), rng.uniform(-0.2, 0.2)])
                canvas.line(put(np.vstack([start, end])), whisker, 0.025 * pose.scale)


def render(rng: np.random.Generator, label: int, size: int) -> np.ndarray:
    """One cat (label 0) or dog (label 1) image, uint8 (size, size, 3)."""
    canvas = Canvas.textured(size, rng, soften=0.5)
    clutter(canvas, rng, int(rng.integers(0, 4)))
    pose = Pose.random(rng, scale=(0.3, 0.44), angle=0.3, margin=0.4)
    _draw_face(canvas, rng, label, pose)
    for _ in range(int(rng.integers(1, 3)) if rng.random() < 0.3 else 0):
        spot = transform(
            ellipse(0, 0, 1, rng.uniform(0.3, 1.0), points=12),
            pose.cx + rng.uniform(-1, 1) * pose.scale,
            pose.cy + rng.uniform(-1, 1) * pose.scale,
            rng.uniform(0.25, 0.55) * pose.scale,
            rng.uniform(0, np.pi),
        )
        canvas.polygon(spot, fill=random_color(rng))
    return canvas.render(rng)
