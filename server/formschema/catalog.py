"""Forms: the files under `forms/` (FormCatalog) and a deployed version's own (FormSet).

A diagram names its forms by a path relative to `forms/` (formJsonSchemaFilename). That path
comes from an uploaded file, so it is confined to the forms folder; and a schema is checked
when first read, so a broken form is found at deploy time rather than by the first applicant.
Deploy embeds those files into the version's diagram; the running version reads its FormSet.
"""
from __future__ import annotations

import copy
import json
import threading
from pathlib import Path, PurePosixPath

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from server.errors import AlurError, NotFound
from server.formschema.validation import make_validator


class FormNotFound(NotFound):
    code = "form_not_found"


class FormRejected(AlurError):
    """A form file Alur will not use: outside forms/, not JSON, or not a valid schema."""

    status = 422
    code = "form_rejected"


class FormCatalog:
    def __init__(self, forms_dir: Path):
        self.forms_dir = Path(forms_dir).resolve()
        self._schemas: dict[str, dict] = {}
        self._validators: dict[str, Draft202012Validator] = {}
        self._lock = threading.Lock()

    def get(self, relative_path: str) -> dict:
        """The schema at `relative_path` (a copy: callers may not alter the cached one)."""
        return copy.deepcopy(self._load(relative_path))

    def validator(self, relative_path: str) -> Draft202012Validator:
        """A cached validator for the form, checking formats (date, date-time, uri, email)."""
        return _cached_validator(self._lock, self._validators, self._key(relative_path),
                                 lambda: self._load(relative_path))

    def read(self, relative_path: str) -> dict:
        """The schema as the file holds it now, checked, bypassing the cache: what deploy embeds
        into a new version must be the file as it was edited, not as first read."""
        return self._read(self._key(relative_path))

    def clear(self) -> None:
        """Forget every cached form (after forms/ changed on disk)."""
        with self._lock:
            self._schemas.clear()
            self._validators.clear()

    # -- internals ----------------------------------------------------------------------------

    def _key(self, relative_path: str) -> str:
        """The normalised relative path, refusing anything that could leave forms_dir."""
        text = relative_path if isinstance(relative_path, str) else ""
        pure = PurePosixPath(text)
        if (not pure.parts or "\\" in text or "\x00" in text or pure.is_absolute()
                or ".." in pure.parts or text.startswith("~") or ":" in pure.parts[0]):
            raise FormRejected(
                f"Lokasi formulir tidak sah: {relative_path!r}; harus berada di dalam folder forms/.",
                f"Invalid form location: {relative_path!r}; it must be inside the forms/ folder.",
                path=str(relative_path),
            )
        return pure.as_posix()

    def _load(self, relative_path: str) -> dict:
        key = self._key(relative_path)
        with self._lock:
            cached = self._schemas.get(key)
        if cached is not None:
            return cached
        schema = self._read(key)
        with self._lock:
            return self._schemas.setdefault(key, schema)

    def _read(self, key: str) -> dict:
        path = (self.forms_dir / key).resolve()
        if not path.is_relative_to(self.forms_dir):  # a symlink pointing outside
            raise FormRejected(
                f"Lokasi formulir tidak sah: {key}; harus berada di dalam folder forms/.",
                f"Invalid form location: {key}; it must be inside the forms/ folder.", path=key)
        if not path.is_file():
            raise FormNotFound(f"Formulir tidak ditemukan: forms/{key}.",
                               f"Form not found: forms/{key}.", path=key)
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FormRejected(f"Formulir forms/{key} bukan JSON yang sah: {exc}.",
                               f"Form forms/{key} is not valid JSON: {exc}.", path=key) from exc
        check_schema(schema, f"forms/{key}", key)
        return schema


def _cached_validator(lock, cache: dict, key: str, schema) -> Draft202012Validator:
    """The validator of `key` from `cache`, made from `schema()` once (outside the lock: building
    one takes a while, and two threads that race both get the one kept)."""
    with lock:
        found = cache.get(key)
    if found is None:
        found = make_validator(schema())
        with lock:
            found = cache.setdefault(key, found)
    return found


class FormSet:
    """The forms of one deployed version, by the keys its steps name (catalog["forms"]): embedded
    in its diagram at deploy, so they never change and each validator is built once. Read like a
    FormCatalog (`get`, `validator`)."""

    def __init__(self, schemas: dict[str, dict]):
        self._schemas = schemas
        self._validators: dict[str, Draft202012Validator] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> dict:
        """The schema of `key` (a copy: callers may not alter the version's)."""
        return copy.deepcopy(self._schema(key))

    def validator(self, key: str) -> Draft202012Validator:
        return _cached_validator(self._lock, self._validators, key, lambda: self._schema(key))

    def _schema(self, key: str) -> dict:
        schema = self._schemas.get(key) if isinstance(key, str) else None
        if schema is None:
            raise FormNotFound(f"Formulir {key} tidak ada pada versi proses ini.",
                               f"The form {key} is not part of this process version.", path=str(key))
        return schema


def check_schema(schema: object, form_name: str, key: str | None = None) -> None:
    """Refuse what would fail later: an invalid schema, or Alur widgets that are malformed.
    `form_name` names the form in messages ("forms/a/b.schema.json", "alur:form")."""
    def rejected(id_text: str, en_text: str) -> FormRejected:
        return FormRejected(f"Formulir {form_name} ditolak: {id_text}",
                            f"Form {form_name} rejected: {en_text}", path=key or form_name)

    if not isinstance(schema, dict):
        raise rejected("isinya harus berupa objek JSON Schema.", "it must be a JSON Schema object.")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(akar)"
        raise rejected(f"skema tidak sah di {where}: {exc.message}.",
                       f"invalid schema at {where.replace('(akar)', '(root)')}: {exc.message}.")
    props = schema.get("properties") or {}
    for name, prop in props.items():
        if not isinstance(prop, dict):
            continue
        widget = prop.get("x-alur-widget")
        if widget == "decision":
            labels = prop.get("enum")
            reject = prop.get("x-alur-reject", [])
            if not isinstance(labels, list) or not labels:
                raise rejected(f"isian keputusan '{name}' harus punya enum.",
                               f"decision field '{name}' needs an enum.")
            if not isinstance(reject, list) or any(r not in labels for r in reject):
                raise rejected(f"x-alur-reject pada '{name}' harus berisi label dari enum-nya.",
                               f"x-alur-reject on '{name}' must list labels from its enum.")
        accept = prop.get("x-alur-accept")
        if accept is not None and (not isinstance(accept, list)
                                   or not all(isinstance(a, str) for a in accept)):
            raise rejected(f"x-alur-accept pada '{name}' harus berupa daftar teks.",
                           f"x-alur-accept on '{name}' must be a list of strings.")
