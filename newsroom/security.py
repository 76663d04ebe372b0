"""Response headers that Django's SecurityMiddleware does not set: Content-Security-Policy and
Permissions-Policy. The policy allows no inline script and no third-party origin."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy() -> str:
    static = settings.STATIC_URL
    # A CDN for static files (an absolute STATIC_URL) must be allowed by name: the source is the
    # whole prefix, so only the static files on that host are admitted. Images too: the admin's
    # stylesheets draw their icons from static files.
    static_origin = static if static.startswith(("https://", "http://")) else ""
    own = " ".join(filter(None, ["'self'", static_origin]))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {own}",
            f"style-src {own}",
            f"font-src {own}",
            f"img-src {own} data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response
