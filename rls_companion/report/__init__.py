"""The clinician report as a file: gathered from the history, painted with Qt.

The figures are decided in `core.report`; this package reads what they need
from an open history (`gather`) and paints them onto PDF pages (`pdf`), with
QtGui only (no widgets), so the command line can write a report without a
display and the window can offer the same file.
"""
