"""The placements app's models, kept by area in their own modules and gathered here
so Django finds them."""

from knotwork.placements.budget_models import *  # noqa: F403
from knotwork.placements.fair_access_models import *  # noqa: F403
from knotwork.placements.move_models import *  # noqa: F403
from knotwork.placements.panel_models import *  # noqa: F403
from knotwork.placements.provision_models import *  # noqa: F403
