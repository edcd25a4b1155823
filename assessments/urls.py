from django.urls import path

from api.routers import RecordRouter
from assessments.reports.views import ClientReportView, OutcomesReportView
from assessments.views import AssessmentViewSet, InstrumentViewSet, RiskFlagViewSet

router = RecordRouter()
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("risk-flags", RiskFlagViewSet, basename="risk-flag")

urlpatterns = [
    path("clients/<uuid:pk>/report/", ClientReportView.as_view(), name="client-report"),
    path("reports/outcomes/", OutcomesReportView.as_view(), name="reports-outcomes"),
    *router.urls,
]
