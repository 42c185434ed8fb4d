"""Deterministic demo data. ``load_demo`` builds the organization (``org``), then each app's
generator module listed in ``GENERATORS`` adds its records. ``--scale`` multiplies volume."""
