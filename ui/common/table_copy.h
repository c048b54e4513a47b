// Copy for the app's tables (Ctrl+C, and Copy / Copy Table in their context menu): the rows as
// a spreadsheet pastes them, tab-separated under the column headers.
#pragma once

#include <QString>

class QTableView;

namespace tb::ui {

// The selected rows (every row where `all`, or where none is selected) of the shown columns,
// in the order shown, under the header line; one line per row. Each cell is the text the table
// holds, whole (a middle-elided device name too); tabs and line breaks in it become spaces.
QString tableRowsText(const QTableView* table, bool all);

// Adds Copy (Ctrl+C while the table has the focus: the selected rows) and Copy Table (every
// row) to `table`, in its context menu too.
void addCopyActions(QTableView* table);

}  // namespace tb::ui
