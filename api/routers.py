"""The router every app registers its viewsets with."""

from rest_framework.routers import SimpleRouter


class RecordRouter(SimpleRouter):
    """Record ids in URLs are canonical UUIDs only (36 lower-case hexadecimal digits and
    hyphens, Django's `uuid` converter): anything else, an id with extra hyphens or braces say,
    matches no route and is a 404 before any view, lookup or audit runs. A viewset keyed by
    something else names its converter (`lookup_value_converter = "str"`)."""

    def __init__(self):
        super().__init__(use_regex_path=False)
        self._default_value_pattern = "uuid"
