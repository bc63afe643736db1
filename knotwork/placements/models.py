"""The placements app's models, kept by area in their own modules and gathered here
so Django finds them."""
