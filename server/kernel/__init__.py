"""The shared kernel every domain stands on: the services context, who is asking (actors,
accounts), the access policy, the engine-step unit, versions, calendars, notifications, the audit trail."""
