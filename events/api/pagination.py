"""Pages of the API's lists, linked by the public address."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def _url(self) -> str:
        # The public address, not the request's Host: the bytes are shared by every visitor.
        return settings.SITE_URL + self.request.get_full_path()

    def get_next_link(self):
        if not self.page.has_next():
            return None
        return replace_query_param(self._url(), self.page_query_param, self.page.next_page_number())

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self._url(), self.page_query_param)
        return replace_query_param(self._url(), self.page_query_param, number)

    def get_paginated_response_schema(self, schema):
        # DRF describes the links in OpenAPI 3.0 (`nullable`), which 3.1 no longer knows.
        described = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            properties = described["properties"][link]
            properties.pop("nullable", None)
            properties["type"] = ["string", "null"]
        return described
