"""The category tree and SLA policy a new installation starts with (editable afterwards)."""

from __future__ import annotations

from decimal import Decimal

#: (code, Chinese name, English name)
DEFAULT_CATEGORIES: list[tuple[str, str, str]] = [
    ("PRODUCT", "产品质量", "Product quality"),
    ("ATTITUDE", "服务态度", "Service attitude"),
    ("POLICY", "政策与规定", "Policy and rules"),
    ("MANAGEMENT", "管理", "Management"),
    ("WAITING", "等候时间", "Waiting time"),
    ("FACILITIES", "环境与设施", "Environment and facilities"),
    ("BILLING", "收费与账单", "Billing"),
    ("OTHER", "其他", "Other"),
]

DEFAULT_POLICY = {
    "code": "STANDARD",
    "name": "Standard / 标准",
    "priority": 1000,
    "is_default": True,
    "first_response_hours": Decimal("4"),
    "update_interval_hours": Decimal("24"),
    "resolution_hours": Decimal("24"),
    "warning_share": Decimal("0.80"),
    "site_manager_hours": Decimal("4"),
    "region_manager_hours": Decimal("8"),
}
