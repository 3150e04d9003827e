"""The QBC REST resources, one module per resource family, each exposing `router`."""
