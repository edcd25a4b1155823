"""The client's pages of a measure link, served at /m/<token>/ (api/urls.py)."""

from django.urls import path

from assessments.measures.pages import measure_link_page

urlpatterns = [
    path("<str:token>/", measure_link_page, name="measure-link-page"),
]
