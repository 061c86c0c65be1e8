"""Read-only API of the register for other university systems and scripts."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView

from registry import selectors
from registry.serializers import InformationSystemSerializer, SystemQuerySerializer


@extend_schema(
    summary="Information systems of the register",
    tags=["registry"],
    parameters=[SystemQuerySerializer],
)
class SystemListView(ListAPIView):
    serializer_class = InformationSystemSerializer

    def get_queryset(self):
        # A plain dict, so absent booleans take their defaults instead of HTML-form "False".
        params = SystemQuerySerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        return selectors.system_list(
            user=self.request.user, filters=params.filters(), with_report_sections=True
        )


@extend_schema(
    summary="One information system by its code",
    tags=["registry"],
    parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="e.g. avn")],
)
class SystemDetailView(RetrieveAPIView):
    serializer_class = InformationSystemSerializer

    def get_object(self):
        return selectors.system_get(user=self.request.user, code_or_pk=self.kwargs["code"])
