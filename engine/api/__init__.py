"""The GraphQL API: strawberry schema on starlette, served by uvicorn (`graphfeed serve`).

The engine core never imports this package (or strawberry/starlette): this is
the only web layer.
"""
