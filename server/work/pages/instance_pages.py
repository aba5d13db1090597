"""An instance: where it stands and what happened so far."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from ..services import instances
from . import pages
from .files import history_files
from ...web.common import actor, alur


@pages.get("/instans/<id:instance_id>")
@login_required
def instance_page(instance_id: int):
    instance = instances.get(alur(), actor(), instance_id)
    return render_template("work/instance.html", instance=instance,
                           history_files=history_files(instance["history"], instance["request"]))
