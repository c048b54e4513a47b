#include "window/export_actions.h"

#include "charts/chart_panel.h"
#include "charts/run_legend.h"
#include "common/qcustomplot_include.h"
#include "common/qt_convert.h"
#include "comparison/comparison_panel.h"
#include "comparison/scaling_chart.h"
#include "devices/system_info.h"
#include "export/file_export.h"
#include "export/paper_palette.h"
#include "export/pdf_report.h"
#include "model/run_collection.h"
#include "window/main_window.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QDir>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

#include <algorithm>

namespace tb::ui {

namespace {

// The report's charts' width in pixels: a chart prints about 390 pt wide (three to a page), so
// its text prints at about 0.7 of its size on screen, where 900 px printed it at 0.43.
constexpr int kReportChartWidth = 560;

}  // namespace

ExportActions::ExportActions(MainWindow* window)
    : QObject(window), m_window(window), m_menu(new QMenu(tr("&Export"), window)) {
  addExport(tr("Charts as &PNG\u2026"), tr("PNG image (*.png)"), QStringLiteral("png"),
            &ExportActions::saveChartsPng, QKeySequence(Qt::CTRL | Qt::Key_E));
  addExport(tr("&Window as PNG\u2026"), tr("PNG image (*.png)"), QStringLiteral("png"),
            &ExportActions::saveWindowPng);
  auto* copy = m_menu->addAction(tr("&Copy charts to clipboard"));
  connect(copy, &QAction::triggered, this, [this] {
    m_window->chartPanel()->replotNow();
    QClipboard* clipboard = QGuiApplication::clipboard();
    const QPixmap image = m_window->chartPanel()->imageWithWholeLegend();
    if (clipboard == nullptr || image.isNull()) {
      m_window->statusBar()->showMessage(tr("The charts could not be copied to the clipboard"),
                                         5000);
      return;
    }
    clipboard->setImage(image.toImage());
    m_window->statusBar()->showMessage(tr("Charts copied to the clipboard"), 5000);
  });
  m_menu->addSeparator();
  addExport(tr("PDF &report\u2026"), tr("PDF document (*.pdf)"), QStringLiteral("pdf"),
            &ExportActions::saveReport, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  addExport(tr("Comparison as C&SV\u2026"), tr("CSV table (*.csv)"), QStringLiteral("csv"),
            &ExportActions::saveComparisonCsv);
  addExport(tr("Comparison as &Markdown\u2026"), tr("Markdown (*.md)"), QStringLiteral("md"),
            &ExportActions::saveComparisonMarkdown);
}

void ExportActions::addExport(const QString& text, const QString& filter, const QString& suffix,
                              Exporter exporter, const QKeySequence& shortcut) {
  auto* action = m_menu->addAction(text);
  if (!shortcut.isEmpty()) action->setShortcut(shortcut);
  connect(action, &QAction::triggered, this, [this, filter, suffix, exporter] {
    const QString path = askPath(filter, suffix);
    if (path.isEmpty()) return;
    QString error;
    if ((this->*exporter)(path, &error)) {
      // Only a folder that took an export opens the next dialog: a failed one (read-only, say)
      // would be offered again.
      m_window->settings()->setValue(QStringLiteral("export/folder"),
                                     QFileInfo(path).absolutePath());
      m_window->statusBar()->showMessage(tr("Exported %1").arg(path), 8000);
    } else {
      m_window->showNotice(tr("Export failed: %1").arg(error), true);
    }
  });
}

QString ExportActions::askPath(const QString& filter, const QString& suffix) {
  QSettings& settings = *m_window->settings();
  const QString folder = settings
                             .value(QStringLiteral("export/folder"),
                                    QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                             .toString();
  const QString name = QStringLiteral("trainbench-%1.%2")
                           .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")),
                                suffix);
  // The dialog adds the suffix to a name typed without one, before it asks whether to replace
  // an existing file: so the question is about the file that will be written.
  QFileDialog dialog(m_window, tr("Export"), QDir(folder).filePath(name), filter);
  dialog.setAcceptMode(QFileDialog::AcceptSave);
  dialog.setFileMode(QFileDialog::AnyFile);
  dialog.setDefaultSuffix(suffix);
  if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return {};
  const QString chosen = dialog.selectedFiles().first();
  QString path = chosen;
  // "chart." typed means "chart" (it was saved as "chart..png"), "chart.png." "chart.png".
  while (path.endsWith(QLatin1Char('.')) && !QFileInfo(path).fileName().startsWith(u'.'))
    path.chop(1);
  // "results-2026.12.03" has a suffix to Qt, and "chart.jpg" the wrong one: the file gets the
  // export's own, so it opens as what it is.
  if (QFileInfo(path).suffix().compare(suffix, Qt::CaseInsensitive) != 0)
    path += QLatin1Char('.') + suffix;
  if (path != chosen) {
    // A dialog that kept the name as typed (a platform's own, or one with a dot): ask here
    // before replacing.
    const QString question =
        tr("%1 already exists. Replace it?").arg(QDir::toNativeSeparators(path));
    if (QFileInfo::exists(path) &&
        QMessageBox::question(m_window, tr("Export"), question) != QMessageBox::Yes) {
      return {};
    }
  }
  return path;
}

bool ExportActions::saveChartsPng(const QString& path, QString* error) {
  m_window->chartPanel()->replotNow();
  return savePng(m_window->chartPanel()->imageWithWholeLegend(), path, error);
}

bool ExportActions::saveWindowPng(const QString& path, QString* error) {
  // What is pending now, drawn: while a run trains the views redraw only every half second or so.
  m_window->chartPanel()->replotNow();
  m_window->comparisonPanel()->refreshNow();
  return savePng(widgetToPixmap(m_window), path, error);
}

bool ExportActions::saveReport(const QString& path, QString* error) {
  auto* charts = m_window->chartPanel();
  // Paper is white: a dark theme's charts print light, and the window gets its own back after.
  const PaperPalette paper({charts, m_window->comparisonPanel()});
  charts->replotNow();
  m_window->comparisonPanel()->refreshNow();
  ReportContent content;
  content.title = tr("TrainBench report");
  // Without runs on the charts, pages of empty axes (and the window's "start a run" hint) would
  // only pad the report: it is the comparison alone.
  const RunCollection& runs = *m_window->collection();
  bool anyCharted = false;
  for (int i = 0; i < runs.count(); ++i) anyCharted = anyCharted || runs.at(i).visible;
  if (anyCharted) {
    // The legend is a widget of its own; without it the chart images would name no run.
    for (int i = 0; i < runs.count(); ++i) {
      if (runs.at(i).visible) content.legend.push_back({runs.at(i).color, runs.distinctLabel(i)});
    }
    const auto plots = charts->plots();
    const auto titles = charts->plotTitles();
    for (int i = 0; i < plots.size(); ++i) {
      // Rendered at a fixed print size, independent of the window's current layout: about the
      // size it prints at (three to a page), so its text reads as the report's. At 900 x 480 it
      // printed at 4-5 pt, under a y axis of 20 ticks.
      content.charts.push_back({titles.value(i), plotToPixmap(plots[i], kReportChartWidth, 300, 3.0)});
    }
  }
  ComparisonPanel* comparison = m_window->comparisonPanel();
  if (!comparison->rows().empty()) {
    // The chart shows one group (the baseline's): the title says which.
    content.charts.push_back({tr("Total time: %1").arg(comparison->chartGroup()),
                              plotToPixmap(comparison->barChart(), kReportChartWidth, 280, 3.0)});
  }
  // Data-parallel runs' scaling, which no other page shows.
  if (ScalingChart* scaling = comparison->scalingChart(); scaling->seriesCount() > 0) {
    content.charts.push_back({tr("Scaling"),
                              plotToPixmap(scaling->plot(), kReportChartWidth,
                                           std::max(300, scaling->plot()->minimumHeight()), 3.0)});
  }
  content.rows = m_window->comparisonPanel()->rows();
  // Every run's machine: the comparison's rows hold the runs hidden from the charts too.
  content.machines = machinesOf(*m_window->collection(), /*visibleOnly=*/false);
  content.gpus = gpusOf(*m_window->collection(), /*visibleOnly=*/false);
  content.generatedAt = QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm t"));
  content.appVersion = toQString(appVersion());
  return exportPdfReport(path, content, error);
}

bool ExportActions::saveComparisonCsv(const QString& path, QString* error) {
  m_window->comparisonPanel()->refreshNow();
  // A byte-order mark: Excel reads a CSV without one in the system's code page, and every
  // label holds a "—".
  return saveTextFile(path, "\xEF\xBB\xBF" + comparisonCsv(m_window->comparisonPanel()->rows()),
                      error);
}

bool ExportActions::saveComparisonMarkdown(const QString& path, QString* error) {
  m_window->comparisonPanel()->refreshNow();
  return saveTextFile(path, comparisonMarkdown(m_window->comparisonPanel()->rows()), error);
}

}  // namespace tb::ui
