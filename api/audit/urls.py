from api.audit.views import AuditEventViewSet
from api.routers import RecordRouter

router = RecordRouter()
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
