"""Routes for contacts and the attribute catalogue."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from tajo.sandbox.brevo.apierror import invalid
from tajo.sandbox.brevo.catalogue import definition_from_request
from tajo.sandbox.brevo.contact_writes import (
    CREATE_FIELDS,
    UPDATE_FIELDS,
    parse_write,
    update,
    upsert,
)
from tajo.sandbox.brevo.httpkit import (
    json_response,
    no_content,
    path_param,
    query_params,
    read_object,
    sandbox_of,
)


async def create_contact(request: Request) -> Response:
    """`POST /v3/contacts`: 201 `{"id"}` on create, 204 on an upsert update."""
    body = await read_object(request)
    update_enabled = body.get("updateEnabled", False)
    if not isinstance(update_enabled, bool):
        raise invalid("updateEnabled should be a boolean")
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        write = parse_write(
            body,
            data.catalogue,
            set(data.lists),
            allowed=CREATE_FIELDS,
            strict_fields=sandbox.strict_fields,
        )
        new_id = upsert(
            data.contacts,
            write,
            update_enabled=update_enabled,
            now=sandbox.now(),
            sms_conflict_code=sandbox.sms_conflict_code,
        )
    if new_id is None:
        return no_content()
    return json_response({"id": new_id}, 201)


async def get_contact(request: Request) -> Response:
    """`GET /v3/contacts/{identifier}`."""
    identifier = path_param(request, "identifier")
    identifier_type = query_params(request).get("identifierType")
    sandbox = sandbox_of(request)
    with sandbox.lock:
        contact = sandbox.data.contacts.resolve(identifier, identifier_type, read=True)
        return json_response(contact.to_api())


async def update_contact(request: Request) -> Response:
    """`PUT /v3/contacts/{identifier}`: 204."""
    identifier = path_param(request, "identifier")
    identifier_type = query_params(request).get("identifierType")
    body = await read_object(request, allow_empty=True)
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        contact = data.contacts.resolve(identifier, identifier_type, read=False)
        write = parse_write(
            body,
            data.catalogue,
            set(data.lists),
            allowed=UPDATE_FIELDS,
            strict_fields=sandbox.strict_fields,
        )
        update(
            data.contacts,
            contact,
            write,
            now=sandbox.now(),
            sms_conflict_code=sandbox.sms_conflict_code,
        )
    return no_content()


async def delete_contact(request: Request) -> Response:
    """`DELETE /v3/contacts/{identifier}`: 204."""
    identifier = path_param(request, "identifier")
    identifier_type = query_params(request).get("identifierType")
    sandbox = sandbox_of(request)
    with sandbox.lock:
        store = sandbox.data.contacts
        store.remove(store.resolve(identifier, identifier_type, read=False))
    return no_content()


async def list_attributes(request: Request) -> Response:
    """`GET /v3/contacts/attributes`."""
    sandbox = sandbox_of(request)
    with sandbox.lock:
        items = [item.to_json() for item in sandbox.data.catalogue.items]
    return json_response({"attributes": items})


async def create_attribute(request: Request) -> Response:
    """`POST /v3/contacts/attributes/{category}/{name}`: 201, no body."""
    category = path_param(request, "category")
    name = path_param(request, "name")
    body = await read_object(request, allow_empty=True)
    definition = definition_from_request(category, name, body)
    sandbox = sandbox_of(request)
    with sandbox.lock:
        sandbox.data.catalogue.add(definition)
    return no_content(201)


async def not_simulated(request: Request) -> Response:
    """Literal `/v3/contacts/...` routes that the sandbox does not simulate.

    They exist so that, for example, `GET /v3/contacts/batch` is never read
    as "get the contact whose email is batch".
    """
    message = f"The Brevo sandbox does not simulate {request.method} {request.url.path}"
    if request.url.path.endswith("/batch"):
        message += "; Brevo deprecated it, use POST /v3/contacts/import instead"
    return json_response({"code": "not_implemented", "message": message}, 501)
