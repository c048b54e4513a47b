// What one History row says of a saved run: its marks (disturbed, projected), a device label
// that tells configurations apart, the machine's facts on hover, and a shared file's text shown
// as text.
#include "common/qt_convert.h"
#include "history/history_panel.h"
#include "history/result_library.h"

#include "../support/history_runs.h"

#include <QAbstractItemModel>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <ctime>

using tb::RunResult;
using tb::ui::createdTime;
using tb::ui::HistoryPanel;
using tb::ui::ResultLibrary;
using tbtest::cell;
using tbtest::makeResult;

class TestHistoryRows final : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;

 private Q_SLOTS:
  void init() {
    QDir(m_dir.path()).removeRecursively();
    QDir().mkpath(m_dir.path());
  }

  // A disturbed run is listed with a warning mark and its warnings on hover; a quick run's
  // total is the projected full run, marked as such.
  void disturbedAndProjectedRunsAreMarked() {
    ResultLibrary library(m_dir.path());
    RunResult disturbed = makeResult("2026-11-26T10:00:00Z", "alpha", 10.0);
    disturbed.validity = tb::ValidityRecord{true, {"The machine was on battery: plug it in."}};
    library.save(disturbed);
    RunResult projected = makeResult("2026-11-25T10:00:00Z", "beta", 70.0);
    projected.projection = tb::ProjectionRecord{5088.0, 4747.0, 5423.0, 167, 60, 10, 50000, 10000};
    projected.validity =
        tb::ValidityRecord{false, {"The CPU's matrix products ran on reference BLAS."}};
    library.save(projected);
    HistoryPanel panel(&library);
    const QAbstractItemModel* model = panel.view()->model();
    QCOMPARE(cell(model, 0, HistoryPanel::StatusColumn), QStringLiteral("completed \u26a0"));
    QVERIFY(cell(model, 0, HistoryPanel::StatusColumn, Qt::ToolTipRole)
                .contains(QLatin1String("on battery")));
    // A screen reader reads the cell's description, never its tooltip: the same words, as text.
    const QString spoken =
        cell(model, 0, HistoryPanel::StatusColumn, Qt::AccessibleDescriptionRole);
    QVERIFY2(spoken.startsWith(QLatin1String("Disturbed run:\nThe machine was on battery")),
             qPrintable(spoken));
    // A quiet run's warning is said, unmarked.
    QCOMPARE(cell(model, 1, HistoryPanel::StatusColumn), QStringLiteral("completed"));
    QCOMPARE(cell(model, 1, HistoryPanel::StatusColumn, Qt::AccessibleDescriptionRole),
             QStringLiteral("Warnings:\nThe CPU's matrix products ran on reference BLAS."));
    QCOMPARE(cell(model, 1, HistoryPanel::TotalTimeColumn), QStringLiteral("~5088.00 s (projected)"));
    // Its accuracy is the stopped run's, not the full run's: not beside the projected total.
    QCOMPARE(cell(model, 1, HistoryPanel::TestAccuracyColumn), QStringLiteral("n/a"));
    QVERIFY2(cell(model, 1, HistoryPanel::TestAccuracyColumn, Qt::ToolTipRole)
                 .contains(QLatin1String("85.50 %")),
             qPrintable(cell(model, 1, HistoryPanel::TestAccuracyColumn, Qt::ToolTipRole)));
    QCOMPARE(cell(model, 0, HistoryPanel::TestAccuracyColumn), QStringLiteral("85.50 %"));
  }

  // A failed run's error stays in its Status tip when its file also has warnings (an older or
  // edited one's): the warnings took its place.
  void failedRunsErrorComesBeforeItsWarnings() {
    ResultLibrary library(m_dir.path());
    RunResult failed = makeResult("2026-11-26T10:00:00Z", "alpha", 10.0);
    failed.status = tb::RunStatus::Failed;
    failed.failure = tb::FailureKind::Data;
    failed.error = "train-images-idx3-ubyte: file is truncated";
    failed.validity =
        tb::ValidityRecord{false, {"The CPU's matrix products ran on reference BLAS."}};
    library.save(failed);
    HistoryPanel panel(&library);
    const QString tip =
        cell(panel.view()->model(), 0, HistoryPanel::StatusColumn, Qt::AccessibleDescriptionRole);
    QVERIFY2(tip.startsWith(QLatin1String("train-images-idx3-ubyte: file is truncated\n")) &&
                 tip.contains(QLatin1String("reference BLAS")),
             qPrintable(tip));
  }

  // Repeats a few seconds apart read apart by their dates (to the minute they read alike), as
  // the comparison's labels give them.
  void datesTellRunsOfOneMinuteApart() {
    ResultLibrary library(m_dir.path());
    library.save(makeResult("2026-12-05T20:25:14Z", "alpha", 10.0));
    library.save(makeResult("2026-12-05T20:25:46Z", "alpha", 10.0));
    HistoryPanel panel(&library);
    const QAbstractItemModel* model = panel.view()->model();
    const QString newer = cell(model, 0, HistoryPanel::DateColumn);
    const QString older = cell(model, 1, HistoryPanel::DateColumn);
    QVERIFY2(newer != older, qPrintable(newer));
    QVERIFY2(newer.endsWith(QLatin1String(":46")), qPrintable(newer));
  }

  // Runs of one device that differ in threads or precision must not look alike in the list.
  void deviceColumnTellsConfigurationsApart() {
    ResultLibrary library(m_dir.path());
    RunResult oneThread = makeResult("2026-11-26T10:00:00Z", "alpha", 10.0);
    oneThread.config.threads = 1;
    library.save(oneThread);
    RunResult bf16 = makeResult("2026-11-25T10:00:00Z", "alpha", 12.0);
    bf16.config.precision = "bf16";
    library.save(bf16);
    HistoryPanel panel(&library);
    const QAbstractItemModel* model = panel.view()->model();
    QCOMPARE(cell(model, 0, HistoryPanel::DeviceColumn), QStringLiteral("cpu (1 thread) \u2014 Test CPU"));
    QCOMPARE(cell(model, 1, HistoryPanel::DeviceColumn),
             QStringLiteral("cpu (2 threads) bf16 \u2014 Test CPU"));
  }

  // `created` is UTC (docs/result-format.md), also where a hand-edited file leaves out the "Z":
  // History read that as local time, hours off beside the others.
  void createdWithoutAnOffsetIsUtc() {
    ResultLibrary library(m_dir.path());
    library.save(makeResult("2026-12-04T10:00:00", "alpha", 10.0));
    library.save(makeResult("2026-12-04T09:00:00Z", "beta", 10.0));
    const QByteArray oldTz = qgetenv("TZ");
    qputenv("TZ", "UTC-9");  // POSIX: nine hours east of UTC (Tokyo)
    tzset();
    HistoryPanel panel(&library);
    const QString newer = cell(panel.view()->model(), 0, HistoryPanel::DateColumn);
    const QString older = cell(panel.view()->model(), 1, HistoryPanel::DateColumn);
    if (oldTz.isNull()) qunsetenv("TZ"); else qputenv("TZ", oldTz);
    tzset();
    QCOMPARE(newer, QStringLiteral("2026-12-04 19:00:00"));
    QCOMPARE(older, QStringLiteral("2026-12-04 18:00:00"));

    // 02:30 on the day Berlin's clocks skip from 02:00 to 03:00 is no local time, but is UTC.
    qputenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3");
    tzset();
    const QDateTime skipped = createdTime("2024-03-31T02:30:00");
    const QString shown = skipped.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    if (oldTz.isNull()) qunsetenv("TZ"); else qputenv("TZ", oldTz);
    tzset();
    QCOMPARE(shown, QStringLiteral("2024-03-31 04:30"));
    QVERIFY(!createdTime("yesterday").isValid());
  }

  // A long host name is cut in its middle, not given the width: the status, the total and the
  // accuracy stay in view (they were pushed off the right edge); the device reads whole in its
  // tooltip.
  void longNamesLeaveTheFiguresInView() {
    ResultLibrary library(m_dir.path());
    RunResult run = makeResult("2026-11-26T10:00:00Z",
                               "very-long-hostname-build-server-number-0042.datacenter-eu-west-"
                               "frankfurt.example.corp.internal",
                               10.0);
    run.device.name = "AMD EPYC 9754 128-Core Processor with an extremely long marketing name";
    library.save(run);
    HistoryPanel panel(&library);
    panel.resize(1000, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const QTableView* view = panel.view();
    const QHeaderView* header = view->horizontalHeader();
    const int right = header->sectionViewportPosition(HistoryPanel::TestAccuracyColumn) +
                      header->sectionSize(HistoryPanel::TestAccuracyColumn);
    QVERIFY2(right <= view->viewport()->width(),
             qPrintable(QStringLiteral("ends at %1 of %2 px").arg(right).arg(view->viewport()->width())));
    QVERIFY(cell(view->model(), 0, HistoryPanel::DeviceColumn, Qt::ToolTipRole)
                .contains(QLatin1String("extremely long marketing name")));
    QVERIFY(cell(view->model(), 0, HistoryPanel::MachineColumn, Qt::ToolTipRole)
                .contains(QLatin1String("frankfurt.example.corp.internal")));
    QVERIFY(cell(view->model(), 0, HistoryPanel::WorkloadColumn, Qt::ToolTipRole)
                .contains(QLatin1String("fashion-mlp")));
  }

  // In a 1024-pixel window History is about 690 pixels wide: the device, stretched into what the
  // other columns left, read "c…". It keeps 16 letters and the table scrolls; wide, it still
  // takes all the room the others leave.
  void deviceStaysReadableInANarrowTable() {
    ResultLibrary library(m_dir.path());
    library.save(makeResult("2026-11-26T10:00:00Z", "alpha", 10.0));
    HistoryPanel panel(&library);
    panel.resize(690, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const QTableView* view = panel.view();
    const int letter = view->fontMetrics().averageCharWidth();
    QTRY_VERIFY2(view->columnWidth(HistoryPanel::DeviceColumn) >= 16 * letter,
                 qPrintable(QString::number(view->columnWidth(HistoryPanel::DeviceColumn))));
    panel.resize(1600, 400);
    const QHeaderView* header = view->horizontalHeader();
    QTRY_COMPARE(header->length(), view->viewport()->width());
  }

  // A shared file's text is shown as text: no bidi control reversing the device, no line break
  // splitting the machine cell, no markup rendered in a tooltip, no 300-digit total.
  void fileTextIsShownAsText() {
    ResultLibrary library(m_dir.path());
    RunResult odd = makeResult("2026-11-26T10:00:00Z", "evil\nhost", 1e308);
    odd.device.name = "\u202e" "AMD EPYC";
    library.save(odd);
    RunResult failed = makeResult("2026-11-25T10:00:00Z", "alpha", std::nullopt, false);
    failed.status = tb::RunStatus::Failed;
    failed.failure = tb::FailureKind::Run;
    failed.error = "<h1>Imported OK</h1>";
    library.save(failed);
    HistoryPanel panel(&library);
    const QAbstractItemModel* model = panel.view()->model();
    QCOMPARE(cell(model, 0, HistoryPanel::MachineColumn), QStringLiteral("evil host"));
    QVERIFY2(!cell(model, 0, HistoryPanel::DeviceColumn).contains(QChar(0x202e)),
             qPrintable(cell(model, 0, HistoryPanel::DeviceColumn)));
    QVERIFY2(cell(model, 0, HistoryPanel::TotalTimeColumn).size() < 20,
             qPrintable(cell(model, 0, HistoryPanel::TotalTimeColumn)));
    const QString tip = cell(model, 1, HistoryPanel::StatusColumn, Qt::ToolTipRole);
    QVERIFY2(tip.contains(QLatin1String("&lt;h1&gt;Imported OK")) &&
                 !tip.contains(QLatin1String("<h1>")),
             qPrintable(tip));
  }

  // A cluster's hosts read apart by their first labels: cut at 16 letters in their middle,
  // "gpu-node-01.cluster.example.com" and "-02" both read "gpu-n…e.com". The whole name is on
  // hover; an address keeps its dots.
  void clusterHostsReadApart() {
    ResultLibrary library(m_dir.path());
    library.save(makeResult("2026-11-26T10:00:00Z", "gpu-node-01.cluster.example.com", 10.0));
    library.save(makeResult("2026-11-25T10:00:00Z", "gpu-node-02.cluster.example.com", 10.0));
    library.save(makeResult("2026-11-24T10:00:00Z", "10.0.0.5", 10.0));
    HistoryPanel panel(&library);
    const QAbstractItemModel* model = panel.view()->model();
    QCOMPARE(cell(model, 0, HistoryPanel::MachineColumn), QStringLiteral("gpu-node-01\u2026"));
    QCOMPARE(cell(model, 1, HistoryPanel::MachineColumn), QStringLiteral("gpu-node-02\u2026"));
    QCOMPARE(cell(model, 2, HistoryPanel::MachineColumn), QStringLiteral("10.0.0.5"));
    QVERIFY(cell(model, 1, HistoryPanel::MachineColumn, Qt::ToolTipRole)
                .contains(QLatin1String("gpu-node-02.cluster.example.com")));
  }

  // A results folder shared with many files that are not results: the summary's tooltip names
  // the first few and counts the rest (it listed all 1,500, a tooltip taller than the screen).
  void manyUnreadableFilesAreCounted() {
    for (int i = 0; i < 40; ++i) {
      QFile file(m_dir.filePath(QStringLiteral("package-%1.json").arg(i)));
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("{\"name\": \"left-pad\"}");
    }
    ResultLibrary library(m_dir.path());
    QCOMPARE(library.problems().size(), qsizetype{40});
    HistoryPanel panel(&library);
    QLabel* summary = nullptr;
    for (QLabel* label : panel.findChildren<QLabel*>()) {
      if (label->text().contains(QLatin1String("40 files could not be read"))) summary = label;
    }
    QVERIFY(summary);
    const QString tip = summary->toolTip();
    QVERIFY2(tip.contains(QStringLiteral("\u2026and 28 more")), qPrintable(tip));
    QVERIFY2(tip.count(QLatin1String("package-")) == 12, qPrintable(tip));
  }

  // A results folder replaced by a file is said to be one: "No saved runs yet ... Drop result
  // files here" sent the user to drop files where none can go.
  void resultsFolderThatIsAFileIsSaidToBe() {
    const QString folder = m_dir.filePath(QStringLiteral("results"));
    QFile blocker(folder);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    ResultLibrary library(folder);
    HistoryPanel panel(&library);
    bool said = false;
    for (const QLabel* label : panel.findChildren<QLabel*>()) {
      said = said || label->text().contains(QLatin1String("is a file, not a folder"));
    }
    QVERIFY(said);
  }

  // The machine cell's tooltip has what else sets a CPU's speed: the BLAS that did its products.
  void machineTipNamesTheBlas() {
    ResultLibrary library(m_dir.path());
    RunResult run = makeResult("2026-11-26T10:00:00Z", "alpha", 10.0);
    run.system.cpuModel = "Test CPU";
    run.system.blas = "reference BLAS";
    library.save(run);
    HistoryPanel panel(&library);
    const QString tip = cell(panel.view()->model(), 0, HistoryPanel::MachineColumn, Qt::ToolTipRole);
    QVERIFY2(tip.contains(QLatin1String("CPU BLAS: reference BLAS")), qPrintable(tip));
  }
};

QTEST_MAIN(TestHistoryRows)
#include "tst_history_rows.moc"
