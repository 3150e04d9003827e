"""The chaos run: all five workflows at once, both sandboxes fighting back, the hub's processes
SIGKILLed at random, and at the end the checks every merchant wants (`tests/chaos/verdict`).
Shared by `tests/chaos/test_chaos.py` (small) and `bench/chaos.py` (large)."""
