"""dangvu — Đảng vụ số, the digital office of a Vietnamese Party committee."""
