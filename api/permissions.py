from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOnlyUnlessAdmin(BasePermission):
    """Any member of the practice reads; only its admins write."""

    message = "Only an administrator of the practice may change this."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or request.user.is_admin
