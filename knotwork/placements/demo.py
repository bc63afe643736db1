"""The demo partnership's own business, gathered for ``directory.demo``: the panel and its
managed moves (``demo_panels``), fair access and alternative provision
(``demo_provision``), and the intervention menu with the pooled budget
(``demo_budget``)."""

from __future__ import annotations

from dataclasses import dataclass

from knotwork.placements.demo_budget import BudgetDemo
from knotwork.placements.demo_panels import PanelsDemo
from knotwork.placements.demo_provision import ProvisionDemo


@dataclass(frozen=True)
class PlacementsDemo:
    panels: PanelsDemo
    provision: ProvisionDemo
    budget: BudgetDemo
