from api.routers import RecordRouter
from assessments.measures.views import MeasureInvitationViewSet, MeasureScheduleViewSet
from assessments.views import AssessmentViewSet, InstrumentViewSet, RiskFlagViewSet

router = RecordRouter()
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("risk-flags", RiskFlagViewSet, basename="risk-flag")
router.register("measure-schedules", MeasureScheduleViewSet, basename="measure-schedule")
router.register("measure-invitations", MeasureInvitationViewSet, basename="measure-invitation")

urlpatterns = router.urls
