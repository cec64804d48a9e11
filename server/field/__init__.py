"""The inspector's field app at ``/field/``: an offline-first web app (docs/field-app.md)."""
