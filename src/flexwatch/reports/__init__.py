"""Reports: national and comparative reports, their charts and their pages.

- ``charts`` (pure): Vega-Lite specifications of the report's figures, one
  specification for the web page and, rendered to SVG, for the PDF.
"""
