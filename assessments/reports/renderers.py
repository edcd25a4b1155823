"""Media types the exports speak, and negotiation that answers 406 (never 404) when a client
asks for one we do not produce."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class FHIRRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class ExportNegotiation(DefaultContentNegotiation):
    """`?format=` overrides the Accept header; anything unsupported is a 406 listing what is."""

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested is not None:  # an empty ?format= asks for no format we have
            for renderer in renderers:
                if renderer.format == requested:
                    return renderer, renderer.media_type
            raise self._not_acceptable(renderers)
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable as error:
            raise self._not_acceptable(renderers) from error

    @staticmethod
    def _not_acceptable(renderers) -> NotAcceptable:
        supported = ", ".join(f"{r.media_type} (?format={r.format})" for r in renderers)
        return NotAcceptable(f"Supported formats: {supported}.")
