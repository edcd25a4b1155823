"""Measure links' rate limits, per address and per link (api/throttles/secret_links.py). A
page and its JSON twin share them."""

from api.throttles.secret_links import PerAddressThrottle, PerTokenThrottle, wait


class MeasureLinkAddressThrottle(PerAddressThrottle):
    scope = "measure_link_address"


class MeasureLinkTokenThrottle(PerTokenThrottle):
    scope = "measure_link_token"


LINK_THROTTLES = (MeasureLinkAddressThrottle, MeasureLinkTokenThrottle)


def link_wait(request, view) -> float | None:
    return wait(LINK_THROTTLES, request, view)
