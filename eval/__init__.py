"""Measurement: the batch evaluation (`python -m eval`) and the benchmark (`python -m eval.bench`)."""
