from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """?page=N, 50 a page unless ?page_size= asks for another size (up to 200)."""

    page_size_query_param = "page_size"
    max_page_size = 200
