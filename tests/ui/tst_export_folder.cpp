// The folder File > Export remembers for its next dialog: only one that took an export. A failed
// export (here a full disk, tests/fault_inject's TB_FAULT_ENOSPC_DIR) offered the
// same folder again. And the name the export is saved under.
#include "window/export_actions.h"
#include "window/main_window.h"
#include "window/notice_bar.h"

#include "../support/answer_dialogs.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace tb::ui;

class ExportFolderTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void failedExportKeepsTheRememberedFolder() {
    if (!qEnvironmentVariable("LD_PRELOAD").contains(QStringLiteral("fault-inject"))) {
      QSKIP("needs tests/fault_inject preloaded (ctest sets LD_PRELOAD for this test)");
    }
    QTemporaryDir dir;
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    const QString good = dir.filePath(QStringLiteral("good"));
    const QString full = dir.filePath(QStringLiteral("full"));
    QVERIFY(QDir().mkpath(good));
    QVERIFY(QDir().mkpath(full));
    QAction* csv = nullptr;
    for (QAction* action : window.exportActions()->menu()->actions()) {
      if (action->text().remove(QLatin1Char('&')).contains(QStringLiteral("CSV"))) csv = action;
    }
    QVERIFY(csv);
    qputenv("TB_FAULT_ENOSPC_DIR", QFile::encodeName(full));
    bool asked = false;
    for (const QString& folder : {good, full}) {
      const auto answers =
          tbtest::answerDialogs(folder + QStringLiteral("/report.csv"), QMessageBox::Yes, &asked);
      csv->trigger();
    }
    qunsetenv("TB_FAULT_ENOSPC_DIR");
    QVERIFY(QFileInfo(good + QStringLiteral("/report.csv")).isFile());
    QVERIFY(!QFileInfo::exists(full + QStringLiteral("/report.csv")));
    QVERIFY2(window.findChild<NoticeBar*>()->text().contains(QStringLiteral("Export failed")),
             qPrintable(window.findChild<NoticeBar*>()->text()));
    QCOMPARE(window.settings()->value(QStringLiteral("export/folder")).toString(), good);
  }

  // "chart." typed in the dialog is saved as "chart.csv" (it was "chart..csv"), "table.csv."
  // as "table.csv".
  void nameEndingInADotGetsTheSuffixOnce() {
    QTemporaryDir dir;
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    QAction* csv = nullptr;
    for (QAction* action : window.exportActions()->menu()->actions()) {
      if (action->text().remove(QLatin1Char('&')).contains(QStringLiteral("CSV"))) csv = action;
    }
    QVERIFY(csv);
    bool asked = false;
    for (const char* typed : {"chart.", "table.csv."}) {
      const auto answers =
          tbtest::answerDialogs(dir.filePath(QLatin1String(typed)), QMessageBox::Yes, &asked);
      csv->trigger();
    }
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("chart.csv"))).isFile());
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("table.csv"))).isFile());
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("chart..csv"))));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("table.csv.csv"))));
  }
};

QTEST_MAIN(ExportFolderTest)
#include "tst_export_folder.moc"
