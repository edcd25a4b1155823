from api.routers import RecordRouter
from sessions.homework.views import HomeworkTemplateViewSet, HomeworkViewSet

router = RecordRouter()
router.register("homework", HomeworkViewSet, basename="homework")
router.register("homework-templates", HomeworkTemplateViewSet, basename="homework-template")

urlpatterns = router.urls
