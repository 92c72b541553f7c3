"""The demo workspace, made by the project's own synthetic-data generator."""
