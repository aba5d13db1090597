"""Settings from the environment, in one place, usable with or without Flask."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    return Path(os.environ.get("ALUR_INSTANCE_DIR", REPO_ROOT / "instance")).resolve()


def _secret_key(instance_dir: Path) -> str:
    """The configured key, or one generated once per installation and kept in the instance folder.

    A fresh clone thus never shares a key with another, and no key lives in the repository.
    """
    configured = os.environ.get("ALUR_SECRET_KEY")
    if configured:
        return configured
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass
class Settings:
    database_url: str
    instance_dir: Path
    secret_key: str
    upload_dir: Path
    bpmn_dir: Path = REPO_ROOT / "bpmn"
    forms_dir: Path = REPO_ROOT / "forms"
    token_hours: int = 12
    secure_cookies: bool = False
    demo_password: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "alur@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    base_url: str = "http://127.0.0.1:5000"
    # How many reverse proxies in front of Alur set X-Forwarded-For/-Proto (ALUR_TRUSTED_PROXIES).
    # 0 trusts none: the client address is the connection's, which the sign-in throttle counts
    # by. Behind a proxy set it to the number of proxies, or every user shares the proxy's address.
    trusted_proxies: int = 0
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        instance_dir = Path(overrides.pop("instance_dir", None) or _instance_dir())
        instance_dir.mkdir(parents=True, exist_ok=True)
        url = overrides.pop("database_url", None) or os.environ.get("ALUR_DATABASE_URL") \
            or f"sqlite:///{instance_dir / 'alur.db'}"
        settings = cls(
            database_url=url,
            instance_dir=instance_dir,
            secret_key=overrides.pop("secret_key", None) or _secret_key(instance_dir),
            upload_dir=Path(os.environ.get("ALUR_UPLOAD_DIR", instance_dir / "uploads")),
            secure_cookies=os.environ.get("ALUR_SECURE_COOKIES", "") == "1",
            demo_password=os.environ.get("ALUR_DEMO_PASSWORD"),
            smtp_host=os.environ.get("ALUR_SMTP_HOST") or None,
            smtp_port=int(os.environ.get("ALUR_SMTP_PORT", "25")),
            smtp_from=os.environ.get("ALUR_SMTP_FROM", "alur@localhost"),
            smtp_user=os.environ.get("ALUR_SMTP_USER") or None,
            smtp_password=os.environ.get("ALUR_SMTP_PASSWORD") or None,
            smtp_starttls=os.environ.get("ALUR_SMTP_STARTTLS", "") == "1",
            base_url=os.environ.get("ALUR_BASE_URL", "http://127.0.0.1:5000"),
            trusted_proxies=int(os.environ.get("ALUR_TRUSTED_PROXIES", "0")),
        )
        for key, value in overrides.items():
            setattr(settings, key, value)
        return settings
