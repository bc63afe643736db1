"""Typing for views: every page is behind sign-in, so request.user is a User."""

from __future__ import annotations

from django.http import HttpRequest

from knotwork.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
