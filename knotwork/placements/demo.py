"""The demo partnership's own business, gathered for ``directory.demo``: the panel and its
managed moves (``demo_panels``), fair access and alternative provision
(``demo_provision``), the intervention menu with the pooled budget (``demo_budget``),
and the children new to the area waiting on a fair access placement (``demo_access``)."""

from __future__ import annotations

from dataclasses import dataclass

from knotwork.placements.demo_access import AccessDemo
from knotwork.placements.demo_budget import BudgetDemo
from knotwork.placements.demo_panels import PanelsDemo
from knotwork.placements.demo_provision import ProvisionDemo


@dataclass(frozen=True)
class PlacementsDemo:
    panels: PanelsDemo
    provision: ProvisionDemo
    budget: BudgetDemo
    access: AccessDemo
