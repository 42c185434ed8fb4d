"""Inspection result reports: one module per page (overview, trend, league, Pareto, self vs
supervisor), the shared frame, and the per-section scores of one inspection."""
