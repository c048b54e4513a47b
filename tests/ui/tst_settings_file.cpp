// The app's settings file shared by two windows (a second TrainBench started beside the first):
// each saves what it changed, and a window closed later does not write its old values over the
// other's changes. Values a window could not take are still written as it shows them; the
// import folder is kept.
#include "comparison/comparison_panel.h"
#include "history/history_panel.h"
#include "panels/setup_panel.h"
#include "results/result_file.h"
#include "window/main_window.h"
#include "window/notice_bar.h"

#include "../support/run_result_builder.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace tb::ui;

namespace {

QString settingIn(const QString& file, const QString& key) {
  return QSettings(file, QSettings::IniFormat).value(key).toString();
}

bool writeIni(const QString& file, const QByteArray& text) {
  QFile ini(file);
  return ini.open(QIODevice::WriteOnly) && ini.write(text) == text.size();
}

}  // namespace

class SettingsFileTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void windowsSaveOnlyWhatTheyChanged() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("shared.ini"));
    const QString results = dir.filePath(QStringLiteral("results"));
    QVERIFY(writeIni(file, "[setup]\nworkload=fashion-mlp\nepochs=4\n"));
    auto first = std::make_unique<MainWindow>(file, results);
    auto second = std::make_unique<MainWindow>(file, results);
    QCOMPARE(second->setupPanel()->workload(), QStringLiteral("fashion-mlp"));
    second->setupPanel()->setWorkload(QStringLiteral("cifar10-cnn"));
    QVERIFY(second->close());
    second.reset();
    QCOMPARE(settingIn(file, QStringLiteral("setup/workload")), QStringLiteral("cifar10-cnn"));

    // The first window changed only its epochs: the second's workload stays.
    first->setupPanel()->setEpochs(7);
    QVERIFY(first->close());
    first.reset();
    QCOMPARE(settingIn(file, QStringLiteral("setup/workload")), QStringLiteral("cifar10-cnn"));
    QCOMPARE(settingIn(file, QStringLiteral("setup/epochs")), QStringLiteral("7"));
  }

  // A value the window could not take is left at its default and said; closing writes the
  // default, as the notice says, though the user changed nothing.
  void valuesTheWindowCouldNotTakeAreWrittenAsShown() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("bad.ini"));
    QVERIFY(writeIni(file, "[setup]\nepochs=abc\n"));
    int shownEpochs = 0;
    {
      MainWindow window(file, dir.filePath(QStringLiteral("results")));
      shownEpochs = window.setupPanel()->configs().isEmpty()
                        ? 0
                        : window.setupPanel()->configs().constFirst().epochs;
      QVERIFY(window.close());
    }
    QVERIFY(shownEpochs > 0);
    QCOMPARE(settingIn(file, QStringLiteral("setup/epochs")), QString::number(shownEpochs));
    // Keys the file lacked are written too: the next start shows the same window.
    QVERIFY(!settingIn(file, QStringLiteral("setup/workload")).isEmpty());
  }

  // Names this version does not read, misspelt by hand ("[Setup]", "epoch"), are said, and
  // left in the file; the ones it reads, an older version's "quick" among them, are not named.
  void unknownSettingsAreSaid() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("typo.ini"));
    QVERIFY(writeIni(file,
                     "[setup]\nepoch=3\nquick=true\nworkload=fashion-mlp\n[Setup]\nworkload=cifar10-cnn\n"
                     "[export]\nfolder=/tmp\n"));
    {
      MainWindow window(file, dir.filePath(QStringLiteral("results")));
      const QString shown = window.noticeBar()->text();
      QVERIFY2(shown.contains(QLatin1String("does not read")), qPrintable(shown));
      QVERIFY2(shown.contains(QLatin1String("setup/epoch")) &&
                   shown.contains(QLatin1String("Setup/workload")),
               qPrintable(shown));
      QVERIFY2(!shown.contains(QLatin1String("quick")) && !shown.contains(QLatin1String("export")),
               qPrintable(shown));
      QVERIFY(window.close());
    }
    QCOMPARE(settingIn(file, QStringLiteral("setup/epoch")), QStringLiteral("3"));
  }

  // File › Import opens where files were last imported from (a server's results, copied over
  // again), after a restart too: it opened in the working folder every time.
  void importOpensInTheLastFolder() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("settings.ini"));
    const QString server = dir.filePath(QStringLiteral("server"));
    QVERIFY(QDir().mkpath(server));
    tb::writeResultFile(tbtest::RunResultBuilder().workload("fashion-mlp").device("cpu", "CPU"),
                        (server + QStringLiteral("/run.json")).toStdString());
    QStringList openedIn;  // the folder each dialog opened in
    QTimer answer;         // picks the server's file in the first dialog, cancels the second
    connect(&answer, &QTimer::timeout, this, [&] {
      auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
      if (!dialog || dialog->property("seen").toBool()) return;
      dialog->setProperty("seen", true);
      openedIn << dialog->directory().absolutePath();
      if (openedIn.size() > 1) return dialog->reject();
      dialog->setDirectory(server);  // as typed: the name field has the focus
      dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"))
          ->setText(QStringLiteral("run.json"));
      QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
    });
    answer.start(50);
    for (int start = 0; start < 2; ++start) {
      MainWindow window(file, dir.filePath(QStringLiteral("results")));
      window.findChild<HistoryPanel*>()->importWithDialog();
      QVERIFY(window.close());
    }
    QCOMPARE(openedIn.size(), 2);
    QVERIFY(openedIn[0] != server);
    QCOMPARE(openedIn[1], server);
  }

  // History's sort and a column dragged wider outlive a rescan (a run saved) and a restart; so
  // does where the comparison's table and chart part. All were back at their defaults.
  void historyViewAndComparisonLayoutAreKept() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("settings.ini"));
    const QString results = dir.filePath(QStringLiteral("results"));
    QVERIFY(QDir().mkpath(results));
    const auto save = [&](const char* name, double seconds) {
      tb::writeResultFile(tbtest::RunResultBuilder().device("cpu", "CPU").totalSeconds(seconds),
                          (results + u'/' + QLatin1String(name)).toStdString());
    };
    save("a.json", 30);
    save("b.json", 10);
    QList<int> parted;
    {
      MainWindow window(file, results);
      window.show();
      auto* history = window.findChild<HistoryPanel*>();
      QTableView* view = history->view();
      QTRY_COMPARE(view->model()->rowCount(), 2);
      view->sortByColumn(HistoryPanel::TotalTimeColumn, Qt::AscendingOrder);
      view->horizontalHeader()->resizeSection(HistoryPanel::WorkloadColumn, 333);
      save("c.json", 20);
      history->refresh();
      QTRY_COMPARE(view->model()->rowCount(), 3);
      QCOMPARE(view->columnWidth(HistoryPanel::WorkloadColumn), 333);
      auto* splitter = window.comparisonPanel()->findChild<QSplitter*>();
      QVERIFY(splitter);
      parted = QList<int>{300, splitter->sizes().value(0) + splitter->sizes().value(1) - 300};
      splitter->setSizes(parted);
      parted = splitter->sizes();
      QVERIFY(window.close());
    }
    QCOMPARE(settingIn(file, QStringLiteral("history/sort")), QStringLiteral("total ascending"));
    MainWindow window(file, results);
    window.show();
    QTableView* view = window.findChild<HistoryPanel*>()->view();
    QTRY_COMPARE(view->model()->rowCount(), 3);
    QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(HistoryPanel::TotalTimeColumn));
    QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(view->model()
                 ->index(0, HistoryPanel::TotalTimeColumn)
                 .data(HistoryPanel::kSortRole)
                 .toDouble(),
             10.0);
    QCOMPARE(view->columnWidth(HistoryPanel::WorkloadColumn), 333);
    QCOMPARE(window.comparisonPanel()->findChild<QSplitter*>()->sizes(), parted);
    QVERIFY(window.close());
  }

  // A sort or width the window cannot use is named, like Setup's, and the defaults stay.
  void unusableHistoryViewSettingsAreSaid() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("view.ini"));
    QVERIFY(writeIni(file, "[history]\nsort=speed descending\ncolumnWidths=status=0\n"));
    MainWindow window(file, dir.filePath(QStringLiteral("results")));
    const QString shown = window.noticeBar()->text();
    QVERIFY2(shown.contains(QLatin1String("history/sort=speed descending")) &&
                 shown.contains(QLatin1String("history/columnWidths=status=0")),
             qPrintable(shown));
    QTableView* view = window.findChild<HistoryPanel*>()->view();
    QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(HistoryPanel::DateColumn));
    QVERIFY(window.close());
  }
};

QTEST_MAIN(SettingsFileTest)
#include "tst_settings_file.moc"
