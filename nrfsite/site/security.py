"""Security plumbing: the Content-Security-Policy for public pages and the admin, and upload limits."""

from csp.middleware import CSPMiddleware

from nrfsite.core.languages import path_without_language

# The admin and django-import-export's pages set a few inline styles (widths, hidden
# rows), and so does the API's documentation page (Swagger UI's own <style>); public pages
# have none, so only those get 'unsafe-inline' styles. Scripts stay 'self' everywhere.
ADMIN_UPDATE = {"style-src": ["'unsafe-inline'"]}
INLINE_STYLE_PREFIXES = ("/admin/", "/api/docs/")


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's one relaxation."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if path_without_language(request.path_info).startswith(INLINE_STYLE_PREFIXES) and parts.update is None:
            parts.update = ADMIN_UPDATE
        return parts
