"""strataflow: a TensorFlow-2-style ML framework whose graph path is MLIR."""
