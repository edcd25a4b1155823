from api.routers import RecordRouter
from assessments.views import AssessmentViewSet, InstrumentViewSet, RiskFlagViewSet

router = RecordRouter()
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("risk-flags", RiskFlagViewSet, basename="risk-flag")

urlpatterns = router.urls
