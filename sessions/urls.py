from api.routers import RecordRouter
from sessions.views import SessionViewSet

router = RecordRouter()
router.register("sessions", SessionViewSet, basename="session")

urlpatterns = router.urls
