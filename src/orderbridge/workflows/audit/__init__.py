"""The audit: what a merchant wants to know about their own accounts, checked against the live
Houzz and QBC accounts rather than the hub's own records.

- every Houzz order the hub should carry is in QBC exactly once, with the right lines;
- every order canceled on Houzz after delivery is void in QBC, and none is both shipped and void;
- every order fully shipped in QBC is Shipped on Houzz with all its tracking numbers;
- every Houzz listing shows the quantity the hub computes from QBC now;
- nothing in the hub is held without a reason or stuck in flight.

It only reads, in pages, and says before it starts how many calls it will spend (`budget`).
Each discrepancy comes with its fix: a repair through the normal workflows (`repairs`) or, where
only a person can decide, what to do.
"""
