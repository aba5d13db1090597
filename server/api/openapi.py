"""The OpenAPI 3.1 description of /api/v1, kept next to the routes it describes."""
from __future__ import annotations

_ERROR = {"$ref": "#/components/schemas/Error"}


def _resp(description: str, schema: dict | None = None) -> dict:
    out = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


_ERRORS = {
    "401": _resp("Not signed in / Belum masuk", _ERROR),
    "403": _resp("Not allowed for this user / Tidak berhak", _ERROR),
    "404": _resp("Not found / Tidak ditemukan", _ERROR),
}
_TASK_ID = [{"name": "task_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_BPMN_UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "contentMediaType": "application/xml"},
                   "agency": {"type": "string", "description": "agency slug (default: the diagram's alur.agency)"}}}}}}
_DATA_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "properties": {"data": {"type": "object"}}}}}}


def openapi_document() -> dict:
    task_action = lambda summary: {  # noqa: E731 - a tiny template for claim/release
        "summary": summary, "parameters": _TASK_ID,
        "responses": {"200": _resp("OK", {"$ref": "#/components/schemas/TaskState"}),
                      "409": _resp("Already done or claimed by another user", _ERROR), **_ERRORS}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Alur API", "version": "1.0.0",
                 "description": "SOP AP procedures run as BPMN processes. Messages come in Bahasa "
                                "Indonesia by default; send Accept-Language: en for English."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/auth/token": {"post": {
                "summary": "Exchange username and password for a bearer token", "security": [],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"201": _resp("Token", {"type": "object", "properties": {
                    "token": {"type": "string"}, "token_type": {"const": "Bearer"},
                    "expires_at": {"type": "string", "format": "date-time"}}}),
                    "401": _resp("Wrong username or password", _ERROR)}}},
            "/me": {"get": {"summary": "The caller, with agencies and roles",
                            "responses": {"200": _resp("User"), **_ERRORS}}},
            "/notifications": {"get": {
                "summary": "My latest notifications (e.g. overdue tasks) and how many are unread",
                "responses": {"200": _resp("Notifications", {"type": "object", "properties": {
                    "unread": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}}),
                    **_ERRORS}}},
            "/processes": {"get": {
                "summary": "SOPs the caller may see",
                "responses": {"200": _resp("Processes", {"type": "object", "properties": {"items": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Process"}}}}), **_ERRORS}}},
            "/processes/{key}/instances": {"post": {
                "summary": "Start an instance with its start form's data",
                "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"data": {"type": "object"},
                                                     "agency": {"type": "string"}}}}}},
                "responses": {"201": _resp("Started"), "422": _resp("Invalid data, per field", _ERROR),
                              **_ERRORS}}},
            "/instances/{instance_id}": {"get": {
                "summary": "Status, data, history of completed steps and open tasks",
                "parameters": [{"name": "instance_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": _resp("Instance"), **_ERRORS}}},
            "/tasks": {"get": {
                "summary": "Tasks assigned to me (mine), open in my lanes (claimable), or my lanes' not mine (team)",
                "parameters": [
                    {"name": "scope", "in": "query", "schema": {"enum": ["mine", "claimable", "team"]}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 200}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": _resp("A page of tasks"), **_ERRORS}}},
            "/tasks/{task_id}": {"get": {
                "summary": "A task with its form schema and its SOP step",
                "parameters": _TASK_ID, "responses": {"200": _resp("Task"), **_ERRORS}}},
            "/tasks/{task_id}/claim": {"post": task_action("Claim a task of my lane")},
            "/tasks/{task_id}/release": {"post": task_action("Give a claimed task back to the lane")},
            "/tasks/{task_id}/complete": {"post": {
                "summary": "Complete a task with its form data", "parameters": _TASK_ID,
                "requestBody": _DATA_BODY,
                "responses": {"200": _resp("Completed"), "409": _resp("Already done / claimed", _ERROR),
                              "422": _resp("Invalid data, per field", _ERROR), **_ERRORS}}},
            "/attachments": {"post": {
                "summary": "Upload a file (type sniffed from its content)",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"],
                    "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"},
                                   "agency": {"type": "string"}}}}}},
                "responses": {"201": _resp("Stored"), "413": _resp("Too large", _ERROR),
                              "422": _resp("Type not allowed", _ERROR), **_ERRORS}}},
            "/attachments/{attachment_id}": {"get": {
                "summary": "Download a file",
                "parameters": [{"name": "attachment_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The file"}, **_ERRORS}}},
            "/lint": {"post": {
                "summary": "SOP lint of a BPMN file: every finding with element id, severity, code, messages "
                           "(Pemilik Proses)",
                "requestBody": _BPMN_UPLOAD,
                "responses": {"200": _resp("Findings"), "422": _resp("No file", _ERROR), **_ERRORS}}},
            "/deployments": {"post": {
                "summary": "Deploy a BPMN file as a new version (Pemilik Proses of its agency); refused with "
                           "every lint error",
                "requestBody": _BPMN_UPLOAD,
                "responses": {"201": _resp("Deployed versions"),
                              "422": _resp("Refused: detail.findings lists each error", _ERROR), **_ERRORS}}},
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "Browser session; writes need the X-CSRFToken header."}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"},
                    "message_id": {"type": "string"}, "message_en": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {
                        "type": "array", "items": {"type": "string"}}}}},
                "Process": {"type": "object", "properties": {
                    "key": {"type": "string"}, "name": {"type": "string"}, "agency": {"type": "string"},
                    "version": {"type": "integer"}, "lanes": {"type": "array", "items": {"type": "string"}},
                    "startable": {"type": "boolean"}, "start_form": {"type": ["object", "null"]}}},
                "TaskState": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "assignee_id": {"type": ["integer", "null"]},
                    "state": {"type": "string"}}},
            },
        },
    }
