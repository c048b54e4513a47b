// The main window as a user drives it: settings survive a restart, a run fills the charts and the
// comparison, a failed run is reported without stopping the queue.
#include "charts/chart_panel.h"
#include "common/metatypes.h"
#include "comparison/comparison_panel.h"
#include "history/result_library.h"
#include "model/run_collection.h"
#include "model/run_recorder.h"
#include "panels/setup_panel.h"
#include "results/result_file.h"
#include "run/run_controller.h"
#include "window/export_actions.h"
#include "window/main_window.h"
#include "window/notice_bar.h"

#include "../support/answer_dialogs.h"
#include "../support/run_result_builder.h"
#include "../support/tiny_run_setup.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QDropEvent>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <unistd.h>

#include <algorithm>
#include <memory>

using namespace tb::ui;

namespace {

constexpr int kGenerousMs = 60000;  // waits fail the test only when nothing happens

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private:
  // A fresh folder per test function (init()), so no test sees another's settings or results.
  std::unique_ptr<QTemporaryDir> m_dir;
  QString settingsFile() const { return m_dir->filePath(QStringLiteral("settings.ini")); }
  QString resultsFolder() const { return m_dir->filePath(QStringLiteral("results")); }

  // The splitter between the sidebar and the charts.
  static QSplitter* sidebarSplitter(const MainWindow& window) {
    for (QSplitter* splitter : window.findChildren<QSplitter*>()) {
      if (splitter->orientation() == Qt::Horizontal) return splitter;
    }
    return nullptr;
  }

  // Starts a long run and, once it has trained an epoch, replaces the results folder with a
  // file, so that its result cannot be saved.
  void startRunThenBlockTheFolder(MainWindow& window) {
    window.setupPanel()->setEpochs(100);  // time to replace the folder before it ends
    QSignalSpy epochs(window.controller(), &RunController::epochFinished);
    QVERIFY(window.startRuns().isEmpty());
    QVERIFY(epochs.wait(kGenerousMs));
    QVERIFY(QDir(resultsFolder()).removeRecursively());
    QFile blocker(resultsFolder());
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
  }

 private Q_SLOTS:
  void initTestCase() { registerMetaTypes(); }
  void init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
  }
  void cleanup() { m_dir.reset(); }

  // A run the library could not save (its folder replaced by a file mid-run, a full disk) stays
  // on screen, and File › Save unsaved results saves it once the folder is back.
  void unsavedResultCanBeSavedAgain() {
    MainWindow window(settingsFile(), resultsFolder());
    tbtest::setTinyRun(window.setupPanel());
    auto* saveAgain = window.findChild<QAction*>(QStringLiteral("saveUnsavedResults"));
    QVERIFY(saveAgain);
    QVERIFY(!saveAgain->isEnabled());
    QSignalSpy idle(window.controller(), &RunController::idle);
    startRunThenBlockTheFolder(window);
    if (QTest::currentTestFailed()) return;
    window.stopRuns();  // its epochs so far are saved as a cancelled run, however fast it trains
    QVERIFY(!idle.isEmpty() || idle.wait(kGenerousMs));
    QVERIFY2(window.noticeBar()->text().contains(QStringLiteral("kept in this window only")),
             qPrintable(window.noticeBar()->text()));
    QVERIFY(saveAgain->isEnabled());
    QCOMPARE(window.collection()->count(), 1);
    QVERIFY(window.collection()->at(0).filePath.isEmpty());

    saveAgain->trigger();  // still blocked: still unsaved, and said so
    QVERIFY(saveAgain->isEnabled());
    QVERIFY(window.noticeBar()->text().contains(QStringLiteral("still not saved")));
    // Clear charts keeps it: it lives only here.
    window.findChild<QAction*>(QStringLiteral("clearCharts"))->trigger();
    QCOMPARE(window.collection()->count(), 1);
    QVERIFY(saveAgain->isEnabled());
    // Closing asks first: Cancel keeps the window; Save fails again (still blocked) and keeps it.
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (const auto answer : {QMessageBox::Cancel, QMessageBox::Save}) {
      bool asked = false;
      const auto answers = tbtest::answerDialogs(QString(), answer, &asked);
      QVERIFY(!window.close());
      QVERIFY(asked);
      QVERIFY(window.isVisible());
      QCOMPARE(window.collection()->count(), 1);
    }
    QVERIFY(QFile::remove(resultsFolder()));
    saveAgain->trigger();
    QVERIFY(!saveAgain->isEnabled());
    const QString saved = window.collection()->at(0).filePath;
    QVERIFY(QFileInfo(saved).isFile());
    const std::size_t trained = window.collection()->at(0).result.epochs.size();
    QVERIFY(trained > 0);
    QCOMPARE(tb::readResultFile(saved.toStdString()).epochs.size(), trained);
    // Saved, closing asks nothing.
    {
      bool asked = false;
      const auto answers = tbtest::answerDialogs(QString(), QMessageBox::Cancel, &asked);
      QVERIFY(window.close());
      QVERIFY(!asked);
    }
    // A run whose file was deleted in History has no file either: it is not written back.
    window.collection()->setFilePath(window.collection()->at(0).id, QString());
    QCOMPARE(window.recorder()->unsavedCount(), 0);
    QVERIFY(!saveAgain->isEnabled());
  }

  // Closed during a run whose result cannot be saved: the question comes once the run has
  // stopped. Cancel keeps the window, and Run works again (Run did nothing, the window still
  // waiting to close). A signal while it asks closes the window and the question with it.
  void cancelledCloseLetsRunAgain() {
    MainWindow window(settingsFile(), resultsFolder());
    tbtest::setTinyRun(window.setupPanel());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy idle(window.controller(), &RunController::idle);
    startRunThenBlockTheFolder(window);
    if (QTest::currentTestFailed()) return;
    {
      bool stopAsked = false;
      const auto stop = tbtest::answerStopQuestion(QMessageBox::Yes, &stopAsked);
      bool asked = false;
      const auto answers = tbtest::answerDialogs(QString(), QMessageBox::Cancel, &asked);
      QVERIFY(!window.close());  // stops the run first
      QVERIFY(stopAsked);
      QTRY_VERIFY_WITH_TIMEOUT(asked, kGenerousMs);
    }
    QVERIFY(window.isVisible());
    QCOMPARE(window.recorder()->unsavedCount(), 1);
    QVERIFY(QFile::remove(resultsFolder()));  // a run refuses a folder it cannot save into
    QSignalSpy started(window.controller(), &RunController::runStarted);
    window.requestRuns();
    QVERIFY(started.wait(kGenerousMs));
    idle.clear();
    window.stopRuns();
    QVERIFY(idle.wait(kGenerousMs));
    QVERIFY(window.isVisible());  // a plain stop does not close
    QCOMPARE(window.recorder()->unsavedCount(), 1);  // the first run's save was never retried

    // With nobody to ask, a result the folder refuses (blocked again) goes to the temporary
    // folder: it was thrown away in silence.
    QVERIFY(QDir(resultsFolder()).removeRecursively());
    QFile blocker(resultsFolder());
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString tmp = m_dir->filePath(QStringLiteral("tmp"));
    QVERIFY(QDir().mkpath(tmp));
    const QByteArray tmpBefore = qgetenv("TMPDIR");
    const auto restoreTmp = qScopeGuard([&] { qputenv("TMPDIR", tmpBefore); });
    qputenv("TMPDIR", QFile::encodeName(tmp));
    QTimer signal;  // SIGTERM's handler, once the question is up
    connect(&signal, &QTimer::timeout, &window, [&window] {
      if (qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) window.requestQuit(130);
    });
    signal.start(50);
    QVERIFY(window.close());
    QCOMPARE(window.quitCode(), std::optional<int>(130));
    QVERIFY(!window.isVisible());
    QVERIFY(!QApplication::activeModalWidget());
    // In this user's folder of the temporary one, in the sub-folder of this results folder.
    const QString keptIn = RunRecorder::unattendedFolder(resultsFolder());
    QVERIFY2(keptIn.startsWith(tmp + QStringLiteral("/trainbench-unsaved-%1/").arg(::getuid())),
             qPrintable(keptIn));
    const QStringList kept = QDir(keptIn).entryList({QStringLiteral("*.json")}, QDir::Files);
    QCOMPARE(kept.size(), qsizetype{1});
    QCOMPARE(window.recorder()->unsavedCount(), 0);
  }

  // What the user set up last time is there again after a restart.
  void settingsRoundTrip() {
    {
      MainWindow window(settingsFile(), resultsFolder());
      tbtest::setTinyRun(window.setupPanel());
      window.setupPanel()->setEpochs(7);
      window.resize(1600, 800);  // room to drag the sidebar wider
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      sidebarSplitter(window)->setSizes({500, 1100});
      window.close();
    }
    MainWindow window(settingsFile(), resultsFolder());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(sidebarSplitter(window)->sizes().constFirst(), 500);  // the sidebar as dragged
    const auto configs = window.setupPanel()->configs();
    QCOMPARE(configs.size(), 1);
    QCOMPARE(configs[0].epochs, 7);
    QCOMPARE(configs[0].trainLimit, std::int64_t{600});
    QVERIFY(configs[0].synthetic);
    QCOMPARE(configs[0].device, std::string("cpu"));

    // A command-line run (`trainbench --run ... --epochs 2`) leaves the user's settings alone.
    {
      MainWindow automated(settingsFile(), resultsFolder());
      automated.keepSavedSettings();
      automated.setupPanel()->setEpochs(2);
      automated.close();
    }
    MainWindow next(settingsFile(), resultsFolder());
    QCOMPARE(next.setupPanel()->configs()[0].epochs, 7);
  }

  // Clicking Run trains, fills charts and comparison, and saves the run in the library.
  void runFillsChartsComparisonAndLibrary() {
    MainWindow window(settingsFile(), resultsFolder());
    window.show();
    tbtest::setTinyRun(window.setupPanel());
    QSignalSpy idle(window.controller(), &RunController::idle);
    QTest::mouseClick(window.setupPanel()->runButton(), Qt::LeftButton);
    QVERIFY(window.controller()->isBusy());
    QVERIFY(idle.wait(kGenerousMs));

    QCOMPARE(window.collection()->count(), 1);
    const auto& run = window.collection()->at(0);
    QVERIFY(!run.live);
    QCOMPARE(run.result.epochs.size(), std::size_t{2});
    QVERIFY(!run.filePath.isEmpty());
    QVERIFY(QFileInfo::exists(run.filePath));
    QTRY_VERIFY_WITH_TIMEOUT(!window.comparisonPanel()->rows().empty(), kGenerousMs);
    QCOMPARE(window.comparisonPanel()->rows()[0].device, std::string("cpu"));
    window.library()->reload();
    // This test's own results folder holds this run and nothing else.
    QCOMPARE(window.library()->entries().size(), qsizetype{1});
  }

  // A name with a dot ("results-2026.12.03") still gets ".csv"; the file starts with a UTF-8
  // byte-order mark, so a spreadsheet reads the labels' "—" as such.
  void exportedCsvHasItsSuffixAndMark() {
    MainWindow window(settingsFile(), resultsFolder());
    const QString folder = m_dir->filePath(QStringLiteral("exports"));
    QVERIFY(QDir().mkpath(folder));
    QAction* csv = nullptr;
    for (QAction* action : window.exportActions()->menu()->actions()) {
      if (action->text().remove(QLatin1Char('&')).contains(QStringLiteral("CSV"))) csv = action;
    }
    QVERIFY(csv);
    bool asked = false;
    const auto answers =
        tbtest::answerDialogs(folder + QStringLiteral("/results-2026.12.03"), QMessageBox::Yes, &asked);
    csv->trigger();
    QFile file(folder + QStringLiteral("/results-2026.12.03.csv"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().startsWith("\xEF\xBB\xBFlabel,device,"));
  }

  // A report of no runs is the comparison's page alone: no pages of empty axes.
  void reportWithoutRunsHasNoEmptyCharts() {
    MainWindow window(settingsFile(), resultsFolder());
    const QString path = m_dir->filePath(QStringLiteral("empty.pdf"));
    QString error;
    QVERIFY2(window.exportActions()->saveReport(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray pdf = file.readAll();
    QCOMPARE(pdf.count("/Type /Page\n") + pdf.count("/Type /Page\r") + pdf.count("/Type /Page "),
             qsizetype{1});
  }

  // Export › Comparison as CSV with a name typed without ".csv": the file written is
  // "report.csv", so that is the one the dialog asks about replacing. "No" keeps it; "Yes"
  // replaces it, and the folder is remembered in this window's settings file.
  void exportAsksBeforeReplacingTheSuffixedFile() {
    MainWindow window(settingsFile(), resultsFolder());
    const QString folder = m_dir->filePath(QStringLiteral("exports"));
    QVERIFY(QDir().mkpath(folder));
    const QString existing = folder + QStringLiteral("/report.csv");
    {
      QFile file(existing);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("OLD");
    }
    QAction* csv = nullptr;
    for (QAction* action : window.exportActions()->menu()->actions()) {
      if (action->text().remove(QLatin1Char('&')).contains(QStringLiteral("CSV"))) csv = action;
    }
    QVERIFY(csv);
    for (const auto answer : {QMessageBox::No, QMessageBox::Yes}) {
      bool asked = false;
      const auto answers = tbtest::answerDialogs(folder + QStringLiteral("/report"), answer, &asked);
      csv->trigger();
      QVERIFY(asked);
      QFile file(existing);
      QVERIFY(file.open(QIODevice::ReadOnly));
      QCOMPARE(file.readAll() == "OLD", answer == QMessageBox::No);
    }
    QSettings settings(settingsFile(), QSettings::IniFormat);
    QCOMPARE(settings.value(QStringLiteral("export/folder")).toString(), folder);
  }

  // View › Show published figures and the comparison's own checkbox are one setting: unticking
  // either unticks both, and the next click on the menu shows the figures again.
  void publishedFiguresMenuFollowsTheCheckbox() {
    MainWindow window(settingsFile(), resultsFolder());
    QAction* menu = nullptr;
    for (QAction* action : window.findChildren<QAction*>()) {
      if (action->text().remove(QLatin1Char('&')) == QStringLiteral("Show published figures")) {
        menu = action;
      }
    }
    QVERIFY(menu);
    auto* box = window.comparisonPanel()->findChild<QCheckBox*>();
    QVERIFY(box);
    QVERIFY(menu->isChecked() && box->isChecked());
    box->click();
    QVERIFY(!menu->isChecked());
    QVERIFY(!window.comparisonPanel()->showPublished());
    menu->trigger();
    QVERIFY(box->isChecked());
    QVERIFY(window.comparisonPanel()->showPublished());
  }

  // A hand-edited "no" turns the published figures off, as "false" does; what the app cannot
  // read keeps the default (shown), rather than QVariant's "any other text is true".
  void publishedFiguresSettingIsReadStrictly_data() {
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("shown");
    QTest::newRow("false") << QStringLiteral("false") << false;
    QTest::newRow("0") << QStringLiteral("0") << false;
    QTest::newRow("no") << QStringLiteral("no") << false;
    QTest::newRow("Off") << QStringLiteral("Off") << false;
    QTest::newRow("true") << QStringLiteral("true") << true;
    QTest::newRow("garbage") << QStringLiteral("perhaps") << true;
  }
  void publishedFiguresSettingIsReadStrictly() {
    QFETCH(QString, value);
    QFETCH(bool, shown);
    {
      QSettings settings(settingsFile(), QSettings::IniFormat);
      settings.setValue(QStringLiteral("view/showPublished"), value);
    }
    MainWindow window(settingsFile(), resultsFolder());
    QCOMPARE(window.comparisonPanel()->showPublished(), shown);
  }

  // Notices tint the bar once: the tenth error notice is no redder than the first.
  void noticeTintDoesNotDeepen() {
    MainWindow window(settingsFile(), resultsFolder());
    window.show();
    window.showNotice(QStringLiteral("first"), true);
    const QColor first = window.noticeBar()->palette().color(QPalette::Window);
    for (int i = 0; i < 9; ++i) window.showNotice(QStringLiteral("notice %1").arg(i), true);
    QCOMPARE(window.noticeBar()->palette().color(QPalette::Window), first);
  }

  // A notice is a few lines of plain text: a megabyte took the word-wrapping label minutes to
  // lay out, and markup from a shared file was rendered (a green "Imported OK" in an error).
  void noticesAreShortPlainText() {
    MainWindow window(settingsFile(), resultsFolder());
    window.show();
    window.showNotice(QStringLiteral("<b>bold</b> ") + QString(1'000'000, u'y'), true);
    const QString shown = window.noticeBar()->text();
    QVERIFY2(shown.size() < 1000, qPrintable(shown.left(100)));
    QVERIFY(shown.startsWith(QLatin1String("<b>bold</b> yyy")));
    const auto* label = window.noticeBar()->findChild<QLabel*>(QStringLiteral("noticeText"));
    QVERIFY(label);
    QCOMPARE(label->textFormat(), Qt::PlainText);
  }

  // One file opened under several spellings of its path is one run, kept under its absolute
  // path (the one History's Delete names); a file that cannot be read is reported back.
  void openingAFileTwiceShowsOneRun() {
    MainWindow window(settingsFile(), resultsFolder());
    const QString path = m_dir->filePath(QStringLiteral("run.json"));
    tb::writeResultFile(tbtest::RunResultBuilder().workload("fashion-mlp").device("cpu", "CPU"),
                        path.toStdString());
    const QString before = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_dir->path()));
    const auto restore = qScopeGuard([&] { QDir::setCurrent(before); });
    const QStringList problems =
        window.openResultFiles({path, QStringLiteral("run.json"), QStringLiteral("./run.json"),
                                QStringLiteral("no.json")});
    QCOMPARE(window.collection()->count(), 1);
    QCOMPARE(window.collection()->at(0).filePath, path);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.first().contains(QStringLiteral("no.json")), qPrintable(problems.first()));
  }

  // A copy of a shown run (a backup, the library's copy of an imported file) is the same run:
  // shown twice it would count as two repeats, with a made-up interval. A run whose file was
  // deleted takes the path of a copy opened later, so Delete finds it again.
  void aCopyOfAShownRunIsTheSameRun() {
    MainWindow window(settingsFile(), resultsFolder());
    const tb::RunResult run = tbtest::RunResultBuilder().workload("fashion-mlp").device("cpu", "CPU");
    const QString original = m_dir->filePath(QStringLiteral("run.json"));
    const QString copy = m_dir->filePath(QStringLiteral("run-backup.json"));
    tb::writeResultFile(run, original.toStdString());
    tb::writeResultFile(run, copy.toStdString());
    QVERIFY(window.openResultFiles({original, copy}).isEmpty());
    QCOMPARE(window.collection()->count(), 1);
    QCOMPARE(window.collection()->at(0).filePath, original);

    window.collection()->setFilePath(window.collection()->at(0).id, QString());  // deleted
    QVERIFY(window.openResultFiles({copy}).isEmpty());
    QCOMPARE(window.collection()->count(), 1);
    QCOMPARE(window.collection()->at(0).filePath, copy);

    // Another run of the same device is another run.
    tb::RunResult other = run;
    other.created = "2026-12-03T10:00:00Z";
    const QString second = m_dir->filePath(QStringLiteral("second.json"));
    tb::writeResultFile(other, second.toStdString());
    QVERIFY(window.openResultFiles({second}).isEmpty());
    QCOMPARE(window.collection()->count(), 2);
  }

  // A result file dropped on a text field (History's filter, the learning rate) is imported as
  // anywhere else, not pasted in as text; a good import's notice takes the place of the last
  // one's error, whose red went with it (it stayed above "Imported 1 run").
  void resultFileDroppedOnATextFieldIsImported() {
    MainWindow window(settingsFile(), resultsFolder());
    const QString bad = m_dir->filePath(QStringLiteral("bad.json"));
    QVERIFY(QFile(bad).open(QIODevice::WriteOnly));  // empty: no result
    const QString good = m_dir->filePath(QStringLiteral("good.json"));
    tb::writeResultFile(tbtest::RunResultBuilder().workload("fashion-mlp").device("cpu", "CPU"),
                        good.toStdString());
    for (const QString& file : {bad, good}) {
      for (QLineEdit* field : window.findChildren<QLineEdit*>()) {
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(file)});
        mime.setText(file);
        QDragEnterEvent enter(QPoint(2, 2), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(field, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(2, 2), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(field, &drop);
        QVERIFY2(!field->text().contains(file), qPrintable(field->accessibleName()));
      }
      QCOMPARE(window.noticeBar()->showsError(), file == bad);
    }
    window.library()->reload();
    QCOMPARE(window.library()->entries().size(), qsizetype{1});
    QVERIFY2(!window.noticeBar()->text().contains(QStringLiteral("Could not import")),
             qPrintable(window.noticeBar()->text()));
  }

  // A failing run shows its error without a modal dialog, and the next queued run still runs.
  void failedRunIsReportedAndQueueContinues() {
    MainWindow window(settingsFile(), resultsFolder());
    tbtest::setTinyRun(window.setupPanel());
    auto configs = window.setupPanel()->configs();
    auto failing = configs[0];
    failing.synthetic = false;
    failing.dataDir = m_dir->filePath(QStringLiteral("no-such-folder")).toStdString();
    QSignalSpy idle(window.controller(), &RunController::idle);
    window.controller()->enqueue({failing, configs[0]});
    QVERIFY(idle.wait(kGenerousMs));
    const QString notice = window.noticeBar()->text();
    QVERIFY(notice.contains(QStringLiteral("no-such-folder")));
    // Missing data is a download away: the hint says so, after a full stop, not "repair".
    QVERIFY2(notice.contains(QStringLiteral("--synthetic. File \u203a Download dataset fetches it.")),
             qPrintable(notice));
    QCOMPARE(window.collection()->count(), 1);  // the good run
    QCOMPARE(window.collection()->at(0).result.epochs.size(), std::size_t{2});
  }
};

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
