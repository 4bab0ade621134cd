"""Counts the SQL queries of each request and reports them in response headers (benchmarks only).

Enabled only when BENCH_COUNT_QUERIES=1 (crm_project.settings adds it first in MIDDLEWARE then), so
that it sees every query of the request, the session and user lookups included:
`X-Queries` (the number of queries) and `X-Server-Ms` (time inside Django, in milliseconds).
"""

import os
import time

from django.db import connection


def enabled() -> bool:
    return os.environ.get("BENCH_COUNT_QUERIES") == "1"


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.active = enabled()

    def __call__(self, request):
        if not self.active:
            return self.get_response(request)
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
            if getattr(response, "streaming", False) is False and hasattr(response, "render") and not response.is_rendered:
                response.render()
        response["X-Queries"] = str(counter.count)
        response["X-Server-Ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
        return response
