from drf_spectacular.utils import extend_schema
from rest_framework.generics import RetrieveAPIView

from accounts.selectors import user_profile_get
from accounts.serializers import ProfileSerializer


@extend_schema(summary="The signed-in user's profile", tags=["accounts"])
class MeView(RetrieveAPIView):
    serializer_class = ProfileSerializer

    def get_object(self):
        return user_profile_get(user_id=self.request.user.pk)
