from django.urls import path

from progress.reports.views import ClientReportView, OutcomesReportView
from progress.views import ClientProgressView, MeasureCompletionView
from progress.work_queue.views import WorkQueueSummaryView, WorkQueueView

urlpatterns = [
    path("clients/<uuid:pk>/progress/", ClientProgressView.as_view(), name="client-progress"),
    path("clients/<uuid:pk>/report/", ClientReportView.as_view(), name="client-report"),
    path("reports/outcomes/", OutcomesReportView.as_view(), name="reports-outcomes"),
    path(
        "reports/measure-completion/",
        MeasureCompletionView.as_view(),
        name="reports-measure-completion",
    ),
    path("work-queue/", WorkQueueView.as_view(), name="work-queue"),
    path("work-queue/summary/", WorkQueueSummaryView.as_view(), name="work-queue-summary"),
]
