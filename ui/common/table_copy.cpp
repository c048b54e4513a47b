// tableRowsText and addCopyActions (table_copy.h).
#include "common/table_copy.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QTableView>

#include <algorithm>
#include <vector>

namespace tb::ui {

namespace {

QString cellText(QString text) {
  for (QChar& c : text) {
    if (c == u'\t' || c == u'\n' || c == u'\r') c = u' ';
  }
  return text;
}

}  // namespace

QString tableRowsText(const QTableView* table, bool all) {
  const QAbstractItemModel* model = table->model();
  if (!model) return QString();
  // Columns and rows in the order the user sees them (a moved column, a sorted History).
  const QHeaderView* header = table->horizontalHeader();
  std::vector<int> columns;
  for (int visual = 0; visual < header->count(); ++visual) {
    const int column = header->logicalIndex(visual);
    if (!table->isColumnHidden(column)) columns.push_back(column);
  }
  std::vector<int> rows;
  if (!all && table->selectionModel()) {
    for (const QModelIndex& index : table->selectionModel()->selectedRows()) {
      rows.push_back(index.row());
    }
    std::sort(rows.begin(), rows.end());
  }
  if (rows.empty()) {
    for (int row = 0; row < model->rowCount(); ++row) {
      if (!table->isRowHidden(row)) rows.push_back(row);
    }
  }
  QStringList lines;
  QStringList cells;
  for (const int column : columns) {
    cells << cellText(model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString());
  }
  lines << cells.join(u'\t');
  for (const int row : rows) {
    cells.clear();
    for (const int column : columns) {
      cells << cellText(model->data(model->index(row, column), Qt::DisplayRole).toString());
    }
    lines << cells.join(u'\t');
  }
  return lines.join(u'\n') + u'\n';
}

void addCopyActions(QTableView* table) {
  auto* copy = new QAction(QObject::tr("&Copy"), table);
  copy->setShortcut(QKeySequence::Copy);
  copy->setShortcutContext(Qt::WidgetShortcut);  // the window's other Ctrl+C stay theirs
  QObject::connect(copy, &QAction::triggered, table,
                   [table] { QGuiApplication::clipboard()->setText(tableRowsText(table, false)); });
  auto* copyAll = new QAction(QObject::tr("Copy &Table"), table);
  QObject::connect(copyAll, &QAction::triggered, table,
                   [table] { QGuiApplication::clipboard()->setText(tableRowsText(table, true)); });
  table->addAction(copy);
  table->addAction(copyAll);
  table->setContextMenuPolicy(Qt::ActionsContextMenu);
}

}  // namespace tb::ui
