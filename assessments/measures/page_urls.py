"""The client's pages of a measure link, served at /m/<token>/ (api/urls.py)."""

urlpatterns: list = []
