"""cnncourse.data: real dataset readers, offline stand-ins and the folder pipeline.

Entry points (sizes from ``cnncourse.current_profile()``; real data when present under
``$CNNCOURSE_DATA`` or Keras' cache, the offline generated data otherwise; the result's
``source`` says which):

- ``load_cifar10(source)``, ``load_stl10(source)`` -> ``ImageSet``
- ``align_cifar_stl(cifar, stl)`` -> both sets on their nine shared classes
- ``load_fashion_mnist()`` -> ``ImageSet`` of real Fashion-MNIST from Debian's package
- ``pets_folder(source)``, ``flowers_folder(source)`` -> ``DataFolder`` (a path + source)
- ``pets_datasets(...)``, ``flowers_datasets(...)`` -> ``FolderDatasets`` (clean, subset,
  split, Keras datasets)

Building blocks: ``read_cifar10``, ``read_stl10`` (real formats), ``clean_image_folder``,
``take_per_class``, ``split_files``, ``write_split``, ``directory_dataset``,
``files_dataset``, ``read_images``, ``ClassAlignment``/``align_classes``, the writers
``write_cifar10_batches``/``write_stl10_binaries``/``write_image_folder``, the offline
generator ``offline.generate`` and the packaged photos ``sample_photos``,
``load_digits_images``. Every bad input raises ``DataError`` (a ``ValueError``).
"""

from cnncourse.data.align import CIFAR_STL_ALIGNMENT, ClassAlignment, align_classes, align_pair
from cnncourse.data.cifar10 import (
    CIFAR10_CLASSES,
    download_cifar10,
    read_cifar10,
    read_cifar10_batch,
)
from cnncourse.data.cleaning import (
    CleaningReport,
    DroppedFile,
    check_image_file,
    clean_image_folder,
)
from cnncourse.data.datasets import directory_dataset, files_dataset, read_images
from cnncourse.data.errors import DataError
from cnncourse.data.fashion_mnist import fashion_mnist_available, load_fashion_mnist
from cnncourse.data.files import LabelledFiles, class_folders, list_class_files
from cnncourse.data.flowers import (
    FLOWERS_CLASSES,
    find_flowers_folder,
    flowers_datasets,
    flowers_folder,
)
from cnncourse.data.imageset import ImageSet
from cnncourse.data.loaders import (
    OFFLINE_ALIGNMENT,
    align_cifar_stl,
    cifar_stl_alignment,
    load_cifar10,
    load_stl10,
    offline_image_set,
)
from cnncourse.data.packaged import SKIMAGE_PHOTOS, load_digits_images, sample_photos
from cnncourse.data.petimages import PETS_CLASSES, find_pets_folder, pets_datasets, pets_folder
from cnncourse.data.pipeline import FolderDatasets, prepare_datasets
from cnncourse.data.sources import DataFolder, DataSourceWarning
from cnncourse.data.splits import DEFAULT_RATIOS, Split, split_files, take_per_class, write_split
from cnncourse.data.stl10 import STL10_CLASSES, read_stl10
from cnncourse.data.writers import (
    plant_bad_files,
    write_cifar10_batches,
    write_image_folder,
    write_stl10_binaries,
)

__all__ = [
    "CIFAR10_CLASSES",
    "CIFAR_STL_ALIGNMENT",
    "DEFAULT_RATIOS",
    "FLOWERS_CLASSES",
    "OFFLINE_ALIGNMENT",
    "PETS_CLASSES",
    "SKIMAGE_PHOTOS",
    "STL10_CLASSES",
    "ClassAlignment",
    "CleaningReport",
    "DataError",
    "DataFolder",
    "DataSourceWarning",
    "DroppedFile",
    "FolderDatasets",
    "ImageSet",
    "LabelledFiles",
    "Split",
    "align_cifar_stl",
    "align_classes",
    "align_pair",
    "check_image_file",
    "cifar_stl_alignment",
    "class_folders",
    "clean_image_folder",
    "directory_dataset",
    "download_cifar10",
    "fashion_mnist_available",
    "files_dataset",
    "find_flowers_folder",
    "find_pets_folder",
    "flowers_datasets",
    "flowers_folder",
    "list_class_files",
    "load_cifar10",
    "load_digits_images",
    "load_fashion_mnist",
    "load_stl10",
    "offline_image_set",
    "pets_datasets",
    "pets_folder",
    "plant_bad_files",
    "prepare_datasets",
    "read_cifar10",
    "read_cifar10_batch",
    "read_images",
    "read_stl10",
    "sample_photos",
    "split_files",
    "take_per_class",
    "write_cifar10_batches",
    "write_image_folder",
    "write_split",
    "write_stl10_binaries",
]
