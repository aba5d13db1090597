"""The auditors' services: they ask the access policy, read the database, and work without Flask."""
