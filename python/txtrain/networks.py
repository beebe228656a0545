"""
Networks for :class:`txtrain.TxtrainClassifier`, as DL4J ``MultiLayerConfiguration`` JSON.

The builders run on the JVM (``io.txtrain.spark.ml.Networks``), so they need an active
SparkSession started with :func:`txtrain.spark_conf`. Each returns the JSON string to pass as
``networkConfig``; bad arguments raise :class:`TypeError` (wrong type) or :class:`ValueError`
(the JVM's message, naming the argument and what is allowed).
"""

import os
from typing import Sequence, Union

from txtrain._jvm import jvm_class, jvm_errors

__all__ = ["mlp", "lenet", "from_json", "num_features", "num_classes"]

_NETWORKS = "io.txtrain.spark.ml.Networks"


def _int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    return value


def _float(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return float(value)


def mlp(
    num_inputs: int = 784,
    hidden: Sequence[int] = (256,),
    num_classes: int = 10,
    activation: str = "relu",
    learning_rate: float = 1e-3,
    seed: int = 123,
) -> str:
    """A multilayer perceptron: dense layers of the ``hidden`` sizes (in order; may be empty) with
    ``activation`` (a DL4J activation name such as ``"relu"`` or ``"tanh"``), then a softmax output
    layer of ``num_classes``; Adam with ``learning_rate``; ``seed`` fixes the initial weights.

    >>> txtrain.networks.mlp(784, [64], 10)  # doctest: +SKIP
    """
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise TypeError(f"hidden must be a sequence of layer sizes, got {type(hidden).__name__} {hidden!r}")
    sizes = [_int(f"hidden[{i}]", h) for i, h in enumerate(hidden)]
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a str, got {type(activation).__name__} {activation!r}")
    with jvm_errors():
        return jvm_class(_NETWORKS).mlp(
            _int("num_inputs", num_inputs),
            sizes,
            _int("num_classes", num_classes),
            activation,
            _float("learning_rate", learning_rate),
            _int("seed", seed),
        )


def lenet(
    height: int = 28,
    width: int = 28,
    channels: int = 1,
    num_classes: int = 10,
    learning_rate: float = 1e-3,
    seed: int = 123,
) -> str:
    """A LeNet-style CNN for ``height x width`` images with ``channels`` channels, given as flattened
    vectors of ``height * width * channels`` values: 5x5 convolution (8 filters), 2x2 max pooling,
    5x5 convolution (16), 2x2 max pooling, 64 dense ReLU units, softmax output. Sides >= 16."""
    with jvm_errors():
        return jvm_class(_NETWORKS).lenet(
            _int("height", height),
            _int("width", width),
            _int("channels", channels),
            _int("num_classes", num_classes),
            _float("learning_rate", learning_rate),
            _int("seed", seed),
        )


def read_config(json_or_path: Union[str, "os.PathLike[str]"]) -> str:
    """The JSON text of ``json_or_path``: a JSON string (starts with ``{``) as it is, else the
    contents of that file. No JVM needed; nothing is validated."""
    if isinstance(json_or_path, os.PathLike):
        json_or_path = os.fspath(json_or_path)
    if not isinstance(json_or_path, str):
        raise TypeError(
            "a network must be DL4J configuration JSON (str) or the path of a JSON file, got "
            f"{type(json_or_path).__name__}"
        )
    if json_or_path.lstrip().startswith("{"):
        return json_or_path
    if not os.path.isfile(json_or_path):
        shown = json_or_path if len(json_or_path) <= 80 else json_or_path[:77] + "..."
        raise ValueError(
            f"network {shown!r} is neither DL4J configuration JSON (which starts with '{{') "
            "nor an existing file"
        )
    with open(json_or_path, encoding="utf-8") as f:
        return f.read()


def from_json(json_or_path: Union[str, "os.PathLike[str]"]) -> str:
    """A network from DL4J configuration JSON (``MultiLayerConfiguration.toJson()``) or a file
    holding it, checked on the JVM: it must parse, end in an output layer of at least two classes
    and state its input size. Returns the JSON."""
    json = read_config(json_or_path)
    with jvm_errors():
        return jvm_class(_NETWORKS).validate(json)


def num_features(network: str) -> int:
    """The feature vector size the network takes (-1 if its first layer does not say)."""
    with jvm_errors():
        return int(jvm_class(_NETWORKS).numFeatures(read_config(network)))


def num_classes(network: str) -> int:
    """The number of classes (the output layer's size) of the network."""
    with jvm_errors():
        return int(jvm_class(_NETWORKS).numClasses(read_config(network)))
