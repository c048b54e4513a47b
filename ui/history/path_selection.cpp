#include "history/path_selection.h"

#include <QAbstractItemModel>
#include <QItemSelectionModel>
#include <QSet>
#include <QTableView>

#include <algorithm>

namespace tb::ui {

QStringList selectedPaths(const QTableView* view, int role, int column) {
  QStringList paths;
  QModelIndexList rows = view->selectionModel()->selectedRows(column);
  std::sort(rows.begin(), rows.end(),
            [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  for (const QModelIndex& index : rows) paths << index.data(role).toString();
  return paths;
}

void selectPaths(QTableView* view, const QStringList& paths, int role, int column) {
  // A set and one range per run of adjacent rows: with every row of a library of thousands
  // selected, a list search per row froze the rebuild for seconds.
  const QAbstractItemModel* model = view->model();
  const QSet<QString> wanted(paths.begin(), paths.end());
  QItemSelection selection;
  int first = -1;  // the first row of the range being collected
  const auto closeRange = [&](int end) {
    if (first >= 0) {
      selection.select(model->index(first, 0), model->index(end - 1, model->columnCount() - 1));
    }
    first = -1;
  };
  for (int row = 0; row < model->rowCount(); ++row) {
    if (wanted.contains(model->index(row, column).data(role).toString())) {
      if (first < 0) first = row;
    } else {
      closeRange(row);
    }
  }
  closeRange(model->rowCount());
  view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

KeyboardRow keyboardRow(const QTableView* view, int role, int column) {
  const QModelIndex current = view->currentIndex();
  if (!current.isValid()) return {};
  return {current.siblingAtColumn(column).data(role).toString(), current.row(), current.column()};
}

void restoreKeyboardRow(QTableView* view, const KeyboardRow& where, int role, int column) {
  const QAbstractItemModel* model = view->model();
  if (where.row < 0 || model->rowCount() == 0) return;
  int row = -1;
  for (int r = 0; r < model->rowCount() && row < 0; ++r) {
    if (model->index(r, column).data(role).toString() == where.path) row = r;
  }
  const bool gone = row < 0;
  if (gone) row = std::min(where.row, model->rowCount() - 1);
  const QModelIndex index = model->index(row, std::min(where.column, model->columnCount() - 1));
  const bool selectIt = gone && !view->selectionModel()->hasSelection();
  view->selectionModel()->setCurrentIndex(
      index, selectIt ? QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows
                      : QItemSelectionModel::NoUpdate);
}

}  // namespace tb::ui
