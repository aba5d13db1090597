"""Process owners: modelling, linting and deploying SOP diagrams."""
