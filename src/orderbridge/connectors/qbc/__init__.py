"""QuickBooks Commerce (formerly TradeGecko): the warehouse side of an integration."""
