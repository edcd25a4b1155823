"""Postprocessing of the generated OpenAPI document, for what only the whole document shows."""

import copy

# A Fernet token, as real cursors are: opaque, to be passed back as it came.
EXAMPLE_CURSOR = "gAAAAABnR2Vf8k3xQm9ZyT0bW1c4eLhUu7sPdN5aJqKvXoYiCgFr6tH2lMwEzBnD"


def inline_polymorphic_fields(result, generator, request, public):
    """A field holding one of several types (the session's note) refers to its union's
    members directly, with the discriminator beside them and `nullable` on the same level:
    openapi-typescript and openapi-python-client then both type it as a tagged union (or
    null), which they do not through drf-spectacular's `allOf: [Union]` wrapper.

    The members of a union sent in requests are closed (`additionalProperties: false`): a
    note's sections are fixed by its format, and the server refuses any other."""
    schemas = result.get("components", {}).get("schemas", {})
    unions = {
        f"#/components/schemas/{name}": schema
        for name, schema in schemas.items()
        if "oneOf" in schema and "discriminator" in schema
    }
    for reference, union in unions.items():
        if reference.endswith("Request"):
            for member in union["oneOf"]:
                schemas[member["$ref"].rsplit("/", 1)[-1]]["additionalProperties"] = False
    for schema in schemas.values():
        for name, field in schema.get("properties", {}).items():
            reference = _single_reference(field)
            if reference in unions:
                rest = {key: value for key, value in field.items() if key not in ("allOf", "$ref")}
                schema["properties"][name] = {**copy.deepcopy(unions[reference]), **rest}
    return result


def _single_reference(field: dict) -> str | None:
    if "$ref" in field:
        return field["$ref"]
    if len(field.get("allOf", ())) == 1:
        return field["allOf"][0].get("$ref")
    return None


def request_defaults_in_descriptions(result, generator, request, public):
    """A default in a request body is the server's, not something the caller must send:
    openapi-typescript makes a property with `default` required, so request components say
    the default in words instead."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for field in schema.get("properties", {}).values():
            if "default" in field:
                default = field.pop("default")
                shown = "an empty string" if default == "" else f"`{default}`"
                sentence = f"Defaults to {shown}."
                field["description"] = (
                    f"{field['description']} {sentence}".strip()
                    if ("description" in field)
                    else sentence
                )
    return result


def pagination_pages(result, generator, request, public):
    """A page always holds `next`, `previous` (null at either end) and `results`; its
    examples show its own list's path and an opaque cursor, as the server sends them."""
    schemas = result.get("components", {}).get("schemas", {})
    for path, operations in result.get("paths", {}).items():
        page = operations.get("get", {}).get("responses", {}).get("200", {})
        reference = page.get("content", {}).get("application/json", {}).get("schema", {})
        name = reference.get("$ref", "").rsplit("/", 1)[-1]
        if not name.startswith("Paginated"):
            continue
        schemas[name]["required"] = ["next", "previous", "results"]
        properties = schemas[name]["properties"]
        url = f"https://rootwise.example.org{path}?cursor={EXAMPLE_CURSOR}"
        properties["next"]["example"] = url
        properties["previous"]["example"] = url
    return result


def listed_parameters_hold_an_item(result, generator, request, public):
    """A query parameter that takes a list (`?client=<id>,<id>`) names at least one: empty, it
    says nothing, and is refused as every empty parameter is."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "array":
                    schema["minItems"] = 1
    return result


def add_links(result, generator, request, public):
    """OpenAPI links from each create to the operations on what it created, so generated
    clients and stateful testers can follow `id` from one call to the next."""
    paths = result.get("paths", {})
    for path, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        links = {}
        for detail_path, detail_operations in paths.items():
            if not detail_path.startswith(path + "{id}/"):
                continue
            for operation in detail_operations.values():
                operation_id = operation["operationId"]
                links[operation_id] = {
                    "operationId": operation_id,
                    "parameters": {"id": "$response.body#/id"},
                }
        if links:
            created["links"] = dict(sorted(links.items()))
    return result
