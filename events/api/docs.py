"""A human page for the API, rendered on the server from the same OpenAPI document as
/api/v1/schema/ (Swagger UI and Redoc need inline styles or scripts that the CSP forbids)."""

from functools import lru_cache

from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get",)


def _type(schema: dict, components: dict) -> str:
    """A short name for a schema: the component it refers to, or its JSON type(s)."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            return " | ".join(_type(part, components) for part in schema[combined])
    if schema.get("type") == "array":
        return f"[{_type(schema.get('items', {}), components)}]"
    kind = schema.get("type", "object")
    kind = " | ".join(kind) if isinstance(kind, list) else kind
    return f"{kind} ({schema['format']})" if "format" in schema else kind


@lru_cache(maxsize=1)
def api_reference() -> dict:
    """Endpoints and the shapes they answer with, from the generated schema (made once)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    components = document["components"]["schemas"]
    endpoints = []
    for path, operations in document["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            response = operation["responses"]["200"]["content"]["application/json"]["schema"]
            endpoints.append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "type": _type(parameter.get("schema", {}), components),
                            "values": parameter.get("schema", {}).get("enum", []),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "response": _type(response, components),
                }
            )
    shapes = [
        {
            "name": name,
            "fields": [
                {
                    "name": field,
                    "type": _type(schema, components),
                    "description": schema.get("description", ""),
                }
                for field, schema in component.get("properties", {}).items()
            ],
        }
        for name, component in sorted(components.items())
    ]
    return {
        "info": document["info"],
        "version": document["openapi"],
        "endpoints": endpoints,
        "shapes": shapes,
    }


def api_docs(request):
    response = render(request, "events/api_docs.html", api_reference())
    response["Cache-Control"] = "public, max-age=3600"
    return response
