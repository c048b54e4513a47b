// History's selection and keyboard row, kept by file path: the table is rebuilt from the
// library on every change (a run saved, a file deleted), and both must come through it.
#pragma once

#include <QString>
#include <QStringList>

class QTableView;

namespace tb::ui {

// The file paths (in `role` of column `column`) of the selected rows, top to bottom.
QStringList selectedPaths(const QTableView* view, int role, int column);
// Selects exactly the rows of `paths`, whole rows.
void selectPaths(QTableView* view, const QStringList& paths, int role, int column);

// The row the keyboard is on.
struct KeyboardRow {
  QString path;
  int row = -1;
  int column = 0;
};
KeyboardRow keyboardRow(const QTableView* view, int role, int column);
// Puts the keyboard back on the same file; where it is gone (deleted), on the row that took its
// place, selected when nothing else is, so Delete or Enter acts on the next file, as in a file
// manager. The cursor went back to the first row with nothing selected.
void restoreKeyboardRow(QTableView* view, const KeyboardRow& where, int role, int column);

}  // namespace tb::ui
