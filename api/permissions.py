from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsAdmin(BasePermission):
    """Only the practice's admins (who alone read the audit trail)."""

    message = "Only an administrator of the practice reads the audit trail."

    def has_permission(self, request, view) -> bool:
        return request.user.is_admin


class ReadOnlyUnlessAdmin(BasePermission):
    """Any member of the practice reads; only its admins write."""

    message = "Only an administrator of the practice may change this."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or request.user.is_admin
