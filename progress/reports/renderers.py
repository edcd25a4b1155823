"""Media types the exports speak, and negotiation that answers 406 (never 404) when a client
asks for one we do not produce."""

from django.utils.http import parse_header_parameters
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer

from progress.reports.fhir import FHIR_VERSION


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
    """FHIR JSON whose Content-Type names the FHIR version (the media type parameter takes
    major.minor: 4.3 for R4B, 4.3.0). `media_type` stays bare because it is what Accept is matched
    against, and a client may leave the version out."""

    media_type = "application/fhir+json"
    format = "fhir"
    fhir_version = ".".join(FHIR_VERSION.split(".")[:2])
    versioned_media_type = f"{media_type}; fhirVersion={fhir_version}"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = self.versioned_media_type
        return super().render(data, accepted_media_type, renderer_context)

    @classmethod
    def asks_for_another_version(cls, media_range: str) -> bool:
        full_type, params = parse_header_parameters(media_range)
        version = params.get("fhirversion", cls.fhir_version)
        return full_type == cls.media_type and version != cls.fhir_version


class ExportNegotiation(DefaultContentNegotiation):
    """`?format=` overrides the Accept header; anything unsupported is a 406 listing what is,
    including FHIR in a version other than the one written."""

    def get_accept_list(self, request):
        return [
            media_range
            for media_range in super().get_accept_list(request)
            if not FHIRRenderer.asks_for_another_version(media_range)
        ]

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
        supported = ", ".join(
            f"{getattr(r, 'versioned_media_type', r.media_type)} (?format={r.format})"
            for r in renderers
        )
        return NotAcceptable(f"Supported formats: {supported}.")
