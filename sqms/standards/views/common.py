"""What the standards pages share: the default report period and the user model."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import plotly
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

#: the "how well kept" panel's default period, in days up to today
DEFAULT_DAYS = 90


def default_period() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def user_model() -> Any:
    return get_user_model()


def plotly_url() -> str:
    return reverse("plotly_js") + f"?v={plotly.__version__}"
