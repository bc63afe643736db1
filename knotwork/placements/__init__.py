"""The partnership's own business: panel meetings, managed moves, fair access,
alternative provision, the intervention menu and the pooled budget."""
