"""MLIR Python op builders for the `sf` dialect (generated from ODS)."""
