"""Grad-CAM: where in one image the evidence for a class lies, as a heatmap, and its figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from cnncourse.keras_graph import output_activation
from cnncourse.plotting import as_display_image, new_figure
from cnncourse.visualize.forward_pass import forward, one_image_batch
from cnncourse.visualize.layers import conv_layer_names, find_layer


@dataclass
class GradCam:
    """A Grad-CAM heatmap for one image.

    ``heatmap``: ``(h, w)`` at the resolution of ``layer``'s output, in [0, 1] (all zeros
    when nothing in the layer speaks for the class). ``score`` is the class score that was
    differentiated (``score_kind`` "logit" or "output"), ``probabilities`` the model's output.
    """

    heatmap: np.ndarray
    class_index: int
    layer: str
    score: float
    score_kind: str
    probabilities: np.ndarray

    def resized(self, size: tuple[int, int]) -> np.ndarray:
        """The heatmap resized (bilinear) to ``size`` = (height, width)."""
        import tensorflow as tf

        resized = tf.image.resize(self.heatmap[..., np.newaxis], size, method="bilinear")
        return np.clip(np.asarray(resized)[..., 0], 0.0, 1.0)


def grad_cam(
    model,
    image,
    *,
    class_index: int | None = None,
    layer: str | None = None,
    use_logits: bool = True,
) -> GradCam:
    """Grad-CAM (Selvaraju et al. 2017) of ``model`` for one image.

    The gradient of the class score with respect to the output maps of ``layer`` (default:
    the last conv layer, looked for inside nested models too) is averaged over each map to
    weight it; the weighted sum of maps, with negative values cut to zero, is the heatmap,
    scaled so that its maximum is 1.

    ``class_index``: default the predicted class. For a model with one sigmoid output, class
    1 is the sigmoid's positive class and class 0 uses the negated score. With
    ``use_logits`` (default, as in the paper) the score is taken before the output layer's
    softmax/sigmoid, which does not saturate; otherwise the model's output is used.
    """
    import tensorflow as tf

    if layer is None:
        names = conv_layer_names(model)
        if not names:
            raise ValueError(f"model {model.name!r} has no conv layer for Grad-CAM; pass layer=")
        path = names[-1]
    else:
        path = find_layer(model, layer)[0]
    activation = output_activation(model)
    logits = use_logits and activation in ("softmax", "sigmoid")
    batch = tf.convert_to_tensor(one_image_batch(image), dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(batch)
        outputs, captured = forward(model, batch, [path], logits=logits)
        if isinstance(outputs, (list, tuple, dict)):
            raise TypeError(f"model {model.name!r} has several outputs; Grad-CAM needs one")
        maps = captured[path]
        if len(maps.shape) != 4:
            raise ValueError(
                f"layer {path!r} output has shape {tuple(maps.shape)}: Grad-CAM "
                "needs a conv layer's (1, h, w, channels) maps"
            )
        scores = tf.reshape(outputs, (-1,))
        if logits:
            probabilities = tf.nn.softmax(scores) if activation == "softmax" else tf.sigmoid(scores)
        else:
            probabilities = scores
        single = scores.shape[0] == 1
        if class_index is None:
            class_index = int(probabilities[0] > 0.5) if single else int(tf.argmax(probabilities))
        classes = 2 if single else int(scores.shape[0])
        if not 0 <= class_index < classes:
            raise ValueError(f"class_index {class_index} is out of range for {classes} classes")
        if single:
            positive = scores[0] if logits else probabilities[0]
            score = positive if class_index == 1 else (-positive if logits else 1.0 - positive)
        else:
            score = scores[class_index]
    gradients = tape.gradient(score, maps)
    if gradients is None:
        raise ValueError(f"the class score does not depend on layer {path!r}")
    weights = tf.reduce_mean(gradients, axis=(0, 1, 2))
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1)).numpy()
    peak = float(cam.max())
    heatmap = cam / peak if peak > 0 else np.zeros_like(cam)
    return GradCam(
        heatmap=heatmap.astype(np.float32),
        class_index=int(class_index),
        layer=path,
        score=float(score),
        score_kind="logit" if logits else "output",
        probabilities=np.asarray(probabilities),
    )


def overlay_heatmap(image, heatmap, *, alpha: float = 0.4, colormap: str = "jet") -> np.ndarray:
    """The image (uint8 or floats in [0, 1]) with the heatmap coloured on top, as uint8."""
    import matplotlib

    base = as_display_image(image, "image")
    base = base.astype(np.float32) / 255.0 if base.dtype == np.uint8 else base.astype(np.float32)
    if base.ndim == 2:
        base = np.repeat(base[..., np.newaxis], 3, axis=-1)
    base = base[..., :3]
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    heat = heatmap.resized(base.shape[:2]) if isinstance(heatmap, GradCam) else heatmap
    heat = np.asarray(heat, dtype=np.float32)
    if heat.shape != base.shape[:2]:
        import tensorflow as tf

        heat = np.asarray(tf.image.resize(heat[..., np.newaxis], base.shape[:2]))[..., 0]
    coloured = matplotlib.colormaps[colormap](np.clip(heat, 0.0, 1.0))[..., :3]
    blended = (1.0 - alpha) * base + alpha * coloured
    return np.clip(np.round(blended * 255.0), 0, 255).astype(np.uint8)


def plot_grad_cam(
    image,
    cam: GradCam,
    *,
    class_names: Sequence[str] | None = None,
    alpha: float = 0.4,
    image_size: float = 2.6,
) -> Figure:
    """Three panels: the image, the heatmap at the layer's resolution, and the overlay."""
    fig = new_figure(figsize=(3 * image_size, image_size + 0.5), layout="constrained")
    axes = fig.subplots(1, 3)
    shown = as_display_image(np.asarray(image)[0] if np.ndim(image) == 4 else image)
    axes[0].imshow(shown, cmap="gray" if shown.ndim == 2 else None)
    axes[0].set_title("image", fontsize="small")
    axes[1].imshow(cam.heatmap, cmap="jet", vmin=0, vmax=1)
    axes[1].set_title(f"Grad-CAM of {cam.layer}", fontsize="small")
    axes[2].imshow(overlay_heatmap(shown, cam, alpha=alpha))
    name = class_names[cam.class_index] if class_names else str(cam.class_index)
    probability = cam.probabilities
    if probability.size == 1:
        value = float(probability[0]) if cam.class_index == 1 else 1 - float(probability[0])
    else:
        value = float(probability[cam.class_index])
    axes[2].set_title(f"class {name} ({value:.2f})", fontsize="small")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
