"""The generated `_sf_ops_gen.py` imports `._ods_common`; forward it upstream."""
from mlir.dialects import _ods_common as _upstream

globals().update({k: v for k, v in vars(_upstream).items() if not k.startswith("__")})
