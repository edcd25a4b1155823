from rest_framework.routers import SimpleRouter

from assessments.views import AssessmentViewSet, InstrumentViewSet, RiskFlagViewSet

router = SimpleRouter()
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("risk-flags", RiskFlagViewSet, basename="risk-flag")

urlpatterns = router.urls
