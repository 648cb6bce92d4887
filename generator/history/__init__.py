"""Snapshots over the years: data diffs between packages, the changelog, year-over-year views."""
