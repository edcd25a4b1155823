"""References in request bodies to records the caller may refer to.

Each field names the records it accepts as `scope(user)`, a queryset built from the requesting
user when input is validated (reads never build it). An id outside it is refused exactly like
one that does not exist, so a record the caller may not see stays invisible.
"""

from rest_framework import serializers

from api.strict_input import RelatedIdsField


class ScopedQuerysetMixin:
    def __init__(self, model, *, scope, **kwargs):
        self.scope = scope
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.queryset
        return self.scope(user)


class ScopedRelatedField(ScopedQuerysetMixin, serializers.PrimaryKeyRelatedField):
    """The id of one `model` record in `scope(user)`."""


class ScopedRelatedIdsField(ScopedQuerysetMixin, RelatedIdsField):
    """Ids of `model` records in `scope(user)`, checked in one query."""
