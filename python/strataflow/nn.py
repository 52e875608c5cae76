"""`sf.nn`: activations, losses, convolution, pooling, normalization (as `tf.nn`)."""
from strataflow.ops.math_ops import gelu, l2_normalize, relu, sigmoid, tanh  # noqa: F401
from strataflow.ops.nn_ops import (  # noqa: F401
    avg_pool, avg_pool2d, batch_normalization, bias_add, conv2d, conv2d_transpose,
    depthwise_conv2d, dropout, elu, l2_loss, leaky_relu, log_softmax, max_pool, max_pool2d,
    moments, relu6, selu, sigmoid_cross_entropy_with_logits, silu, softmax,
    softmax_cross_entropy_with_logits, softplus, softsign, sparse_softmax_cross_entropy_with_logits,
    swish,
)
