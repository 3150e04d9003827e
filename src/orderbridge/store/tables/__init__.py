"""Every table of the store; importing this package fills ``Base.metadata``."""

from orderbridge.store.tables.audit import Audit
from orderbridge.store.tables.base import Base
from orderbridge.store.tables.integration import (
    Alert,
    Credential,
    Cursor,
    Integration,
    IntegrationSetting,
)
from orderbridge.store.tables.inventory import InventoryLevel
from orderbridge.store.tables.lease import JobLease
from orderbridge.store.tables.mapping import Buyer, ShipMethodMapping, SkuAlias
from orderbridge.store.tables.order import CustRef, Order, OrderEvent
from orderbridge.store.tables.shipment import CarrierMapping, ShippedPackage
from orderbridge.store.tables.warehouse import WarehouseVariant
from orderbridge.store.tables.web import ApiToken, JobRun, LoginFailure, User
from orderbridge.store.tables.webhook import WebhookDelivery, WebhookSubscription

metadata = Base.metadata

__all__ = [
    "Alert",
    "Audit",
    "ApiToken",
    "Base",
    "Buyer",
    "CarrierMapping",
    "Credential",
    "CustRef",
    "Cursor",
    "Integration",
    "IntegrationSetting",
    "InventoryLevel",
    "JobLease",
    "JobRun",
    "LoginFailure",
    "Order",
    "OrderEvent",
    "ShipMethodMapping",
    "ShippedPackage",
    "SkuAlias",
    "User",
    "WarehouseVariant",
    "WebhookDelivery",
    "WebhookSubscription",
    "metadata",
]
