"""Request examples for the schema: what a clinician's front end sends, valid as written.

Ids stand for records of the caller's practice; the examples test swaps in real ones and posts
each example to a live server."""

from drf_spectacular.utils import OpenApiExample

EXAMPLE_CLIENT_ID = "3f0c2a8e-5b1d-4c7a-9e2f-6d4b8a1c0e57"


def request_example(name: str, summary: str, value: dict) -> OpenApiExample:
    return OpenApiExample(name, summary=summary, value=value, request_only=True)
