from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.vocabulary import ROOT_DESCRIPTIONS, STRATEGY_DESCRIPTIONS, Root, Strategy


class RootSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Root.choices)
    name = serializers.CharField()
    description = serializers.CharField()


class StrategySerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Strategy.choices)
    name = serializers.CharField()
    description = serializers.CharField()


def _terms(choices, descriptions) -> list[dict]:
    return [
        {"code": choice.value, "name": choice.label, "description": descriptions[choice]}
        for choice in choices
    ]


ROOTS = _terms(Root, ROOT_DESCRIPTIONS)
STRATEGIES = _terms(Strategy, STRATEGY_DESCRIPTIONS)


@extend_schema_view(
    get=extend_schema(
        tags=["vocabulary"], operation_id="roots_list", responses=RootSerializer(many=True)
    )
)
class RootListView(APIView):
    """The five roots of insecurity, in a fixed order. Codes never change."""

    def get(self, request):
        return Response(ROOTS)


@extend_schema_view(
    get=extend_schema(
        tags=["vocabulary"],
        operation_id="strategies_list",
        responses=StrategySerializer(many=True),
    )
)
class StrategyListView(APIView):
    """The four strategies that homework is drawn from, in a fixed order. Codes never change."""

    def get(self, request):
        return Response(STRATEGIES)
