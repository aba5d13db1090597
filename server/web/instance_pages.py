"""An instance: where it stands and what happened so far."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from ..services import instances
from . import web
from .files import history_files
from .common import actor, alur


@web.get("/instans/<id:instance_id>")
@login_required
def instance_page(instance_id: int):
    instance = instances.get(alur(), actor(), instance_id)
    return render_template("instance.html", instance=instance, history_files=history_files(instance["history"]))
