// The desktop app under faults: SIGTERM, SIGINT and SIGHUP stop the run and save it as
// cancelled before the app exits (130); an output nobody reads does not end it; a results
// folder that cannot take results stops the run before it starts (and --quit-when-done exits
// non-zero); and the app's library saving at the same moment as two CLI processes never loses
// or replaces a result.
#include "history/result_library.h"
#include "results/result_file.h"

#include "../support/absent_device.h"
#include "../support/app_process.h"
#include "../support/run_result_builder.h"
#include "../support/signal_state.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>
#include <csignal>
#include <set>

using tb::RunResult;
using tb::ui::ResultLibrary;
using tbtest::RunResultBuilder;
using tbtest::resultFiles;
using tbtest::untilTraining;

namespace {

// The CLI names files by the second they were made: the same second here invites clashes.
RunResult makeResult(int index) {
  return RunResultBuilder()
      .created("2026-12-02T06:00:00Z")
      .workload("fashion-mlp", "fashion-mnist")
      .samples(256, 64)
      .seed(static_cast<std::uint64_t>(index))
      .device("cpu", "Test CPU")
      .host("bench-1")
      .epoch(/*seconds=*/0.2, /*samplesPerSecond=*/1280.0)
      .totalSeconds(0.25)
      .build();
}

}  // namespace

class TestAppFaults final : public tbtest::AppProcessTest {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { setUpApp(); }
  void init() { startTest(); }

  // The app receives a termination signal mid-run: the run is saved as cancelled, then the app
  // exits with 130 (it saved nothing before). Closing its terminal sends two SIGHUPs at once
  // (the kernel's and the shell's): a hangup never ends the app before its save, as a second
  // Ctrl+C does.
  void signalsSaveTheRunningRun_data() {
    QTest::addColumn<int>("signalNumber");
    QTest::addColumn<int>("times");
    QTest::newRow("SIGTERM") << int(SIGTERM) << 1;
    QTest::newRow("SIGINT") << int(SIGINT) << 1;
    QTest::newRow("SIGHUP") << int(SIGHUP) << 1;
    QTest::newRow("terminal closed: SIGHUP twice") << int(SIGHUP) << 2;
  }
  void signalsSaveTheRunningRun() {
    QFETCH(int, signalNumber);
    QFETCH(int, times);
    QProcess app;
    app.setProcessEnvironment(environment());
    app.start(m_app, appRun(QStringLiteral("10000")));
    QVERIFY(app.waitForStarted());
    QString out = untilTraining(app);
    if (QTest::currentTestFailed()) return;
    QString err;
    for (int i = 0; i < times; ++i) {
      // The second once the app took the first, as a terminal's second comes: sent at once they
      // would merge into one pending signal.
      while (i > 0 && !err.contains(QLatin1String("stopping")) &&
             app.state() == QProcess::Running) {
        app.waitForReadyRead(1);
        err += QString::fromUtf8(app.readAllStandardError());
      }
      ::kill(static_cast<pid_t>(app.processId()), signalNumber);
    }
    QVERIFY(app.waitForFinished(120000));
    out += QString::fromUtf8(app.readAllStandardOutput());
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 130);
    QVERIFY2(out.contains(QLatin1String("Result saved to")), qPrintable(out));
    const QStringList saved = resultFiles(m_results);
    QCOMPARE(saved.size(), 1);
    const RunResult result =
        tb::readResultFile(QDir(m_results).filePath(saved.first()).toStdString());
    QCOMPARE(result.status, tb::RunStatus::Cancelled);
  }

  // Started with SIGHUP ignored (`nohup trainbench ... &`, then the terminal closes): the run
  // goes on to its end and is saved as completed (the app took the signal as a request to stop).
  void ignoredHangupLetsTheRunFinish() {
    QProcess app;
    app.setProcessEnvironment(environment());
    app.setChildProcessModifier([] { ::signal(SIGHUP, SIG_IGN); });
    QStringList args = appRun(QStringLiteral("300"));  // epochs: seconds, the signal comes first
    args[args.indexOf(QStringLiteral("64"))] = QStringLiteral("640");
    app.start(m_app, args);
    QVERIFY(app.waitForStarted());
    QString out = untilTraining(app);
    if (QTest::currentTestFailed()) return;
    // Still ignored while it trains (the app's handler had replaced the inherited SIG_IGN).
    QVERIFY(tbtest::ignoresSignal(app.processId(), SIGHUP));
    ::kill(static_cast<pid_t>(app.processId()), SIGHUP);
    // A hang guard only: alone the run takes about 40 s, but beside a build on two cores it
    // outlasted 120 s; the test's own limit (600 s) stays above it.
    QVERIFY(app.waitForFinished(360000));
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QVERIFY2(app.exitCode() == 0, qPrintable(err));
    const QStringList saved = resultFiles(m_results);
    QCOMPARE(saved.size(), 1);
    const RunResult result =
        tb::readResultFile(QDir(m_results).filePath(saved.first()).toStdString());
    QCOMPARE(result.status, tb::RunStatus::Completed);
  }

  // Its output's reader gone (`trainbench ... | tee log` closed): the app's next line, a Qt
  // warning or "Running ...", ended it with SIGPIPE, before the run was trained or saved.
  void outputWithoutReaderLetsTheRunFinish() {
    QProcess app;
    app.setProcessEnvironment(environment());
    app.setChildProcessModifier([] {
      // As a shell starts it: QProcess ignores SIGPIPE here, which a child would inherit.
      ::signal(SIGPIPE, SIG_DFL);
      // Its output and errors into a pipe whose reading end is closed already.
      int ends[2];
      if (::pipe(ends) != 0) ::_exit(99);
      ::close(ends[0]);
      ::dup2(ends[1], STDOUT_FILENO);
      ::dup2(ends[1], STDERR_FILENO);
      ::close(ends[1]);
    });
    app.start(m_app, appRun(QStringLiteral("2")));
    QVERIFY(app.waitForFinished(120000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
    const QStringList saved = resultFiles(m_results);
    QCOMPARE(saved.size(), 1);
    const RunResult result =
        tb::readResultFile(QDir(m_results).filePath(saved.first()).toStdString());
    QVERIFY(result.status == tb::RunStatus::Completed);
  }

  // A file where the results folder should be: nothing trains, the error is printed, and
  // --quit-when-done exits 1 (it exited 0 after training and throwing the run away).
  void unusableResultsFolderStopsTheRun() {
    QVERIFY(QDir().mkpath(QFileInfo(m_results).path()));
    QVERIFY(QFile(m_results).open(QIODevice::WriteOnly));
    QProcess app;
    app.setProcessEnvironment(environment());
    app.start(m_app, appRun(QStringLiteral("1")));
    QVERIFY(app.waitForFinished(120000));
    const QString out = QString::fromUtf8(app.readAllStandardOutput());
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 1);
    QVERIFY2(err.contains(m_results) && err.contains(QLatin1String("not a folder")),
             qPrintable(err));
    QVERIFY2(!out.contains(QLatin1String("Running")), qPrintable(out));
  }

  // `trainbench --open ... --screenshot ... --quit-when-done` in a script: a file that cannot
  // be read fails the command (exit 1, named on stderr), while the readable one is shown and
  // the screenshot still written.
  void unreadableOpenFailsTheCommand() {
    QVERIFY(QDir().mkpath(m_results));
    const QString good = m_dir.filePath(QStringLiteral("good.json"));
    tb::writeResultFile(makeResult(1), good.toStdString());
    const QString missing = m_dir.filePath(QStringLiteral("missing.json"));
    const QString shot = m_dir.filePath(QStringLiteral("open.png"));
    QProcess app;
    app.setProcessEnvironment(environment());
    app.setWorkingDirectory(m_dir.path());
    app.start(m_app, {QStringLiteral("--open"), good, QStringLiteral("--open"),
                      QStringLiteral("./good.json"), QStringLiteral("--open"), missing,
                      QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("open.ini")),
                      QStringLiteral("--screenshot"), shot, QStringLiteral("--quit-when-done")});
    QVERIFY(app.waitForFinished(120000));
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 1);
    QVERIFY2(err.contains(QLatin1String("trainbench: error: ") + missing), qPrintable(err));
    // The whole window at its usual size: the offscreen platform's made-up 800x600 screen had
    // shrunk it, cutting the charts off and leaving the comparison out of the picture.
    QCOMPARE(QImage(shot).size(), QSize(1280, 800));
  }

  // A file named without --open (`trainbench run.json`, a file manager's "Open with") is opened
  // as with it: it was silently ignored.
  void fileWithoutOpenIsOpened() {
    const QString missing = m_dir.filePath(QStringLiteral("positional-missing.json"));
    QProcess app;
    app.setProcessEnvironment(environment());
    app.start(m_app, {missing, QStringLiteral("--settings"),
                      m_dir.filePath(QStringLiteral("positional.ini")),
                      QStringLiteral("--quit-when-done")});
    QVERIFY(app.waitForFinished(120000));
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 1);
    QVERIFY2(err.contains(QLatin1String("trainbench: error: ") + missing), qPrintable(err));
  }

  // What a script gets wrong is refused up front, naming the flag: a device this machine lacks
  // (it was left out and the run went on without it), and a --settings file that is not one
  // (the app overwrote it with INI text on closing).
  // A device is ticked or not: named twice, it trains once (the CLI trains it twice), and the
  // app says so rather than leave a scripted comparison one run short without a word.
  void deviceGivenTwiceTrainsOnceAndIsSaid() {
    QProcess app;
    app.setProcessEnvironment(environment());
    app.start(m_app, appRun(QStringLiteral("1"))
                         << QStringLiteral("--device") << QStringLiteral("cpu"));
    QVERIFY(app.waitForFinished(120000));
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 0);
    QVERIFY2(err.contains(QLatin1String("--device: cpu is given twice: it trains once")),
             qPrintable(err));
    QCOMPARE(resultFiles(m_results).size(), 1);
  }

  void badFlagsAreRefused() {
    QProcess app;
    app.setProcessEnvironment(environment());
    QStringList args = appRun(QStringLiteral("1"));
    const QString absent = QString::fromStdString(tbtest::absentCudaDevice());
    args << QStringLiteral("--device") << absent;
    app.start(m_app, args);
    QVERIFY(app.waitForFinished(120000));
    QString err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--device")) && err.contains(absent), qPrintable(err));
    QVERIFY(resultFiles(m_results).isEmpty());

    // A scaling that is not one: a strong run's scaling would otherwise come from the settings.
    app.start(m_app, appRun(QStringLiteral("1")) << QStringLiteral("--scaling")
                                                 << QStringLiteral("strongest"));
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--scaling expects weak or strong")), qPrintable(err));
    app.start(m_app, appRun(QStringLiteral("1")) << QStringLiteral("--scaling")
                                                 << QStringLiteral("strong"));
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--scaling applies only to a data-parallel run")),
             qPrintable(err));
    // A budget a run refuses, or two of them.
    app.start(m_app, appRun(QStringLiteral("1")) << QStringLiteral("--time-budget")
                                                 << QStringLiteral("3"));
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--time-budget expects 5 to 604800 seconds")),
             qPrintable(err));
    app.start(m_app, appRun(QStringLiteral("1")) << QStringLiteral("--time-budget")
                                                 << QStringLiteral("300") << QStringLiteral("--quick"));
    QVERIFY(app.waitForFinished(120000));
    QCOMPARE(app.exitCode(), 2);

    // Synthetic data and a data folder are opposite asks: the folder was dropped without a word.
    app.start(m_app, appRun(QStringLiteral("1")) << QStringLiteral("--data-dir") << m_dir.path());
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--synthetic excludes --data-dir")), qPrintable(err));

    // The app writes PNG only: a ".jpg" name would hold a PNG.
    const QString shot = m_dir.filePath(QStringLiteral("shot.jpg"));
    app.start(m_app, {QStringLiteral("--screenshot"), shot, QStringLiteral("--quit-when-done")});
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--screenshot")) && err.contains(QLatin1String(".png")),
             qPrintable(err));
    QVERIFY(!QFileInfo::exists(shot));
    app.start(m_app, {QStringLiteral("--tab"), QStringLiteral("histroy"), QStringLiteral("--quit-when-done")});
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--tab: 'histroy' is not charts or history")), qPrintable(err));
    // An option the app does not have is a usage error like the others (2), not Qt's exit 1,
    // which reads as a run that did not complete.
    app.start(m_app, {QStringLiteral("--quick-run"), QStringLiteral("--quit-when-done")});
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("trainbench: error: Unknown option 'quick-run'")),
             qPrintable(err));
    // A result file named "-x.json" read as options: the error says how to open it.
    app.setWorkingDirectory(m_dir.path());
    QVERIFY(QFile(m_dir.filePath(QStringLiteral("-x.json"))).open(QIODevice::WriteOnly));
    app.start(m_app, {QStringLiteral("-x.json"), QStringLiteral("--quit-when-done")});
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("-x.json is a file: to open it, give it as ./-x.json")),
             qPrintable(err));

    const QString json = m_dir.filePath(QStringLiteral("a-result.json"));
    tb::writeResultFile(makeResult(1), json.toStdString());
    QFile before(json);
    QVERIFY(before.open(QIODevice::ReadOnly));
    const QByteArray content = before.readAll();
    app.start(m_app, {QStringLiteral("--settings"), json, QStringLiteral("--quit-when-done")});
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--settings")) && err.contains(json), qPrintable(err));
    QFile after(json);
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), content);

    // Notes with an '=' in them read as INI keys: still not the app's settings to overwrite.
    const QString notes = m_dir.filePath(QStringLiteral("notes.md"));
    const QByteArray notesText = "# Setup\n\nBuild with `cmake -DCMAKE_BUILD_TYPE=Release`.\n";
    {
      QFile file(notes);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(notesText);
    }
    app.start(m_app, {QStringLiteral("--settings"), notes, QStringLiteral("--quit-when-done")});
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--settings")) && err.contains(notes), qPrintable(err));
    QFile notesAfter(notes);
    QVERIFY(notesAfter.open(QIODevice::ReadOnly));
    QCOMPARE(notesAfter.readAll(), notesText);

    // A report into a folder that is not there is refused before the run, not after it.
    args = appRun(QStringLiteral("1"));
    args << QStringLiteral("--report") << m_dir.filePath(QStringLiteral("no-such-folder/r.pdf"));
    app.start(m_app, args);
    QVERIFY(app.waitForFinished(120000));
    err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 2);
    QVERIFY2(err.contains(QLatin1String("--report")) && err.contains(QLatin1String("no-such-folder")),
             qPrintable(err));
    QVERIFY(resultFiles(m_results).isEmpty());
  }

  // A scripted run that fails says why on stderr, not only inside the saved file.
  void failedRunSaysWhy() {
    QProcess app;
    app.setProcessEnvironment(environment());
    QStringList args = appRun(QStringLiteral("1"));
    args.removeAll(QStringLiteral("--synthetic"));
    args << QStringLiteral("--data-dir") << m_dir.filePath(QStringLiteral("no-data-here"));
    app.start(m_app, args);
    QVERIFY(app.waitForFinished(120000));
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 1);
    QVERIFY2(err.contains(QLatin1String("the run on cpu failed")) &&
                 err.contains(QLatin1String("not found")),
             qPrintable(err));
  }

  // Two CLI processes with a slow disk and the app's library saving into one folder at once:
  // every result gets its own file and every reported path holds its own result.
  void librarySavesBesideConcurrentClis() {
    QVERIFY(QDir().mkpath(m_results));
    QProcessEnvironment slow = environment();
    slow.insert(QStringLiteral("LD_PRELOAD"), qEnvironmentVariable("TRAINBENCH_FAULT_INJECT"));
    slow.insert(QStringLiteral("TB_FAULT_FSYNC_DELAY_MS"), QStringLiteral("300"));
    const QStringList cliRun = {QStringLiteral("run"),           QStringLiteral("--synthetic"),
                                QStringLiteral("--train-limit"), QStringLiteral("64"),
                                QStringLiteral("--test-limit"),  QStringLiteral("32"),
                                QStringLiteral("--epochs"),      QStringLiteral("1"),
                                QStringLiteral("--threads"),     QStringLiteral("1")};
    QProcess cliA;
    QProcess cliB;
    for (QProcess* cli : {&cliA, &cliB}) {
      cli->setProcessEnvironment(slow);
      cli->start(m_cli, cliRun);
    }
    ResultLibrary library(m_results);
    std::set<QString> paths;
    constexpr int kAppSaves = 6;
    for (int i = 0; i < kAppSaves; ++i) {
      QString error;
      const QString path = library.save(makeResult(i), &error);
      QVERIFY2(!path.isEmpty(), qPrintable(error));
      paths.insert(path);
    }
    const QRegularExpression saved(QStringLiteral("Result saved to (.+)\\n"));
    for (QProcess* cli : {&cliA, &cliB}) {
      QVERIFY(cli->waitForFinished(120000));
      QCOMPARE(cli->exitCode(), 0);
      const QString path = saved.match(QString::fromUtf8(cli->readAllStandardOutput())).captured(1);
      QVERIFY(!path.isEmpty());
      paths.insert(path);
    }
    QCOMPARE(int(paths.size()), kAppSaves + 2);
    QCOMPARE(resultFiles(m_results).size(), kAppSaves + 2);
    for (int i = 0; i < kAppSaves; ++i) {
      // Each of the app's results is still there, unchanged, under the path save() returned.
      bool found = false;
      for (const QString& path : paths) {
        const RunResult back = tb::readResultFile(path.toStdString());
        found = found || (back.config.seed == static_cast<std::uint64_t>(i) &&
                          back.system.hostname == "bench-1");
      }
      QVERIFY2(found, qPrintable(QStringLiteral("result %1 is missing").arg(i)));
    }
    library.reload();
    QVERIFY2(library.problems().isEmpty(), qPrintable(library.problems().join('\n')));
    QCOMPARE(library.entries().size(), kAppSaves + 2);
  }
};

QTEST_MAIN(TestAppFaults)
#include "tst_app_faults.moc"
