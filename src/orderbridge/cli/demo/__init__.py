"""The parts of `orderbridge demo`: a world to play in, buyers and a merchant, and a view.

`world` starts the sandboxes and connects an integration to them exactly as a merchant would;
`scenario` plays the buyers placing Houzz orders and the merchant fixing an unknown SKU;
`snapshot` reads what the merchant would look at (store, rate budget, the sandboxes' call logs);
`live_view` draws it; `display` shows it live (or as log lines when piped); `runner` ties them
together for the live and the `--once` runs.
"""
