""" "Report for my clinician…": the last 14 nights as a two-page PDF.

A small dialog says which nights the report covers and takes an optional
name to print on it; "Save PDF…" asks where, and the report is written there.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rls_companion.context import Context
from rls_companion.report import gather
from rls_companion.report.pdf import period_words, write_pdf

MAX_NAME_LENGTH = 80


class ReportDialog(QDialog):
    def __init__(self, context: Context, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Report for my clinician")
        self.data = gather.build(context.db, context.settings.typed, None, None, now)
        heading = QLabel("A two-page summary of your recent nights", self)
        heading.setProperty("role", "heading")
        nights = QLabel(f"{period_words(self.data)}.", self)
        nights.setProperty("role", "muted")
        what = QLabel(
            "Sleep diary, evening log and practice, with a night-by-night grid. "
            "It is made from your own entries and stays on this computer until "
            "you send or print it.",
            self,
        )
        what.setWordWrap(True)
        what.setProperty("role", "fine")
        self.name = QLineEdit(self)
        self.name.setMaxLength(MAX_NAME_LENGTH)
        self.name.setPlaceholderText("Your name on the report (optional)")
        self.name.setAccessibleName("Your name on the report (optional)")
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("Save PDF…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._choose_file)
        buttons.rejected.connect(self.reject)
        self.saved_to: Path | None = None
        self.problem = QLabel("", self)
        self.problem.setProperty("role", "notice")
        self.problem.setWordWrap(True)
        self.problem.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(nights)
        layout.addWidget(what)
        layout.addSpacing(6)
        layout.addWidget(self.name)
        layout.addWidget(self.problem)
        layout.addSpacing(6)
        layout.addWidget(buttons, 0, Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(460)

    def suggested_path(self) -> Path:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        return Path(folder) / f"rls-companion-report-{self.data.last.isoformat()}.pdf"

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the report", str(self.suggested_path()), "PDF (*.pdf)"
        )
        if chosen:
            self.write_to(Path(chosen))

    def write_to(self, path: Path) -> None:
        """Write the PDF to `path` and close; a failure is said in the dialog."""
        if path.suffix.lower() != ".pdf":
            path = path.with_name(f"{path.name}.pdf")
        name = " ".join(self.name.text().split())
        try:
            write_pdf(path, self.data, name=name)
        except OSError as error:
            self.problem.setText(f"Could not save: {error.strerror or error} ({path})")
            self.problem.show()
            return
        self.saved_to = path
        self.accept()
