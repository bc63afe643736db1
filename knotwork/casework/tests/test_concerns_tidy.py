"""``concerns_tidy``: after a run that raised many concerns, the concern table's statistics
(and on PostgreSQL its visibility map) are brought up to date, outside a transaction only."""

import pytest
from django.db import connection, transaction

from knotwork.casework.concern_services import TIDY_AFTER, concerns_tidy
from knotwork.casework.models import Concern


def _vacuumed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables"
            " WHERE last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_large_run_outside_a_transaction_tidies_the_table():
    assert concerns_tidy(raised=TIDY_AFTER) is True
    if connection.vendor == "postgresql":
        assert Concern._meta.db_table in _vacuumed_tables()


@pytest.mark.django_db(transaction=True)
def test_a_small_run_leaves_the_table_to_autovacuum():
    assert concerns_tidy(raised=TIDY_AFTER - 1) is False


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_it_does_nothing_as_a_vacuum_could_not_run():
    with transaction.atomic():
        assert concerns_tidy(raised=TIDY_AFTER * 10) is False
