"""The Houzz Seller API: the channel side of an integration."""
