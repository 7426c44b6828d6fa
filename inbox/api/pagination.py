from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from inbox.forms.ids import parse_id

# Any page past the last is a 404 anyway; the bound lets the schema say what a number is.
MAX_PAGE = 2**31 - 1


class Pagination(PageNumberPagination):
    """?page=N, 50 a page unless ?page_size= asks for another size (up to 200).

    A page or size that is not a number in range is a 400 saying so, rather than quietly
    the first page or the largest size: a script with a typo learns of it at once.
    """

    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()

    def get_page_size(self, request: Request) -> int:
        return self._number(request, "page_size", self.max_page_size) or self.page_size

    def get_page_number(self, request: Request, paginator: Any) -> int:
        return self._number(request, "page", MAX_PAGE) or 1

    def _number(self, request: Request, name: str, maximum: int) -> int | None:
        if name not in request.query_params:
            return None
        number = parse_id(request.query_params[name], maximum=maximum)
        if number is None:
            raise ValidationError(
                {name: [_("Give a whole number from 1 to %(max)d.") % {"max": maximum}]}
            )
        return number

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        maximum = {"page": MAX_PAGE, "page_size": self.max_page_size}
        for parameter in parameters:
            parameter["schema"].update(minimum=1, maximum=maximum[parameter["name"]])
        return parameters
