from api.routers import RecordRouter
from clients.views import ClientViewSet

router = RecordRouter()
router.register("clients", ClientViewSet, basename="client")

urlpatterns = router.urls
