"""Class alignment: shared classes kept, one label order, synonyms merged, the rest dropped."""

import numpy as np
import pytest

from cnncourse.data import (
    CIFAR10_CLASSES,
    CIFAR_STL_ALIGNMENT,
    OFFLINE_ALIGNMENT,
    STL10_CLASSES,
    ClassAlignment,
    DataError,
    ImageSet,
    align_cifar_stl,
    align_classes,
    align_pair,
    load_cifar10,
    load_stl10,
)


def labelled_images(class_names, per_class=3):
    """Images whose first pixel stores their original label, so the test can trace them."""
    labels = np.repeat(np.arange(len(class_names)), per_class)
    images = np.zeros((len(labels), 4, 4, 3), dtype=np.uint8)
    images[:, 0, 0, 0] = labels
    return images, labels


SAME = {"car": "automobile"}


@pytest.mark.parametrize("names", [CIFAR10_CLASSES, STL10_CLASSES])
def test_cifar_stl_labels_name_the_same_class(names):
    images, labels = labelled_images(names)
    kept_images, new_labels = CIFAR_STL_ALIGNMENT.apply(images, labels, names)
    original = kept_images[:, 0, 0, 0]
    for old, new in zip(original, new_labels):
        assert SAME.get(names[old], names[old]) == CIFAR_STL_ALIGNMENT.classes[new]
    dropped = {"frog", "monkey"} & set(names)
    assert {names[i] for i in original}.isdisjoint(dropped)
    assert len(new_labels) == 3 * 9
    assert sorted(set(new_labels.tolist())) == list(range(9))


def test_cifar_stl_constant_drops_frog_and_monkey():
    assert "frog" not in CIFAR_STL_ALIGNMENT.classes
    assert "monkey" not in CIFAR_STL_ALIGNMENT.classes
    assert len(CIFAR_STL_ALIGNMENT.classes) == 9
    assert CIFAR_STL_ALIGNMENT.dropped(CIFAR10_CLASSES) == ["frog"]
    assert CIFAR_STL_ALIGNMENT.dropped(STL10_CLASSES) == ["monkey"]
    stl_map = CIFAR_STL_ALIGNMENT.label_map(STL10_CLASSES)
    assert CIFAR_STL_ALIGNMENT.classes[stl_map[STL10_CLASSES.index("car")]] == "automobile"


def test_shared_builds_the_alignment_from_the_names():
    alignment = ClassAlignment.shared(CIFAR10_CLASSES, STL10_CLASSES, {"car": "automobile"})
    assert alignment.classes == CIFAR_STL_ALIGNMENT.classes


def test_align_classes_with_a_custom_order_and_synonym():
    names = ["cat", "dog", "kitty_car"]
    images, labels = labelled_images(names, per_class=2)
    kept, new = align_classes(images, labels, names, ["dog", "vehicle"], {"kitty_car": "vehicle"})
    assert kept[:, 0, 0, 0].tolist() == [1, 1, 2, 2]
    assert new.tolist() == [0, 0, 1, 1]


def test_unknown_class_is_named():
    images, labels = labelled_images(["a", "b"])
    with pytest.raises(DataError, match="unknown class 'zebra'"):
        align_classes(images, labels, ["a", "b"], ["a", "zebra"])


def test_synonym_to_a_missing_class_is_an_error():
    with pytest.raises(DataError, match="'truck'"):
        ClassAlignment(("cat",), {"lorry": "truck"})


def test_labels_outside_the_classes_are_an_error():
    with pytest.raises(DataError, match="label 5"):
        CIFAR_STL_ALIGNMENT.relabel(np.array([5]), ["a", "b"])


def test_offline_pair_aligns_like_the_real_pair():
    cifar, stl = load_cifar10(train=60, test=20), load_stl10(train=30, test=20)
    assert cifar.is_offline and stl.is_offline
    cifar9, stl9 = align_cifar_stl(cifar, stl)
    assert cifar9.class_names == stl9.class_names == list(OFFLINE_ALIGNMENT.classes)
    assert len(cifar9.class_names) == 9
    assert set(cifar.class_names) - set(cifar9.class_names) == {"crescent"}
    assert set(stl.class_names) - set(stl9.class_names) - {"box"} == {"ring"}
    # Every kept image keeps its identity: compare with the images of the named class.
    for new_label, name in enumerate(stl9.class_names):
        source_name = "box" if name == "square" else name
        expected = stl.x_train[stl.y_train == stl.class_names.index(source_name)]
        np.testing.assert_array_equal(stl9.x_train[stl9.y_train == new_label], expected)
    assert len(cifar9.x_train) == int(np.sum(cifar.y_train != cifar.class_names.index("crescent")))
    assert cifar9.notes["dropped_classes"] == ["crescent"]


def test_mixing_real_and_offline_sets_is_refused():
    images, labels = labelled_images(CIFAR10_CLASSES, 1)
    real = ImageSet(images, labels, images, labels, CIFAR10_CLASSES, "/real")
    offline = load_stl10(train=10, test=10)
    with pytest.raises(DataError, match="cannot align"):
        align_cifar_stl(real, offline)


def test_align_pair_keeps_the_first_order():
    first_names, second_names = ["x", "y", "z"], ["z", "w", "x"]
    a_images, a_labels = labelled_images(first_names)
    b_images, b_labels = labelled_images(second_names)
    first = ImageSet(a_images, a_labels, a_images, a_labels, first_names, "a")
    second = ImageSet(b_images, b_labels, b_images, b_labels, second_names, "b")
    first2, second2, alignment = align_pair(first, second)
    assert alignment.classes == ("x", "z")
    assert second2.y_train.tolist() == [1, 1, 1, 0, 0, 0]
