"""Class alignment across datasets: keep the shared classes, one label order, synonyms merged."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cnncourse.data.errors import DataError
from cnncourse.data.imageset import ImageSet, check_images


def _key(name: str) -> str:
    return str(name).strip().lower()


@dataclass(frozen=True)
class ClassAlignment:
    """A target label order and the synonyms that map other datasets' names onto it.

    ``classes`` are the canonical names in label order (label ``i`` is ``classes[i]``);
    ``synonyms`` maps another dataset's name to a canonical one (``{"car": "automobile"}``).
    Names compare case-insensitively.
    """

    classes: tuple[str, ...]
    synonyms: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "classes", tuple(str(name) for name in self.classes))
        keys = [_key(name) for name in self.classes]
        if len(set(keys)) != len(keys):
            raise DataError(f"alignment classes must be distinct, got {list(self.classes)}")
        for alias, target in self.synonyms.items():
            if _key(target) not in keys:
                raise DataError(
                    f"synonym {alias!r} -> {target!r}: {target!r} is not one of "
                    f"the aligned classes {list(self.classes)}"
                )

    @classmethod
    def shared(cls, first_names, second_names, synonyms: dict[str, str] | None = None):
        """The classes two datasets share, in the first dataset's order.

        ``synonyms`` maps names of the second dataset to names of the first.
        """
        synonyms = dict(synonyms or {})
        second = {_key(synonyms.get(name, name)) for name in second_names}
        for alias, target in synonyms.items():
            if _key(target) not in {_key(name) for name in first_names}:
                raise DataError(
                    f"synonym {alias!r} -> {target!r}: {target!r} is not a class "
                    f"of the first dataset {list(first_names)}"
                )
        classes = [name for name in first_names if _key(name) in second]
        if not classes:
            raise DataError(
                f"the datasets share no class: {list(first_names)} and {list(second_names)}"
            )
        return cls(tuple(classes), synonyms)

    def canonical(self, name: str) -> str | None:
        """The aligned name of a dataset's class ``name``, or None when it is dropped."""
        lookup = {_key(alias): target for alias, target in self.synonyms.items()}
        key = _key(lookup.get(_key(name), name))
        for canonical in self.classes:
            if _key(canonical) == key:
                return canonical
        return None

    def label_map(self, class_names) -> np.ndarray:
        """For each of a dataset's classes, its aligned label, or -1 when it is dropped."""
        class_names = [str(name) for name in class_names]
        mapping = np.full(len(class_names), -1, dtype=np.int64)
        seen = {}
        for index, name in enumerate(class_names):
            canonical = self.canonical(name)
            if canonical is None:
                continue
            if canonical in seen:
                raise DataError(
                    f"classes {seen[canonical]!r} and {name!r} both map to {canonical!r}"
                )
            seen[canonical] = name
            mapping[index] = self.classes.index(canonical)
        return mapping

    def dropped(self, class_names) -> list[str]:
        """The classes of a dataset that the alignment drops."""
        return [name for name, label in zip(class_names, self.label_map(class_names)) if label < 0]

    def relabel(self, labels, class_names) -> tuple[np.ndarray, np.ndarray]:
        """``(keep, new_labels)``: a mask of the examples kept and their aligned labels."""
        labels = np.asarray(labels)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim != 1:
            raise DataError(f"labels must be one-dimensional, got shape {labels.shape}")
        labels = labels.astype(np.int64)
        bad = labels[(labels < 0) | (labels >= len(class_names))]
        if bad.size:
            raise DataError(
                f"label {int(bad[0])} is outside 0..{len(class_names) - 1} for "
                f"the classes {list(class_names)}"
            )
        mapped = self.label_map(class_names)[labels]
        keep = mapped >= 0
        return keep, mapped[keep]

    def apply(self, images, labels, class_names) -> tuple[np.ndarray, np.ndarray]:
        """Images of the kept classes and their aligned labels."""
        images, labels = check_images(images, labels, "images to align", len(class_names))
        keep, new_labels = self.relabel(labels, class_names)
        return images[keep], new_labels

    def apply_set(self, image_set: ImageSet) -> ImageSet:
        """An ImageSet with the dropped classes removed and labels in the aligned order."""
        missing = [
            name
            for name in self.classes
            if name not in [self.canonical(c) for c in image_set.class_names]
        ]
        if missing:
            raise DataError(
                f"{image_set.name or 'image set'} has no class {missing[0]!r} "
                f"(its classes: {image_set.class_names})"
            )
        x_train, y_train = self.apply(image_set.x_train, image_set.y_train, image_set.class_names)
        x_test, y_test = self.apply(image_set.x_test, image_set.y_test, image_set.class_names)
        notes = dict(image_set.notes, dropped_classes=self.dropped(image_set.class_names))
        return ImageSet(
            x_train,
            y_train,
            x_test,
            y_test,
            list(self.classes),
            image_set.source,
            image_set.name,
            notes,
        )


def align_classes(images, labels, class_names, classes, synonyms=None):
    """Keep the images of ``classes`` and relabel them in that order.

    ``synonyms`` maps a name of ``class_names`` to one of ``classes``. Returns
    ``(images, labels)``; an unknown class name in ``classes`` raises DataError.
    """
    alignment = ClassAlignment(tuple(classes), dict(synonyms or {}))
    known = {alignment.canonical(name) for name in class_names}
    for name in alignment.classes:
        if name not in known:
            raise DataError(f"unknown class {name!r}: the classes are {list(class_names)}")
    return alignment.apply(images, labels, class_names)


def align_pair(first: ImageSet, second: ImageSet, synonyms=None):
    """Both sets restricted to their shared classes, in ``first``'s label order.

    Returns ``(first_aligned, second_aligned, alignment)``.
    """
    alignment = ClassAlignment.shared(first.class_names, second.class_names, synonyms)
    return alignment.apply_set(first), alignment.apply_set(second), alignment


# CIFAR-10 and STL-10 share nine classes; STL-10 says "car" for CIFAR-10's "automobile".
# CIFAR-10's frog and STL-10's monkey are dropped; labels follow CIFAR-10's order.
CIFAR_STL_ALIGNMENT = ClassAlignment(
    ("airplane", "automobile", "bird", "cat", "deer", "dog", "horse", "ship", "truck"),
    {"car": "automobile"},
)
