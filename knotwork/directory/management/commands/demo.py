"""``knotwork demo``: build the demo partnership and print how to sign in."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from knotwork.directory.demo import (
    PASSWORD,
    DemoAlreadyBuilt,
    SignIn,
    demo_build,
    demo_sign_ins,
)
from knotwork.pupils.models import Pupil


class Command(BaseCommand):
    help = (
        "Build a fictional Behaviour and Attendance Partnership (East Marsh) with N pupils, "
        "the same every time for the same seed, and print the demo sign-ins."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--pupils", type=int, default=6000, help="How many pupils (6000).")
        parser.add_argument("--seed", type=int, default=1, help="Which partnership (1).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing but print the sign-ins if the database already has pupils.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["pupils"] < 0:
            raise CommandError("--pupils cannot be negative.")
        if options["if_empty"] and Pupil.objects.exists():
            self.stdout.write("The database already has pupils, so no demo was added.")
            self._print_sign_ins(demo_sign_ins())
            return
        try:
            summary = demo_build(
                pupils=options["pupils"],
                seed=options["seed"],
                progress=self._progress,
                attendance_progress=self._attendance_progress,
                behaviour_progress=self._behaviour_progress,
            )
        except DemoAlreadyBuilt as exc:
            raise CommandError(f"{exc} Use an empty database, or --if-empty.") from exc
        self.stdout.write(
            f"{summary.partnership}: {summary.pupils:,} pupils at {summary.settings} settings, "
            f"{summary.agencies} agencies."
        )
        self.stdout.write(
            f"Behaviour: {summary.incidents:,} incidents, {summary.suspensions:,} suspensions, "
            f"{summary.permanent_exclusions:,} permanent exclusions."
        )
        if summary.concerns and summary.referrals and summary.cases:
            c, r, k = summary.concerns, summary.referrals, summary.cases
            self.stdout.write(
                f"Casework: {c.raised + c.staff:,} concerns, {r.referrals:,} referrals to "
                f"{r.services} services ({r.overdue:,} overdue for an answer), "
                f"{k.open:,} open cases and {k.closed:,} closed, led by {k.key_workers:,} "
                f"key worker{'' if k.key_workers == 1 else 's'}."
            )
        if summary.consent and summary.notices:
            g, n = summary.consent, summary.notices
            self.stdout.write(
                f"Sharing: {g.consents:,} consent records ({g.withdrawn:,} withdrawn, "
                f"{g.expired:,} expired), {g.decisions:,} decisions to share without consent. "
                f"{n.notices:,} notices to case teams, {summary.parent_contacts:,} contacts "
                "with parents logged."
            )
        if summary.placements:
            p = summary.placements
            self.stdout.write(
                f"Partnership business: {p.panels.held:,} panel meetings held, "
                f"{p.panels.moves:,} managed moves ({p.panels.in_trial:,} in trial), "
                f"{p.provision.fair_access:,} fair access placements, "
                f"{p.provision.placements:,} placements at {p.provision.providers:,} providers, "
                f"{p.budget.orders:,} intervention orders; pooled budget balance "
                f"£{p.budget.balance:,.2f}."
            )
        self._print_sign_ins(summary.sign_ins)

    def _progress(self, done: int, total: int, what: str = "Pupils") -> None:
        self.stderr.write(f"\r{what} written: {done:,} of {total:,}", ending="")
        if done == total:
            self.stderr.write("")
        self.stderr.flush()

    def _attendance_progress(self, done: int, total: int) -> None:
        self._progress(done, total, "Attendance registers")

    def _behaviour_progress(self, done: int, total: int) -> None:
        self._progress(done, total, "Behaviour records")

    def _print_sign_ins(self, sign_ins: list[SignIn]) -> None:
        if not sign_ins:
            self.stdout.write("There are no demo users in this database.")
            return
        rows = [("Username", "Role", "Organisation", "Records")]
        rows += [
            (s.username, s.role, s.organisation, "can change" if s.can_edit else "read only")
            for s in sign_ins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write(f"\nSign in as any of these, with the password {PASSWORD}\n")
        for i, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
            if i == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
