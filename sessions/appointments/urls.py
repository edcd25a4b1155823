from api.routers import RecordRouter
from sessions.appointments.views import AppointmentSeriesViewSet, AppointmentViewSet

router = RecordRouter()
router.register("appointment-series", AppointmentSeriesViewSet, basename="appointment-series")
router.register("appointments", AppointmentViewSet, basename="appointment")

urlpatterns = router.urls
