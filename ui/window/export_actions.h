// The Export menu: charts or window as PNG (or to the clipboard), a PDF report, and the
// comparison table as CSV or Markdown. Also used by command-line automation.
#pragma once

#include <QKeySequence>
#include <QObject>
#include <QString>

class QMenu;

namespace tb::ui {

class MainWindow;

class ExportActions final : public QObject {
  Q_OBJECT

 public:
  explicit ExportActions(MainWindow* window);

  QMenu* menu() const { return m_menu; }

  bool saveChartsPng(const QString& path, QString* error);
  bool saveWindowPng(const QString& path, QString* error);
  bool saveReport(const QString& path, QString* error);
  bool saveComparisonCsv(const QString& path, QString* error);
  bool saveComparisonMarkdown(const QString& path, QString* error);

 private:
  using Exporter = bool (ExportActions::*)(const QString&, QString*);
  void addExport(const QString& text, const QString& filter, const QString& suffix,
                 Exporter exporter, const QKeySequence& shortcut = {});
  QString askPath(const QString& filter, const QString& suffix);

  MainWindow* m_window;
  QMenu* m_menu;
};

}  // namespace tb::ui
