from django.urls import path

from api.routers import RecordRouter
from sessions.homework.views import (
    ClientHomeworkSummaryView,
    HomeworkTemplateViewSet,
    HomeworkViewSet,
)

router = RecordRouter()
router.register("homework", HomeworkViewSet, basename="homework")
router.register("homework-templates", HomeworkTemplateViewSet, basename="homework-template")

urlpatterns = [
    path(
        "clients/<uuid:pk>/homework-summary/",
        ClientHomeworkSummaryView.as_view(),
        name="client-homework-summary",
    ),
    *router.urls,
]
