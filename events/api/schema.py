"""The OpenAPI schema's additions: the `lang` parameter every endpoint takes."""

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter


class AutoSchema(openapi.AutoSchema):
    def get_override_parameters(self):
        return [
            *super().get_override_parameters(),
            OpenApiParameter(
                "lang",
                str,
                enum=[code for code, _name in settings.LANGUAGES],
                description="Language of the content; without it, Accept-Language decides.",
            ),
        ]
