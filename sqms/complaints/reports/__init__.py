"""Report pages of the complaints app, one module per page."""
