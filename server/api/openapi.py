"""The OpenAPI 3.1 description of /api/v1, kept next to the routes it describes.

Every operation is one row of `OPERATIONS`, made by `op()`. `op()` adds the answers that every
route of its kind gives, so a row only names what is particular to its route:

- 400 on every operation: the request guard refuses a NUL character (and lone surrogates, JSON
  nested too deeply) in the path, the query or the body before any view runs; a body that is not
  JSON is 400 as well;
- 401 unless `public=True`; 403 on every write that is not public (a browser session without
  its CSRF token);
- 404 when the path has a parameter (a row that does not exist, or a number out of range);
- 413 and 422 when the operation takes a body (too large; valid JSON that is not what the
  route takes, e.g. not an object, or fields the SOP's form refuses).

Anything else a route answers goes in `errors=` (e.g. 409 for a task already done). A new route
is one row, for example:

    op("post", "/instances/{instance_id}/cancel", "Stop a running instance",
       ok=(200, "Stopped", ref("InstanceState")), path_params=[row_id("instance_id")], errors=[403, 409],
       body=json_body(ref("Reason"))),

tests/api/test_openapi.py checks that every route is described and carries these answers, and
tests/api/test_schemathesis.py that the server answers as described.
"""
from __future__ import annotations

# What each error status means, in English / Indonesian, for every operation that answers it.
ERROR_DESCRIPTIONS = {
    400: "Malformed request: not valid JSON, or a NUL character, lone surrogate or too deep nesting "
         "anywhere in it / Permintaan tidak sah",
    401: "Not signed in, or the token is invalid or expired / Belum masuk",
    403: "Not allowed for this user (or a browser session's write without its CSRF token) / Tidak berhak",
    404: "Not found / Tidak ditemukan",
    409: "Conflict with the current state: a task already done or claimed by another user, an instance "
         "not running, an SOP that starts on a schedule / Bentrok",
    412: "Another save came first: the draft is no longer the one If-Match names (who saved it, when, "
         "its ETag now) / Draf sudah disimpan orang lain",
    413: "Request body too large / Kiriman terlalu besar",
    422: "Invalid input, with a message per field where there is one / Isian tidak sah",
    428: "If-Match is required (the ETag of the draft being changed) / If-Match wajib",
    429: "Too many failed sign-ins; try again later / Terlalu banyak percobaan",
}

# A string the server takes: no NUL character (the request guard refuses it with 400, PostgreSQL
# cannot store it). Lone surrogates are refused too, but a pattern cannot say so portably (regex
# engines disagree on surrogate ranges), so the Text schema's description says it.
TEXT_PATTERN = r"^[^\u0000]*$"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(schema: dict) -> dict:
    return {"type": "array", "items": schema}


def nullable(type_: str, **more) -> dict:
    return {"type": [type_, "null"], **more}


def obj(required: str = "", **properties) -> dict:
    """An object schema; `required` names the properties (space separated) always present."""
    out = {"type": "object", "properties": properties}
    if required:
        out["required"] = required.split()
    return out


def closed(schema: dict) -> dict:
    """A request object that takes only the properties it names."""
    return {**schema, "additionalProperties": False}


def path_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def row_id(name: str) -> dict:
    """A row id in the path: 1 up to the largest INTEGER (anything else is a 404)."""
    return path_param(name, {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})


def query_param(name: str, schema: dict, description: str = "") -> dict:
    out = {"name": name, "in": "query", "schema": schema}
    if description:
        out["description"] = description
    return out


def json_body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def multipart_body(schema: dict) -> dict:
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def xml_content(description: str) -> dict:
    """A BPMN document sent as the body itself (application/xml)."""
    return {"application/xml": {"schema": {"type": "string", "description": description}}}


def file_part(description: str) -> dict:
    """A file in a multipart body (sent with a filename; its type is read from its content)."""
    return {"type": "string", "contentMediaType": "application/octet-stream", "description": description}


def error_response(status: int) -> dict:
    return {"description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": ref("Error")}}}


def op(method: str, path: str, summary: str, *, ok: tuple, errors=(), path_params=(), query=(),
       body: dict | None = None, public: bool = False) -> tuple[str, str, dict]:
    """One operation: `ok` is (status, description, schema or None, [media type]); `errors` the
    error statuses particular to this route (the common ones are added, see the module doc)."""
    status, description, schema, *media = ok
    success = {"description": description}
    if schema is not None:
        success["content"] = {(media[0] if media else "application/json"): {"schema": schema}}
    codes = {400, *errors}
    if not public:
        codes.add(401)
        if method != "get":
            codes.add(403)
    if path_params:
        codes.add(404)
    if body is not None:
        codes |= {413, 422}
    operation = {"summary": summary, "operationId": _operation_id(method, path),
                 "responses": {str(status): success, **{str(c): error_response(c) for c in sorted(codes)}}}
    if public:
        operation["security"] = []
    if path_params or query:
        operation["parameters"] = [*path_params, *query]
    if body is not None:
        operation["requestBody"] = body
    return path, method, operation


def _operation_id(method: str, path: str) -> str:
    words = [w.strip("{}") for w in path.split("/") if w]
    return method + "".join(w[:1].upper() + w[1:].replace("_", "") for w in words)


TASK_ID = [row_id("task_id")]
# Text with at least one character that is not a space.
NONBLANK = {"type": "string", "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$"}
KEY = path_param("key", ref("Text"))
AGENCY = query_param("agency", ref("Text"), "the agency's slug, when two of the caller's agencies have the key")
DATE_TIME_SCHEMA = {"type": "string", "format": "date-time"}
INSTANCE_ID = [row_id("instance_id")]
REASON_TEXT = {**NONBLANK, "maxLength": 1000, "description": "why (required, kept in the audit trail)"}
REASON = closed(obj("reason", reason=REASON_TEXT))
BPMN_UPLOAD = closed(obj("file", file=file_part("a BPMN 2.0 XML file"),
                         agency={**ref("Text"), "description": "agency slug (default: the diagram's alur.agency)"}))

# The SOP AP sheet's formats (server/modeling/api_documents.py) and its one option.
SHEET_FORMATS = (("html", "HTML", "text/html"), ("pdf", "PDF (A4 landscape, fonts embedded)", "application/pdf"),
                 ("docx", "Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
AS_SIGNED = query_param("as_signed", {"type": "string", "enum": ["1", "0", "true", "false"]},
                        "1: the sheet as signed, Alur's marked interpretations left out (default: shown dashed, "
                        "with a legend)")

# The audit trail's filters (server/audit/api_trail.py): its list and both exports take them all.
AUDIT_FILTERS = [
    query_param("from", {"type": "string", "format": "date"}, "events on or after this day (the agency's local time)"),
    query_param("to", {"type": "string", "format": "date"}, "events on or before this day"),
    query_param("instance", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "one instance's events"),
    query_param("process", {**ref("Text"), "maxLength": 200}, "the events of an SOP's instances (its key)"),
    query_param("agency", {**ref("Text"), "maxLength": 200}, "one agency's slug (default: every agency the caller "
                                                             "audits)"),
    query_param("action", {**ref("Text"), "maxLength": 200}, "an action (task.completed), or every action under a "
                                                             "prefix (task. or task)"),
    query_param("actor", {**ref("Text"), "maxLength": 200}, "who did it: a username")]
# The chain verified and its checkpoints (server/audit/api_trail.py): one agency.
AUDITED_AGENCY = query_param("agency", {**ref("Text"), "maxLength": 200},
                             "the agency's slug; required when the caller audits several (422)")
# The event log's choice of instances (server/audit/api_logs.py): version and the days they started.
LOG_PARAMS = [
    AGENCY, query_param("version", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                        "one version of the SOP (default: every version)"),
    query_param("from", {"type": "string", "format": "date"}, "instances started on or after this day (the agency's "
                                                              "local time)"),
    query_param("to", {"type": "string", "format": "date"}, "instances started on or before this day")]

# The conformance report (server/audit/api_conformance.py, server/audit/services/report.py).
_MOMENT = nullable("string", format="date-time")
_RATIO = nullable("number", minimum=0, maximum=1)
_PERSON = {"anyOf": [obj("username name", username=nullable("string"), name=nullable("string")), {"type": "null"}]}
CONFORMANCE_REPORT = obj(
    "log version elements traces",
    log=obj("traces fitness alignment_fitness produced consumed missing remaining not_computed on_time_ratio "
            "role_violations four_eyes_violations interventions unmatched_activities",
            traces={"type": "integer", "description": "cases in the log"},
            judged={"type": "integer", "description": "completed cases, judged as whole runs"},
            not_judged={"type": "integer", "description": "cases not completed (running, suspended, in error, "
                                                          "cancelled): steps so far only"},
            deviating={"type": "integer"}, conforming={"type": "integer"},
            fitness=_RATIO, alignment_fitness=_RATIO, produced={"type": "integer"}, consumed={"type": "integer"},
            missing={"type": "integer"}, remaining={"type": "integer"},
            not_computed={"type": "integer", "description": "alignments past the search bound"},
            steps_timed={"type": "integer"}, late_steps={"type": "integer"}, on_time_ratio=_RATIO,
            role_violations={"type": "integer"}, roles_unknown={"type": "integer"},
            four_eyes_violations={"type": "integer"}, interventions={"type": "integer"},
            cases_with={"type": "object", "additionalProperties": {"type": "integer"}},
            unmatched_activities=array_of(obj("activity count", activity={"type": "string"},
                                              count={"type": "integer"})),
            format={"type": "string", "description": "an uploaded log: xes or csv"},
            warnings=array_of({"type": "string"})),
    version=obj("id key name version official", id={"type": "integer"}, key={"type": "string"},
                name={"type": "string"}, version={"type": "integer"}, agency={"type": "string"},
                official={"type": "boolean", "description": "false: none is marked; the active version stands in"},
                official_at=_MOMENT, official_by=_PERSON, sop_nomor={"type": "string"}, tasks={"type": "integer"}),
    agency={"type": "object"}, filters={"type": "object"},
    four_eyes_pairs={"type": "object", "additionalProperties": array_of({"type": "string"}),
                     "description": "deciding task -> the tasks whose work it judges"},
    elements={"type": "object", "description": "per BPMN element of the official version",
              "additionalProperties": obj("missing remaining log_moves model_moves late on_time_ratio",
                                          missing={"type": "integer"}, remaining={"type": "integer"},
                                          log_moves={"type": "integer"}, model_moves={"type": "integer"},
                                          executions={"type": "integer"}, late={"type": "integer"},
                                          on_time={"type": "integer"}, on_time_ratio=_RATIO,
                                          median_worked_seconds=nullable("number"),
                                          role_violations={"type": "integer"},
                                          four_eyes_violations={"type": "integer"},
                                          deviating_cases={"type": "integer"})},
    traces=array_of(obj(
        "case instance_id fitness alignment time roles four_eyes interventions",
        case={"type": "string"}, instance_id=nullable("integer"), status=nullable("string"),
        judged={"type": "boolean"}, deviating={"type": "boolean"}, fitness=_RATIO,
        replay={"type": ["object", "null"]},
        prefix_missing={"type": ["object", "null"], "description": "a case not completed: where its steps so far "
                                                                  "needed tokens the model did not give"},
        alignment={"anyOf": [obj("computed cost fitness moves", computed={"type": "boolean"},
                                 cost=nullable("integer"), fitness=_RATIO,
                                 moves=array_of(obj("kind log model", kind={"enum": ["sync", "log", "model"]},
                                                    log=nullable("string"), model=nullable("string")))),
                             {"type": "null"}]},
        time=array_of(obj("element_id activity completed_at due_at on_time late_seconds worked_seconds",
                          element_id=nullable("string"), activity={"type": "string"}, completed_at=DATE_TIME_SCHEMA,
                          due_at=_MOMENT, on_time=nullable("boolean"), late_seconds=nullable("integer"),
                          worked_seconds=nullable("integer"))),
        roles=array_of(obj("element_id held basis", element_id=nullable("string"), held=nullable("boolean"),
                           basis={"enum": ["history", "role_name", "unknown"]}, lane=nullable("string"),
                           resource=nullable("string"), person=_PERSON)),
        four_eyes=array_of(obj("decision judged person", decision={"type": "string"}, judged={"type": "string"},
                               person=_PERSON, decided_at=DATE_TIME_SCHEMA, prepared_at=DATE_TIME_SCHEMA)),
        interventions=array_of(obj("action at by reason", action={"type": "string"}, at=DATE_TIME_SCHEMA,
                                   by=_PERSON, reason=nullable("string"))))))
CONFORMANCE_UPLOAD = {"required": False, "content": {"multipart/form-data": {"schema": closed(obj(
    "log", log=file_part("an event log: XES (IEEE 1849-2016, .xes or .xes.gz) or CSV with case, activity, "
                         "timestamp and resource columns"),
    match={"enum": ["auto", "name", "row"], "description": "activities to tasks by name, by SOP row number, or "
                                                          "by name then row (default auto)"}))}}}

OPERATIONS = [
    op("post", "/auth/token", "Exchange username and password for a bearer token", public=True,
       body=json_body(closed(obj("username password", username=ref("Text"), password=ref("Text")))),
       ok=(201, "Token", ref("Token")), errors=[401, 429]),
    op("get", "/me", "The caller, with agencies and roles", ok=(200, "User", ref("User"))),
    op("get", "/notifications", "My latest notifications (e.g. overdue tasks) and how many are unread",
       ok=(200, "Notifications", ref("Notifications"))),
    op("get", "/processes", "SOPs the caller may see",
       ok=(200, "Processes", obj("items", items=array_of(ref("Process"))))),
    op("post", "/processes/{key}/instances", "Start an instance with its start form's data",
       path_params=[path_param("key", ref("Text"))],
       body=json_body(closed(obj(data=ref("FormData"), agency=ref("Text")))),
       ok=(201, "Started", ref("Started")), errors=[403, 409]),
    op("get", "/instances/{instance_id}", "Status, data, history of completed steps and open tasks; where the "
                                          "tokens are (active_elements) and the path taken (visits, flows_taken)",
       path_params=[row_id("instance_id")], ok=(200, "Instance", ref("Instance")), errors=[403]),
    op("get", "/instances", "Instances with filters, sorting, paging and counts per status: the Pengawas and "
                            "Auditor of an agency see all of its instances, anyone else those they may read "
                            "(started, did a step of, claimed or hold the lane of an open task of); "
                            "scope=started: only those I started (Permohonan saya)",
       query=[query_param("process", ref("Text"), "the SOP's key"),
              query_param("version", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "the SOP's version"),
              {**query_param("status", array_of({"enum": ["running", "completed", "suspended", "cancelled",
                                                           "error"]}), "one or more (repeat the parameter)"),
               "style": "form", "explode": True},
              query_param("overdue", {"type": "boolean"}, "true: with an open task past its due time; false: none"),
              query_param("lane", ref("Text"), "the lane of an open task"),
              query_param("element", ref("Text"), "the element id of an open task (a heatmap's click)"),
              query_param("started_by", ref("Text"), "the starter's username"),
              query_param("from", {"type": "string", "format": "date"}, "started on or after this day (the "
                                                                        "agency's local time)"),
              query_param("to", {"type": "string", "format": "date"}, "started on or before this day"),
              query_param("q", {**ref("Text"), "maxLength": 300}, "text in the title, any case"),
              query_param("agency", ref("Text"), "the agency's slug"),
              query_param("scope", {"enum": ["all", "started"]}, "default: all (everything I may read)"),
              query_param("sort", {"enum": ["started_at", "-started_at", "title", "-title", "status", "-status",
                                            "due", "-due", "id", "-id"]},
                          "a leading - sorts descending; due: the earliest due time of the open tasks (none "
                          "last); default -started_at (newest first)"),
              query_param("page", {"type": "integer"}, "default 1; below 1 counts as 1"),
              query_param("per_page", {"type": "integer"}, "1 to 200 (others are brought into range); default 50"),
              query_param("limit", {"type": "integer"}, "the older name of per_page"),
              query_param("offset", {"type": "integer"}, "instead of page: rows to skip; a negative offset "
                                                         "counts as 0")],
       ok=(200, "A page of instances", obj(
           "total page per_page limit offset sort counts items", total={"type": "integer"},
           page={"type": "integer"}, per_page={"type": "integer"}, limit={"type": "integer"},
           offset={"type": "integer"}, sort={"type": "string"},
           counts={**obj("running completed suspended cancelled error overdue",
                         **{k: {"type": "integer"} for k in ("running", "completed", "suspended", "cancelled",
                                                             "error", "overdue")}),
                   "description": "per status under every other filter; overdue under every filter but itself"},
           items=array_of(obj(
               "id title process process_name version agency status started_at started_by ended_at error "
               "current due_at overdue",
               id={"type": "integer"}, title={"type": "string"}, process={"type": "string"},
               process_name={"type": "string"}, version={"type": "integer"}, agency={"type": "string"},
               status={"enum": ["running", "suspended", "error", "completed", "cancelled"]},
               end_event=nullable("string"), sop_no={"type": "string"},
               end_event_name=nullable("string"), started_at={"type": "string", "format": "date-time"},
               started_by=nullable("string", description="the starter's display name"),
               ended_at=nullable("string", format="date-time"), timezone=nullable("string"),
               error=nullable("string", description="why it stopped, when in error"),
               due_at=nullable("string", format="date-time", description="the earliest due time of the steps "
                                                                         "waiting now"),
               overdue={"type": "boolean"},
               current=array_of(obj("id element_id name lane sop_no assignee due_at overdue due_in",
                                    id={"type": "integer"}, element_id={"type": "string"}, name={"type": "string"},
                                    lane=nullable("string"), sop_no=nullable("string"),
                                    assignee=nullable("string", description="the assignee's display name"),
                                    due_at=nullable("string", format="date-time"), overdue={"type": "boolean"},
                                    due_in=nullable("object", description="late, and working_days or minutes "
                                                                          "to the due time (or past it)"))))))),
       errors=[403, 404, 422]),
    op("get", "/tasks", "Tasks assigned to me (mine), open in my lanes (claimable), or my lanes' not mine (team)",
       query=[query_param("scope", {"enum": ["mine", "claimable", "team"]}, "default: mine"),
              query_param("limit", {"type": "integer"}, "page size, 1 to 200 (others are brought into range); "
                                                        "default 50"),
              query_param("offset", {"type": "integer"}, "default 0; a negative offset counts as 0")],
       ok=(200, "A page of tasks", ref("TaskPage")), errors=[422]),
    op("get", "/tasks/{task_id}", "A task with its form schema and its SOP step", path_params=TASK_ID,
       ok=(200, "Task", ref("Task")), errors=[403]),
    op("post", "/tasks/{task_id}/claim", "Claim a task of my lane", path_params=TASK_ID,
       ok=(200, "Claimed", ref("TaskState")), errors=[409]),
    op("post", "/tasks/{task_id}/release", "Give a claimed task back to the lane", path_params=TASK_ID,
       ok=(200, "Released", ref("TaskState")), errors=[409]),
    op("post", "/tasks/{task_id}/complete", "Complete a task with its form data", path_params=TASK_ID,
       body=json_body(closed(obj(data=ref("FormData")))), ok=(200, "Completed", ref("Completed")), errors=[409]),
    # a supervisor's actions (Pengawas of the instance's agency), each with a reason, audited
    op("post", "/instances/{instance_id}/suspend", "Suspend a running instance: nothing of it can be claimed or "
                                                   "completed, no timer fires, nothing escalates (Pengawas)",
       path_params=INSTANCE_ID, body=json_body(REASON), ok=(200, "Suspended", ref("InstanceState")), errors=[409]),
    op("post", "/instances/{instance_id}/resume", "Resume a suspended instance; timers that fell due meanwhile "
                                                  "fire at the scheduler's next round (Pengawas)",
       path_params=INSTANCE_ID, body=json_body(REASON), ok=(200, "Running", ref("InstanceState")), errors=[409]),
    op("post", "/instances/{instance_id}/cancel", "Cancel an instance that has not ended: its open tasks are "
                                                  "cancelled, it ends as cancelled (Pengawas)",
       path_params=INSTANCE_ID, body=json_body(REASON), ok=(200, "Cancelled", ref("InstanceState")), errors=[409]),
    op("post", "/instances/{instance_id}/retry", "Run an instance stopped by an error again from its last good "
                                                 "state, on its own version; a new fault keeps it in error (409, "
                                                 "with the message) (Pengawas)",
       path_params=INSTANCE_ID, body=json_body(REASON), ok=(200, "Running again", ref("InstanceState")),
       errors=[409]),
    op("post", "/instances/{instance_id}/move", "Move a running instance back or forward to a step (a user or manual "
                                                "task of its SOP): the open task is cancelled, the step's task opens "
                                                "with a fresh due time and the instance's data; refused (409) with "
                                                "parallel branches, a target between a parallel split and its join, "
                                                "the step it is at, or an instance not running (Pengawas)",
       path_params=INSTANCE_ID, body=json_body(closed(obj("to_element reason", to_element={
           **NONBLANK, "maxLength": 255, "description": "the target step's element id (422 when it is not a step)"},
           reason=REASON_TEXT))),
       ok=(200, "Moved", ref("InstanceState")), errors=[409]),
    op("post", "/tasks/{task_id}/assign", "Assign an open task to another holder of its lane, or (username null) "
                                          "give it back to the lane (Pengawas); the assignee is notified",
       path_params=TASK_ID, body=json_body(closed(obj("username reason", username={
           "anyOf": [NONBLANK, {"type": "null"}], "description": "a holder of the task's lane; null: back to the lane"},
           reason=REASON_TEXT))),
       ok=(200, "Assigned", obj("id state assignee_id assignee", id={"type": "integer"}, state={"type": "string"},
                                assignee_id=nullable("integer"), assignee=nullable("string"))),
       errors=[409]),
    op("post", "/attachments", "Upload a file (its type is read from its content, never its name)",
       body=multipart_body(closed(obj("file", file=file_part("a photo, video or document"), agency=ref("Text")))),
       ok=(201, "Stored", ref("Attachment"))),
    op("get", "/attachments/{attachment_id}", "Download a file",
       path_params=[path_param("attachment_id", ref("Text"))],
       ok=(200, "The file, with the type read from its content", {}, "*/*"), errors=[403]),
    op("post", "/lint", "SOP lint of a BPMN file (multipart `file`) or of the XML body itself: every finding "
                        "with element id, severity, code, messages (Pemilik Proses)",
       body={"required": True, "content": {**multipart_body(BPMN_UPLOAD)["content"],
                                           **xml_content("the diagram to lint")}},
       ok=(200, "Findings", ref("LintReport"))),
    op("get", "/processes/{key}/versions", "An SOP's versions, newest first (Pemilik Proses of its agency)",
       path_params=[KEY], query=[AGENCY], ok=(200, "Versions", obj("items", items=array_of(ref("Version"))))),
    op("get", "/processes/{key}/versions/{n}/bpmn", "A version's diagram as deployed, its forms embedded",
       path_params=[KEY, row_id("n")], query=[AGENCY],
       ok=(200, "The BPMN XML", {"type": "string"}, "application/xml")),
    op("post", "/processes/{key}/versions/{n}/activate", "Make an earlier version the one new instances start "
                                                         "on (running ones keep theirs)",
       path_params=[KEY, row_id("n")], query=[AGENCY],
       ok=(200, "Active", obj("key version active", key={"type": "string"}, version={"type": "integer"},
                              active={"const": True}))),
    op("post", "/processes/{key}/versions/{n}/official", "Mark a version as the signed SOP (resmi), the one "
                                                         "auditors compare executions with (Pemilik Proses)",
       path_params=[KEY, row_id("n")], query=[AGENCY],
       ok=(200, "Marked", obj("key version version_id official", key={"type": "string"},
                              version={"type": "integer"}, version_id={"type": "integer"},
                              official={"const": True}))),
    # the SOP dashboard's per-element figures (Pengawas and Auditor of the SOP's agency); the 304 row is
    # added to what op() makes, as no other route answers it
    (lambda path, method, operation: (path, method, {**operation, "responses": {
        **operation["responses"], "304": {"description": "Not modified: If-None-Match names the ETag of the "
                                                         "figures as they are now / Tidak berubah"}}}))(*op(
        "get", "/processes/{key}/stats", "Per element of the SOP (every version): passed, waiting now (active), "
                                         "median duration of its completed tasks in seconds, share done by the "
                                         "due time, late now; computed on request from committed rows; with an "
                                         "ETag (If-None-Match: 304 while unchanged)",
        path_params=[KEY], query=[
            query_param("from", {"anyOf": [{"type": "string", "format": "date"},
                                           {"type": "string", "format": "date-time"}]},
                        "tasks completed, open tasks created and visits made from then (a date: the agency's day)"),
            query_param("to", {"anyOf": [{"type": "string", "format": "date"},
                                         {"type": "string", "format": "date-time"}]},
                        "... until then (excluded; a date: to the end of that day)"), AGENCY],
        ok=(200, "The figures", obj(
            "process agency name from to as_of elements", process={"type": "string"}, agency={"type": "string"},
            name={"type": "string"}, **{"from": nullable("string", format="date-time"),
                                        "to": nullable("string", format="date-time")},
            as_of=DATE_TIME_SCHEMA, elements={"type": "object", "additionalProperties": obj(
                "passed active median_seconds on_time_ratio overdue reached",
                passed={"type": "integer", "description": "a task: its completed tasks; another element: the "
                                                          "times a token passed it"},
                active={"type": "integer"}, median_seconds=nullable("number"),
                on_time_ratio=nullable("number", minimum=0, maximum=1), overdue={"type": "integer"},
                reached={"type": "integer", "description": "the times a token reached it"})})),
        errors=[403, 422])),
    op("post", "/processes/{key}/versions", "Deploy the SOP's diagram as a new active version, with a change "
                                            "note; refused with every lint error (422, findings)",
       path_params=[KEY], query=[AGENCY],
       body={"required": True, "content": {
           "application/json": {"schema": closed(obj("bpmn note", bpmn=ref("Text"), note=ref("Text")))},
           "multipart/form-data": {"schema": closed(obj("file note", file=file_part("a BPMN 2.0 XML file"),
                                                        note=ref("Text")))}}},
       ok=(201, "Deployed", obj("key version checksum created", key={"type": "string"},
                                version={"type": "integer"}, checksum={"type": "string"},
                                created={"type": "boolean",
                                         "description": "false: the same diagram is already the latest version"}))),
    # the official SOP document (server/modeling/api_documents.py): the SOP AP sheet and table imports
    *[op("get", f"/processes/{{key}}/versions/{{n}}/sop.{fmt}", f"A version's SOP AP sheet (Permen PAN-RB "
         f"35/2012) as {label}: identity page, the table with its flowchart across the actor columns, Mutu Baku; "
         "any member of the SOP's agency",
         path_params=[KEY, row_id("n")], query=[AGENCY, AS_SIGNED], ok=(200, label, {"type": "string"}, media),
         errors=[403, 422]) for fmt, label, media in SHEET_FORMATS],
    *[op("get", f"/processes/{{key}}/draft/sop.{fmt}", f"The draft's SOP AP sheet as {label} (Pemilik Proses)",
         path_params=[KEY], query=[AGENCY, AS_SIGNED], ok=(200, label, {"type": "string"}, media),
         errors=[403, 422]) for fmt, label, media in SHEET_FORMATS],
    op("post", "/imports", "Import an SOP AP table (XLSX, DOCX, CSV or tab-separated text) as draft diagrams of "
                           "the agency, with the import report; refused files (no table, no actor columns, a zip "
                           "bomb, macros, XML with a DTD) store nothing (Pemilik Proses)",
       body=multipart_body(closed(obj("file", file=file_part("the SOP table, at most 10 MB"),
                                      agency={**ref("Text"), "description": "agency slug (default: the owner's only "
                                                                            "agency)"}))),
       ok=(201, "Imported", obj("draft_key agency drafts report", draft_key={"type": "string"},
                                agency={"type": "string"}, drafts=array_of(obj(
                                    "key name table errors warnings findings", key={"type": "string"},
                                    name={"type": "string"}, table=nullable("integer"),
                                    errors={"type": "integer"}, warnings={"type": "integer"},
                                    findings=array_of({"type": "object"}))),
                                report=ref("ImportReport"))),
       errors=[409]),
    op("get", "/processes/{key}/draft", "The SOP's draft (made from the active version when none was saved), "
                                        "with headers ETag, X-Alur-Saved-By (percent-encoded) and X-Alur-Saved-At",
       path_params=[KEY], query=[AGENCY], ok=(200, "The draft's BPMN XML", {"type": "string"}, "application/xml")),
    op("put", "/processes/{key}/draft", "Save the draft; If-Match must be the ETag it was read with (428 "
                                        "without, 412 when another save came first)",
       path_params=[KEY], query=[AGENCY, {"name": "If-Match", "in": "header", "schema": {"type": "string"},
                                          "description": "the draft's ETag, quoted"}],
       body={"required": True, "content": xml_content("the whole diagram; its process id is the key")},
       ok=(200, "Saved", obj("etag saved_at saved_by", etag={"type": "string"}, saved_at=DATE_TIME_SCHEMA,
                             saved_by=ref("Person"))),
       errors=[412, 428]),
    op("post", "/processes", "A new SOP (Pemilik Proses): from the template (name, SOP number, one lane per actor) "
                             "or as a copy of another SOP; its draft is ready for the modeler",
       body=json_body(closed(obj("name", name=ref("Text"), nomor=ref("Text"), lanes=array_of(ref("Text")),
                                 agency=ref("Text"), copy_of=ref("Text")))),
       ok=(201, "Created", obj("key agency", key={"type": "string"}, agency={"type": "string"})), errors=[404, 409]),
    op("get", "/processes/{key}/diff", "What changed between two versions: elements added, removed, changed "
                                       "(each property with old and new: Mutu Baku, tenggat, form fields), moved",
       path_params=[KEY], query=[{**query_param("from", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
                                  "required": True},
                                 {**query_param("to", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
                                  "required": True}, AGENCY],
       ok=(200, "The diff", ref("Diff")), errors=[422]),
    # migration of open instances to another version: dry run (Pengawas, Auditor), the move (Pengawas)
    op("post", "/processes/{key}/migrations", "Migrate the SOP's open instances (running, suspended, in error) "
                                              "from one version to another: dry_run (the default) lists each with "
                                              "whether it can move and why not (Pengawas, Auditor); dry_run false "
                                              "moves the movable ones in batches, with a reason (Pengawas); the "
                                              "others stay as they are",
       path_params=[KEY], query=[AGENCY],
       body=json_body(closed(obj(
           "from_version to_version",
           from_version={"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "description": "version number"},
           to_version={"type": "integer", "minimum": 1, "maximum": 2**31 - 1,
                       "description": "version number, not from_version"},
           dry_run={"type": "boolean", "description": "default true: nothing changes"},
           instance_ids={**array_of({"type": "integer", "minimum": 1, "maximum": 2**31 - 1}), "minItems": 1,
                         "maxItems": 10000, "description": "only these instances (default: every open one of from_version)"},
           reason={**REASON_TEXT, "description": "why (required when dry_run is false; kept in the audit trail)"},
           batch={"type": "integer", "minimum": 1, "maximum": 500, "description": "instances per transaction "
                                                                                   "(default 50)"}))),
       ok=(200, "Each instance, movable or not and why; how many moved", obj(
           "dry_run from_version to_version items movable migrated not_movable",
           dry_run={"type": "boolean"}, key={"type": "string"}, agency={"type": "string"},
           from_version={"type": "integer"}, to_version={"type": "integer"},
           may_migrate={"type": "boolean"}, movable={"type": "integer"}, migrated={"type": "integer"},
           not_movable={"type": "integer"},
           items=array_of(obj("id movable reason reasons current_steps", id={"type": "integer"},
                              title=nullable("string"), status=nullable("string"), movable={"type": "boolean"},
                              migrated={"type": "boolean"},
                              current_steps=array_of(obj("element_id name waiting", element_id={"type": "string"},
                                                         name={"type": "string"}, waiting={"type": "boolean"})),
                              reason={"anyOf": [obj("id en", id={"type": "string"}, en={"type": "string"}),
                                                {"type": "null"}]},
                              reasons=array_of(obj("id en", id={"type": "string"}, en={"type": "string"})),
                              notes=array_of(obj("id en", id={"type": "string"}, en={"type": "string"})))))),
       errors=[422]),
    op("post", "/waktu/preview", "Check a Waktu code (sop.waktu.kode) with the server's parser and show the due "
                                 "time it gives on the agency's working-day calendar (Pemilik Proses of the agency); "
                                 "a code that is not one is answered with valid=false and the reason",
       body=json_body(closed(obj("kode agency", kode={**NONBLANK, "maxLength": 500}, agency=NONBLANK, start={
           "type": "string", "format": "date-time", "description": "when the task would start (default: the "
                                                                   "opening of today or the next working day)"}))),
       ok=(200, "The code's words and a due-time preview, or why it is not a code", ref("WaktuPreview")),
       errors=[404]),
    op("post", "/deployments", "Deploy a BPMN file as a new version (Pemilik Proses of its agency); refused "
                               "with every lint error (422, detail.findings)", body=multipart_body(BPMN_UPLOAD),
       ok=(201, "Deployed versions", obj("items", items=array_of(ref("Deployed")))), errors=[404]),
    # the audit trail (server/audit/api_trail.py): the Auditor of an agency only (audit.read)
    op("get", "/audit/events", "The audit trail of the agencies the caller audits, newest first, a page at a time "
                               "(keyset: pass `next` as `after`); Pengawas, staff and Pemilik Proses get 403",
       query=[*AUDIT_FILTERS, query_param("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "default 50"),
              query_param("after", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                          "the `next` of the page before: events older than it")],
       ok=(200, "A page of events", obj("items next", items=array_of(ref("AuditEvent")), next=nullable(
           "integer", description="the `after` of the next (older) page; null on the last"))),
       errors=[403, 404, 422]),
    op("get", "/audit/events.jsonl", "The filtered trail as JSON Lines, oldest first (the chain's order), streamed; "
                                     "each line one event with its chain, seq and hash (re-checkable outside Alur)",
       query=AUDIT_FILTERS, ok=(200, "JSON Lines: one AuditRecord per line", {"type": "string"},
                                "application/x-ndjson"), errors=[403, 404, 422]),
    op("get", "/audit/events.csv", "The filtered trail as CSV (UTF-8 with BOM), oldest first, streamed; columns as "
                                   "the JSON Lines records (before/after as JSON)",
       query=[*AUDIT_FILTERS, query_param("sep", {"enum": ["comma", "semicolon"]},
                                          "semicolon: for a spreadsheet with Indonesian settings; default comma")],
       ok=(200, "CSV", {"type": "string"}, "text/csv"), errors=[403, 404, 422]),
    op("get", "/audit/verify", "Verify an agency's hash chain: whether it is intact, how many events, its head, and "
                               "the first event that breaks it (edited, deleted, reordered, ...)",
       query=[AUDITED_AGENCY,
              query_param("checkpoint", {"type": "string", "pattern": "^[0-9]+:[0-9a-fA-F]{64}$"},
                          "SEQ:HASH, a head recorded earlier outside Alur: it must still be in the chain")],
       ok=(200, "The verification", ref("Verification")), errors=[403, 404, 422]),
    op("get", "/audit/checkpoints", "An agency's daily checkpoints, newest first: the chain's head (count and hash) "
                                    "at the end of each local day, to record outside Alur",
       query=[AUDITED_AGENCY,
              query_param("days", {"type": "integer", "minimum": 1, "maximum": 366}, "default 30")],
       ok=(200, "Checkpoints", obj("agency timezone items", agency={"type": "string"}, timezone={"type": "string"},
                                   items=array_of(obj("day events head", day={"type": "string", "format": "date"},
                                                      events={"type": "integer"}, head={"type": "string"})))),
       errors=[403, 404, 422]),
    # an SOP's event log of Alur's own instances (server/audit/api_logs.py): the Auditor of its agency only
    op("get", "/processes/{key}/log.xes", "The SOP's event log as XES (IEEE 1849-2016), streamed: a trace per "
                                          "instance (oldest start first), an event per step start and completion "
                                          "with who (org:resource), the lane (org:role), the SOP row and its Waktu "
                                          "(alur_row, alur_waktu); Content-Disposition names the file",
       path_params=[KEY], query=LOG_PARAMS, ok=(200, "The XES document", {"type": "string"}, "application/xml"),
       errors=[403, 422]),
    op("get", "/processes/{key}/log.csv", "The same event log as CSV (UTF-8 with a byte order mark): case, "
                                          "activity, timestamp, resource, role, lifecycle, row, waktu, element, state",
       path_params=[KEY], query=[*LOG_PARAMS, query_param("sep", {"enum": ["comma", "semicolon"]},
                                                          "semicolon: for a spreadsheet with Indonesian settings; "
                                                          "default comma")],
       ok=(200, "CSV", {"type": "string"}, "text/csv"), errors=[403, 422]),
    # the conformance report (server/audit/api_conformance.py): the Auditor of the SOP's agency only
    op("post", "/processes/{key}/conformance", "The SOP's conformance report against its official version: with no "
                                               "body Alur's own instances (started from / to, of one version), with "
                                               "a multipart `log` file an uploaded event log (nothing stored); "
                                               "control flow (token replay, alignments), time against the Waktu, "
                                               "roles, four eyes, supervisor interventions",
       path_params=[KEY], query=[*LOG_PARAMS, query_param("traces", {"enum": ["all", "deviating", "none"]},
                                                          "the cases listed: all (default), those with findings, "
                                                          "or none (the figures count every case)")],
       body=CONFORMANCE_UPLOAD, ok=(200, "The report", CONFORMANCE_REPORT), errors=[403]),
]

DATE_TIME = {"type": "string", "format": "date-time"}
OPEN_TASK = obj("id element_id name lane", id={"type": "integer"}, element_id={"type": "string"},
                name={"type": "string"}, lane={"type": "string"})
TASK_SUMMARY = {
    "id": {"type": "integer"}, "instance_id": {"type": "integer"}, "instance_title": nullable("string"),
    "process": {"type": "string"}, "process_name": {"type": "string"}, "agency": {"type": "string"},
    "element_id": {"type": "string"}, "name": {"type": "string"}, "lane": {"type": "string"},
    "state": {"type": "string"}, "sop_no": nullable("string"), "assignee_id": nullable("integer"),
    "created_at": DATE_TIME, "due_at": nullable("string", format="date-time"),
    "timezone": nullable("string"), "overdue": {"type": "boolean"}}
TASK_SUMMARY_REQUIRED = "id instance_id process agency element_id name lane state assignee_id created_at due_at"

SCHEMAS = {
    "Error": {
        "type": "object", "additionalProperties": False,
        "required": ["error", "message", "message_id", "message_en"],
        "properties": {
            "error": {"type": "string", "description": "a stable code, e.g. invalid_input, not_found"},
            "message": {"type": "string", "description": "in the caller's language"},
            "message_id": {"type": "string"}, "message_en": {"type": "string"},
            "fields": {"type": "object", "description": "per-field messages (form errors)",
                       "additionalProperties": array_of({"type": "string"})},
            "findings": {"type": "array", "items": {"type": "object"},
                         "description": "diagram_rejected: every lint error (element id, code, messages)"},
            "saved_by": {"anyOf": [ref("Person"), {"type": "null"}],
                         "description": "draft_conflict: who saved the draft first"},
            "saved_at": {"type": "string", "format": "date-time", "description": "draft_conflict: when"},
            "etag": {"type": "string", "description": "draft_conflict: the draft's ETag now"},
            "detail": {"type": "object"}}},
    "Text": {"type": "string", "pattern": TEXT_PATTERN,
             "description": "any text without a NUL character or a lone surrogate (both are refused with 400)"},
    "JsonValue": {"anyOf": [ref("Text"), {"type": ["number", "boolean", "null"]}, array_of(ref("JsonValue")),
                            ref("FormData")]},
    "FormData": {"type": "object", "description": "the form's fields; the SOP step's form (see GET /tasks/{id}, "
                                                  "GET /processes) says which, and refuses others with 422",
                 "propertyNames": {"pattern": TEXT_PATTERN}, "additionalProperties": ref("JsonValue")},
    "User": obj("id username display_name locale roles", id={"type": "integer"}, username={"type": "string"},
                display_name={"type": "string"}, locale={"type": "string"},
                roles={"type": "object", "description": "agency slug -> the lanes (roles) held there",
                       "additionalProperties": array_of({"type": "string"})}),
    "Token": obj("token token_type expires_at user", token={"type": "string"}, token_type={"const": "Bearer"},
                 expires_at=DATE_TIME, user=ref("User")),
    "Notifications": obj("unread items", unread={"type": "integer"}, items=array_of(obj(
        "id kind message message_id message_en created_at read", id={"type": "integer"}, kind={"type": "string"},
        message={"type": "string"}, message_id={"type": "string"}, message_en={"type": "string"},
        task_id=nullable("integer"), instance_id=nullable("integer"), created_at=DATE_TIME,
        read={"type": "boolean"}))),
    "Process": obj("key name agency version lanes startable start_form", key={"type": "string"},
                   name={"type": "string"}, agency={"type": "string"}, version={"type": "integer"},
                   sop_nomor={"type": "string"}, lanes=array_of({"type": "string"}),
                   startable={"type": "boolean"}, start_lane=nullable("string"), scheduled={"type": "boolean"},
                   start_form=nullable("object")),
    "Started": obj("id title status end_event open_tasks", id={"type": "integer"}, title={"type": "string"},
                   status={"type": "string"}, end_event=nullable("string"), open_tasks=array_of(OPEN_TASK)),
    "Instance": obj("id key process agency version title status started_at data history open_tasks "
                    "active_elements visits flows_taken",
                    id={"type": "integer"}, key={"type": "string"}, process={"type": "string"},
                    agency={"type": "string"}, version={"type": "integer"}, title={"type": "string"},
                    status={"type": "string"}, end_event=nullable("string"), end_event_name=nullable("string"),
                    error=nullable("string"), sop_nomor={"type": "string"}, started_at=DATE_TIME,
                    ended_at=nullable("string", format="date-time"), timezone=nullable("string"),
                    data={"type": "object"}, history=array_of({"type": "object"}),
                    open_tasks=array_of(obj("id element_id name lane created_at assignee_id",
                                            **OPEN_TASK["properties"], created_at=DATE_TIME,
                                            assignee_id=nullable("integer"))),
                    active_elements={**array_of({"type": "string"}), "description": "ids of the diagram elements "
                                     "where the tokens are now (ready user tasks, waiting events); empty once ended"},
                    visits={"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                            "description": "element id -> how many times the instance reached it (2: a loop ran)"},
                    flows_taken={"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                                 "description": "sequence flow id -> how many times a token went along it"}),
    "TaskSummary": obj(TASK_SUMMARY_REQUIRED, **TASK_SUMMARY, assignee=nullable(
        "string", description="the assignee's display name"), instance_status={
        "type": "string", "description": "running, or suspended (held by a supervisor: it cannot be worked on)"}),
    "TaskPage": obj("total limit offset items", total={"type": "integer"}, limit={"type": "integer"},
                    offset={"type": "integer"}, items=array_of(ref("TaskSummary"))),
    "Task": obj(TASK_SUMMARY_REQUIRED + " may_act sop form history", **TASK_SUMMARY,
                assignee=nullable("string", description="the assignee's username"),
                assignee_name=nullable("string"), instance_status={"type": "string"}, may_act={"type": "boolean"},
                sop={"type": "object", "description": "the SOP step: nomor, nama, no, no_cetak (the row number "
                                                      "as printed), kegiatan, kelengkapan, waktu, output, "
                                                      "keterangan (lists one item per line)"},
                form=nullable("object", description="the JSON schema of the step's form"),
                data=nullable("object"), draft=nullable("object"), previous={"type": "object"},
                history=array_of({"type": "object"})),
    "InstanceState": obj("id status", id={"type": "integer"},
                         status={"enum": ["running", "suspended", "error", "completed", "cancelled"]},
                         cancelled_tasks=array_of({"type": "integer"}), open_tasks=array_of(OPEN_TASK)),
    "TaskState": obj("id assignee_id state", id={"type": "integer"}, assignee_id=nullable("integer"),
                     state={"type": "string"}),
    "Completed": obj("id state instance", id={"type": "integer"}, state={"const": "completed"},
                     instance=obj("id status end_event open_tasks", id={"type": "integer"},
                                  status={"type": "string"}, end_event=nullable("string"),
                                  open_tasks=array_of(OPEN_TASK))),
    "LintReport": obj("filename errors warnings findings", filename={"type": "string"},
                      errors={"type": "integer"}, warnings={"type": "integer"}, findings=array_of(ref("Finding"))),
    "ImportNote": obj("where where_en id en", where={"type": "string", "description": "where in the document "
                                                                                  "(Indonesian), e.g. Tabel 1, baris 6"},
                      where_en={"type": "string"}, id={"type": "string", "description": "what happened, Indonesian"},
                      en={"type": "string"}),
    "ImportReport": obj("read guessed unread summary", read=array_of(ref("ImportNote")),
                        guessed=array_of(ref("ImportNote")), unread=array_of(ref("ImportNote")),
                        summary=obj("tables rows actors decisions loops", tables={"type": "integer"},
                                    rows={"type": "integer"}, actors={"type": "integer"},
                                    decisions={"type": "integer"}, loops={"type": "integer"})),
    "Finding": obj("element_id severity code message_id message_en", element_id=nullable("string"),
                   severity={"enum": ["error", "warning"]}, code={"type": "string"},
                   message_id={"type": "string"}, message_en={"type": "string"}),
    "Deployed": obj("key name agency version version_id created", key={"type": "string"}, name={"type": "string"},
                    agency={"type": "string"}, version={"type": "integer"}, version_id={"type": "integer"},
                    created={"type": "boolean", "description": "false: the same file was already deployed"}),
    "Person": obj("id name", id={"type": "integer"}, name={"type": "string"}),
    "Version": obj("version checksum note active official deployed_at deployed_by", version={"type": "integer"},
                   checksum={"type": "string"}, note=nullable("string"), active={"type": "boolean"},
                   official={"type": "boolean", "description": "the signed version (resmi) auditors compare with"},
                   deployed_at=DATE_TIME, deployed_by={"anyOf": [ref("Person"), {"type": "null"}]}),
    "DiffElement": obj("id type name", id={"type": "string"}, type={"type": "string"}, name=nullable("string")),
    "Diff": obj("from to added removed changed layout_changed", **{"from": {"type": "integer"}},
                to={"type": "integer"}, added=array_of(ref("DiffElement")), removed=array_of(ref("DiffElement")),
                changed=array_of(obj("id type name changes", id={"type": "string"}, type={"type": "string"},
                                     name=nullable("string"), changes=array_of(obj(
                                         "property old new", property={"type": "string"},
                                         old={"description": "absent: null"}, new={"description": "absent: null"})))),
                layout_changed=array_of({"type": "string"})),
    "WaktuPreview": obj("valid kode", valid={"type": "boolean"}, kode={"type": "string"},
                        words={"type": "string"}, words_en={"type": "string"}, preview={"type": "string"},
                        preview_en={"type": "string"}, start=DATE_TIME, due=nullable("string", format="date-time"),
                        message={"type": "string"}, message_en={"type": "string"}),
    "Attachment": obj("id filename content_type size sha256", id={"type": "string"}, filename={"type": "string"},
                      content_type={"type": "string"}, size={"type": "integer"}, sha256={"type": "string"}),
    "AuditEvent": obj(
        "id at timezone agency action label actor instance task before after chain seq hash",
        id={"type": "integer"}, at=DATE_TIME, timezone=nullable("string", description="the agency's time zone"),
        agency=nullable("string"), action={"type": "string", "description": "e.g. instance.started, task.completed"},
        label={"type": "string", "description": "what the action means, in the caller's language (unknown "
                                                "actions: the code)"},
        actor={"anyOf": [obj("id username name", id={"type": "integer"}, username=nullable("string"),
                             name=nullable("string")), {"type": "null"}], "description": "null: the system"},
        instance={"anyOf": [obj("id title process", id={"type": "integer"}, title=nullable("string"),
                                process=nullable("string")), {"type": "null"}]},
        task={"anyOf": [obj("id name element_id", id={"type": "integer"}, name=nullable("string"),
                            element_id=nullable("string")), {"type": "null"}]},
        before={"description": "the state before (an object, or null)"},
        after={"description": "the state after (an object, or null)"},
        chain={"type": "integer", "description": "the agency's id: one hash chain per agency"},
        seq={"type": "integer", "description": "the event's place in its chain, from 1"},
        hash={"type": "string", "description": "SHA-256 (hex) of the previous event's hash and this event's "
                                               "canonical JSON"}),
    "Verification": obj(
        "ok events head first_broken", ok={"type": "boolean"},
        events={"type": "integer", "description": "events checked"},
        head=nullable("string", description="the hash of the chain's last event"),
        first_broken={"anyOf": [{"type": "null"}, obj(
            "id seq at reason", id=nullable("integer", description="null where no event is left to name"),
            seq={"type": "integer"}, at=nullable("string", format="date-time"),
            reason={"enum": ["edited", "deleted", "reordered", "inserted", "missing_tail", "head_changed",
                             "head_missing", "checkpoint"]},
            missing={"type": "integer", "description": "deleted: the first seq missing"})]}),
}


def openapi_document() -> dict:
    paths: dict[str, dict] = {}
    for path, method, operation in OPERATIONS:
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Alur API", "version": "1.0.0",
                 "description": "SOP AP procedures run as BPMN processes. Messages come in Bahasa "
                                "Indonesia by default; send Accept-Language: en (or ?lang=en) for English. "
                                "Every error answers with the Error object."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A token from POST /auth/token."},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "Browser session; writes need the X-CSRFToken header."}},
            "schemas": SCHEMAS,
        },
    }
