"""Input errors that name the sheet, row and column and say what to fix."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: reported to the user as one clear line, exit code 2.

    `row` is the spreadsheet row number as a person sees it (the header is row 1).
    """

    def __init__(
        self,
        message: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        file: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.message = message
        self.sheet = sheet
        self.row = row
        self.column = column
        self.file = file
        self.cell = cell or None
        super().__init__(str(self))

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}" + (f" (cell {self.cell})" if self.cell else ""))
        elif self.cell:
            parts.append(f"cell {self.cell}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class GuidanceError(InputError):
    """Input the rostering guidance forbids (a night designed to dodge the enhancement):
    bad input to `build`; to `bench`, a scenario reported as not permitted, never costed."""

    @classmethod
    def like(cls, exc: InputError) -> GuidanceError:
        return cls(
            exc.message,
            sheet=exc.sheet,
            row=exc.row,
            column=exc.column,
            file=exc.file,
            cell=exc.cell,
        )
