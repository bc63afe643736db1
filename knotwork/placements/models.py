"""The placements app's models, kept by area in their own modules and gathered here
so Django finds them."""

from knotwork.placements.budget_models import *  # noqa: F403
