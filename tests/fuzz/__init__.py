"""A counted fuzz campaign over everything that comes into orderbridge from outside.

`targets` names one function per input kind; each drives the real entry point with Hypothesis
examples and returns a `tally.FuzzTally`. `test_fuzz_campaign` runs them all with a few
examples; `bench/fuzz.py` runs them with many.
"""
