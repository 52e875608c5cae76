"""The names the issue asks for exist in the public namespaces."""
import pytest

import strataflow as sf

TOP = """constant convert_to_tensor zeros ones fill zeros_like ones_like eye range linspace is_tensor
reshape transpose concat stack unstack split tile pad gather gather_nd scatter_nd boolean_mask
squeeze expand_dims one_hot reverse broadcast_to shape size rank identity stop_gradient sort
argsort unique sequence_mask cast where matmul tensordot einsum add_n clip_by_value argmax argmin
cumsum cumprod reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_any reduce_all
reduce_logsumexp reduce_std reduce_variance Tensor TensorShape TensorSpec Variable Module DType
float16 bfloat16 float32 float64 bool int8 int16 int32 int64 uint8 errors executing_eagerly"""
MATH = """neg negative abs exp log log1p expm1 sqrt rsqrt square sin cos tanh sigmoid relu gelu sign
floor ceil round erf logical_not add subtract multiply divide floordiv floormod mod pow maximum
minimum equal not_equal less less_equal greater greater_equal logical_and logical_or add_n
clip_by_value reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_any reduce_all
reduce_logsumexp reduce_std reduce_variance argmax argmin cumsum cumprod top_k l2_normalize
squared_difference divide_no_nan is_nan is_finite is_inf cast tensordot erfinv"""
NN = """relu relu6 leaky_relu elu selu gelu sigmoid tanh softplus softsign swish silu softmax
log_softmax sparse_softmax_cross_entropy_with_logits softmax_cross_entropy_with_logits
sigmoid_cross_entropy_with_logits conv2d depthwise_conv2d conv2d_transpose max_pool2d avg_pool2d
bias_add dropout moments batch_normalization l2_loss"""
LINALG = "matmul matvec transpose diag trace norm inv det solve cholesky einsum"
RANDOM = "set_seed normal uniform truncated_normal shuffle categorical Generator"
BITWISE = "bitwise_and bitwise_or bitwise_xor invert left_shift right_shift"
ERRORS = "InvalidArgumentError OutOfRangeError UnimplementedError InternalError NotFoundError"


@pytest.mark.parametrize("module,names", [
    (sf, TOP), (sf.math, MATH), (sf.nn, NN), (sf.linalg, LINALG), (sf.random, RANDOM),
    (sf.bitwise, BITWISE), (sf.errors, ERRORS),
])
def test_names_exist(module, names):
    missing = [n for n in names.split() if not hasattr(module, n)]
    assert not missing, missing
