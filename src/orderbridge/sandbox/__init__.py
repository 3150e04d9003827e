"""Local simulators of the Houzz Seller API and the QuickBooks Commerce API.

They are part of the product: merchants try orderbridge against them before connecting real
accounts, and the tests, the demo and the benchmarks talk to them over real HTTP. Each simulator
also exposes a control API under `/_sandbox/` (see docs/sandbox.md).
"""
