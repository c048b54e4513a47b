// One History row: the saved run's date, machine, device, workload, data, status, total and
// accuracy, each cell sorted by value (HistoryPanel::kSortRole) and carrying the file's path.
#include "history/history_rows.h"

#include "common/host_names.h"
#include "common/qt_convert.h"
#include "data/data_paths.h"
#include "history/history_panel.h"
#include "results/comparison.h"

#include <QDateTime>
#include <QStandardItem>
#include <QStringList>

#include <cmath>

namespace tb::ui {

namespace {

QString dataText(const std::string& source) {
  if (source == "files") return HistoryPanel::tr("files");
  if (source == "synthetic") return HistoryPanel::tr("synthetic");
  if (source == kCustomFiles) return HistoryPanel::tr("custom files");
  return source.empty() ? QStringLiteral("n/a") : toQString(source);
}

QString statusText(RunStatus status) {
  switch (status) {
    case RunStatus::Completed:
      return HistoryPanel::tr("completed");
    case RunStatus::Cancelled:
      return HistoryPanel::tr("cancelled");
    case RunStatus::Failed:
      return HistoryPanel::tr("failed");
  }
  return QStringLiteral("n/a");
}

QString orNa(const std::string& text) {
  return text.empty() ? QStringLiteral("n/a") : toQString(text);
}

// A diverged run reads back NaN where a number was required; show it as missing, not "nan".
std::optional<double> finiteOrNone(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// The tooltip, and the same words for a screen reader, which reads a cell's accessible
// description and never its tooltip: a disturbed run's warnings, a failed run's error.
void setTip(QStandardItem* item, const QString& text) {
  item->setToolTip(plainToolTip(text));
  item->setData(text.isEmpty() ? QVariant() : QVariant(text), Qt::AccessibleDescriptionRole);
}

QStandardItem* textItem(const QString& text, const QString& toolTip = QString()) {
  auto* item = new QStandardItem(text);
  item->setEditable(false);
  item->setData(text.toLower(), HistoryPanel::kSortRole);
  if (!toolTip.isEmpty()) setTip(item, toolTip);
  return item;
}

// A number column: right-aligned, sorted by value; a missing value sorts after every number
// (MissingLastProxy).
QStandardItem* numberItem(const std::optional<double>& value, const QString& text) {
  auto* item = new QStandardItem(text);
  item->setEditable(false);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  item->setData(value ? QVariant(*value) : QVariant(), HistoryPanel::kSortRole);
  return item;
}

}  // namespace

QList<QStandardItem*> historyRowItems(const ResultLibrary::Entry& entry, const QString& hostDomain) {
  const RunResult r = withPrintableText(entry.result);
  const QDateTime created = createdTime(r.created);

  auto* date = new QStandardItem(
      created.isValid() ? created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                        : orNa(r.created));
  date->setEditable(false);
  date->setData(created.isValid() ? QVariant(created.toMSecsSinceEpoch()) : QVariant(),
                HistoryPanel::kSortRole);
  setTip(date, entry.path);

  // As the comparison and the charts name it: runs that differ in threads, precision, execution
  // or ranks must not look alike here either. The Data column says synthetic.
  const QString device =
      r.device.id.empty() ? orNa(r.device.id) : toQString(deviceLabel(r, false));

  // What else sets a CPU's speed: the BLAS (the reference one is ~6x slower than OpenBLAS).
  // The host first: a long one is cut in its cell.
  QStringList machineLines{orNa(r.system.hostname), toQString(r.system.cpuModel), toQString(r.system.os)};
  if (!r.system.blas.empty()) {
    machineLines << HistoryPanel::tr("CPU BLAS: %1").arg(toQString(r.system.blas));
  }
  const QString machineTip = machineLines.join(QLatin1Char('\n'));
  QString statusTip = r.error.empty() ? QString() : toQString(r.error);
  QString status = statusText(r.status);
  if (r.validity && (r.validity->disturbed || !r.validity->warnings.empty())) {
    // Marked, never hidden: the user decides whether a disturbed run still tells them something.
    // A quiet run's warnings (reference BLAS, a step beyond the free memory) are said unmarked.
    if (r.validity->disturbed) status += QStringLiteral(" \u26a0");
    QStringList warnings{r.validity->disturbed ? HistoryPanel::tr("Disturbed run:")
                                               : HistoryPanel::tr("Warnings:")};
    for (const auto& warning : r.validity->warnings) warnings << toQString(warning);
    // A failed run's error first: its warnings (an older or edited file's) must not hide it.
    if (!statusTip.isEmpty()) warnings.prepend(statusTip + QLatin1Char('\n'));
    statusTip = warnings.join(QLatin1Char('\n'));
  }
  // A budgeted run stopped early: its accuracy is not the full run's its total projects, and
  // the comparison leaves it out too.
  const std::optional<double> accuracy =
      r.test && !r.projection ? finiteOrNone(r.test->accuracy * 100.0) : std::nullopt;
  // A budgeted run's total is the full run it projects, marked as such.
  const std::optional<double> total =
      r.projection ? finiteOrNone(r.projection->totalSeconds)
                   : r.totalSeconds ? finiteOrNone(*r.totalSeconds) : std::nullopt;
  const QString totalText = r.projection ? QStringLiteral("~") + formatOptional(total, 2, QStringLiteral(" s (projected)"))
                                         : formatOptional(total, 2, QStringLiteral(" s"));

  QList<QStandardItem*> items;
  items.reserve(HistoryPanel::ColumnCount);
  QStandardItem* machine = textItem(withoutDomain(orNa(r.system.hostname), hostDomain), machineTip);
  // Sorted by the whole name: cut, "node10…" sorted before "node1…".
  machine->setData(orNa(r.system.hostname).toLower(), HistoryPanel::kSortRole);
  items << date << machine << textItem(device, device)
        << textItem(orNa(r.workload.name),
                    // The name whole (a long one from a shared file is cut in its cell).
                    QStringLiteral("%1 (%2)").arg(orNa(r.workload.name), orNa(r.workload.dataset)))
        << textItem(dataText(r.workload.dataSource)) << textItem(status, statusTip)
        << numberItem(total, totalText)
        << numberItem(accuracy, formatOptional(accuracy, 2, QStringLiteral(" %")));
  if (r.projection && r.test) {
    setTip(
        items.back(),
        HistoryPanel::tr("A quick run stops early: its accuracy (%1) is not the full run's.")
            .arg(formatOptional(finiteOrNone(r.test->accuracy * 100.0), 2, QStringLiteral(" %"))));
  }
  for (QStandardItem* item : items) item->setData(entry.path, HistoryPanel::kPathRole);
  // The filter's words: the names whole (a cell may show them cut), and what the cells leave
  // out (the CPU model, the precision).
  const QStringList words{date->text(),
                          toQString(r.system.hostname),
                          device,
                          toQString(r.device.name),
                          toQString(r.system.cpuModel),
                          toQString(r.config.precision),
                          toQString(r.workload.name),
                          toQString(r.workload.dataset),
                          dataText(r.workload.dataSource),
                          status};
  date->setData(words.join(u' ').toLower(), HistoryPanel::kFilterRole);
  return items;
}

}  // namespace tb::ui
