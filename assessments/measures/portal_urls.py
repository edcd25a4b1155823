from django.urls import path

from assessments.measures.portal_views import AnswersView, QuestionnaireView

urlpatterns = [
    path(
        "client-portal/invitations/<str:token>/",
        QuestionnaireView.as_view(),
        name="client-portal-questionnaire",
    ),
    path(
        "client-portal/invitations/<str:token>/answers/",
        AnswersView.as_view(),
        name="client-portal-answers",
    ),
]
