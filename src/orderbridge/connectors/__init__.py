"""Connectors: the code that speaks each remote API, one package per system and nowhere else."""
