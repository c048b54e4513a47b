// HistoryPanel's column widths and sort: fitted to the runs on each rescan, except where a person
// chose them, and kept across restarts as settings text.
#include "history/history_panel.h"

#include <QHeaderView>
#include <QScopedValueRollback>
#include <QTableView>

#include <algorithm>
#include <array>

namespace tb::ui {

namespace {

// Settings names of the columns, in Column order: words a person can read and type in the file.
constexpr std::array<const char*, HistoryPanel::ColumnCount> kColumnNames = {
    "date", "machine", "device", "workload", "data", "status", "total", "accuracy"};

// The widths a column may be given: from a sliver to wider than any screen.
constexpr int kNarrowest = 8;
constexpr int kWidest = 8000;

int columnNamed(const QString& name) {
  for (int column = 0; column < HistoryPanel::ColumnCount; ++column) {
    if (name == QLatin1String(kColumnNames[static_cast<std::size_t>(column)])) return column;
  }
  return -1;
}

}  // namespace

void HistoryPanel::fitColumns() {
  const QScopedValueRollback fitting(m_fittingColumns, true);
  m_view->resizeColumnsToContents();
  // As wide as their content up to a limit (a host name 16 letters, the others 28): a long host
  // name took the whole width and pushed the status, the total and the accuracy out of view.
  const int letter = m_view->fontMetrics().averageCharWidth();
  for (int column = 0; column < ColumnCount; ++column) {
    const int widest = letter * (column == MachineColumn ? 16 : 28);
    if (column != DeviceColumn && m_view->columnWidth(column) > widest)
      m_view->setColumnWidth(column, widest);
  }
  // A column dragged wider to read a long workload was put back at each rescan, which a run
  // saving (or the CLI's, from outside) starts.
  for (auto it = m_draggedWidths.cbegin(); it != m_draggedWidths.cend(); ++it) {
    m_view->setColumnWidth(it.key(), it.value());
  }
  fitDeviceColumn();
}

// The device tells one machine's runs apart (threads, precision, ranks): it takes the width the
// other columns leave, but not under 16 letters, where the table scrolls sideways instead. In a
// 1024-pixel window, stretched into what was left, it read "c…".
void HistoryPanel::fitDeviceColumn() {
  const QScopedValueRollback fitting(m_fittingColumns, true);
  int others = 0;
  for (int column = 0; column < ColumnCount; ++column) {
    if (column != DeviceColumn && !m_view->isColumnHidden(column)) {
      others += m_view->columnWidth(column);
    }
  }
  const int fewest = 16 * m_view->fontMetrics().averageCharWidth();
  m_view->setColumnWidth(DeviceColumn, std::max(fewest, m_view->viewport()->width() - others));
}

void HistoryPanel::columnResized(int column, int width) {
  if (column == DeviceColumn) return;  // it is what the others leave
  if (!m_fittingColumns && width > 0)
    m_draggedWidths.insert(column, std::clamp(width, kNarrowest, kWidest));
  fitDeviceColumn();
}

QString HistoryPanel::sortSetting() const {
  const QHeaderView* header = m_view->horizontalHeader();
  const int column = header->sortIndicatorSection();
  if (column < 0 || column >= ColumnCount) return {};
  return QLatin1String(kColumnNames[static_cast<std::size_t>(column)]) +
         (header->sortIndicatorOrder() == Qt::AscendingOrder ? QLatin1String(" ascending")
                                                             : QLatin1String(" descending"));
}

bool HistoryPanel::restoreSort(const QString& setting) {
  const QStringList words = setting.simplified().toLower().split(u' ');
  const int column = columnNamed(words.value(0));
  if (column < 0 || words.size() > 2) return false;
  const QString order = words.value(1, QStringLiteral("ascending"));
  if (order != QLatin1String("ascending") && order != QLatin1String("descending")) return false;
  m_view->sortByColumn(
      column, order == QLatin1String("ascending") ? Qt::AscendingOrder : Qt::DescendingOrder);
  return true;
}

QString HistoryPanel::columnWidthsSetting() const {
  QStringList widths;
  for (auto it = m_draggedWidths.cbegin(); it != m_draggedWidths.cend(); ++it) {
    widths << QStringLiteral("%1=%2")
                  .arg(QLatin1String(kColumnNames[static_cast<std::size_t>(it.key())]))
                  .arg(it.value());
  }
  return widths.join(u' ');
}

bool HistoryPanel::restoreColumnWidths(const QString& setting) {
  // A width no one means (a typo's 0) is refused with the rest: all or nothing. One past what a
  // screen shows is kept within it.
  QMap<int, int> widths;
  for (const QString& pair : setting.simplified().split(u' ', Qt::SkipEmptyParts)) {
    const QStringList parts = pair.split(u'=');
    bool number = false;
    const int column = columnNamed(parts.value(0).toLower());
    const int width = parts.value(1).toInt(&number);
    if (parts.size() != 2 || column < 0 || column == DeviceColumn || !number || width < 1) {
      return false;
    }
    widths.insert(column, std::clamp(width, kNarrowest, kWidest));
  }
  m_draggedWidths = widths;
  fitColumns();
  return true;
}

}  // namespace tb::ui
