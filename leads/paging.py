"""Pagination of long lists: a bounded count and no deep OFFSET.

A sales manager's customer list is the whole dealership (hundreds of thousands of rows): counting it
exactly on every page view, or reading page 4,000 through OFFSET, costs a scan each time. Past
MAX_ROWS the list says "more than N" and the deepest page is the one holding row MAX_ROWS; the
search and filters narrow it further.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

MAX_ROWS = 10_000


class CappedPaginator(Paginator):
    """Counts at most MAX_ROWS + 1 rows (a LIMITed subquery); `capped` says there are more."""

    max_rows = MAX_ROWS

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.max_rows + 1].count()
        self.capped = found > self.max_rows
        return min(found, self.max_rows)

    capped = False
