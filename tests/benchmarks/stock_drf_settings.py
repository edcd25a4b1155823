"""Settings for the stock DRF baseline: Rootwise's, with its own urlconf and DRF's
page-number pagination."""

from api.settings import *  # noqa: F403
from api.settings import REST_FRAMEWORK

ROOT_URLCONF = "tests.benchmarks.stock_drf"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [],
}
