from api.events.views import WebhookDeliveryViewSet, WebhookEndpointViewSet
from api.routers import RecordRouter

router = RecordRouter()
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = router.urls
