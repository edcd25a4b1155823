from rest_framework.routers import SimpleRouter

from sessions.homework.views import HomeworkTemplateViewSet, HomeworkViewSet

router = SimpleRouter()
router.register("homework", HomeworkViewSet, basename="homework")
router.register("homework-templates", HomeworkTemplateViewSet, basename="homework-template")

urlpatterns = router.urls
