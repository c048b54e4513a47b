// What the app's next start recovers of a run its last start could not save: a run it was
// killed during (SIGKILL, as the system does when memory runs out) is saved as failed with the
// epochs it finished; a finished run the results folder refused, kept in the temporary folder
// as the app quit, is saved as it ended.
#include "results/result_file.h"

#include "../support/app_process.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QtTest>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <vector>

using tb::RunResult;
using tbtest::resultFiles;
using tbtest::untilTraining;

class TestAppRecovery final : public tbtest::AppProcessTest {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { setUpApp(); }
  void init() { startTest(); }

  // The app killed mid-run (SIGKILL: what the system does when memory runs out) saves nothing
  // and says nothing. Its next start finds the run unfinished and keeps it in the library as
  // failed, with the epochs it had finished and why.
  void killedAppsRunIsKeptAtTheNextStart() {
    QProcess app;
    app.setProcessEnvironment(environment());
    app.start(m_app, appRun(QStringLiteral("10000")));
    QVERIFY(app.waitForStarted());
    untilTraining(app);
    if (QTest::currentTestFailed()) return;
    const QDir journal(m_results + QStringLiteral("/.running"));
    const auto epochsInJournal = [&journal] {
      const QStringList files = journal.entryList({QStringLiteral("*.json")}, QDir::Files);
      if (files.size() != 1) return std::size_t{0};
      try {
        return tb::readResultFile(journal.filePath(files[0]).toStdString()).epochs.size();
      } catch (const std::exception&) {
        return std::size_t{0};
      }
    };
    QTRY_VERIFY_WITH_TIMEOUT(epochsInJournal() >= 1, 120000);
    ::kill(static_cast<pid_t>(app.processId()), SIGKILL);
    QVERIFY(app.waitForFinished(60000));
    QVERIFY(resultFiles(m_results).isEmpty());

    QProcess next;
    next.setProcessEnvironment(environment());
    next.start(m_app, {QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("settings.ini")),
                       QStringLiteral("--screenshot"), m_dir.filePath(QStringLiteral("next.png")),
                       QStringLiteral("--quit-when-done")});
    QVERIFY(next.waitForFinished(120000));
    QVERIFY2(next.exitCode() == 0, next.readAllStandardError().constData());
    const QStringList saved = resultFiles(m_results);
    QCOMPARE(saved.size(), 1);
    const RunResult result =
        tb::readResultFile(QDir(m_results).filePath(saved.first()).toStdString());
    QCOMPARE(result.status, tb::RunStatus::Failed);
    QVERIFY(!result.epochs.empty());
    QVERIFY2(result.error.find("TrainBench ended while this run trained") != std::string::npos,
             result.error.c_str());
    QVERIFY(journal.entryList({QStringLiteral("*.json")}, QDir::Files).isEmpty());
  }

  // The results folder refuses the finished run (a read-only mount, here from the fault
  // library) and nobody is there to choose (--quit-when-done): the run is kept in the temporary
  // folder, stderr says where, and the next start saves it to the results folder as it ended,
  // from the journal or, where the journal could not take it either, from that copy. Never as
  // a run the app was killed during.
  void aRunTheFolderRefusedIsSavedAtTheNextStart_data() {
    QTest::addColumn<bool>("journalWritable");
    QTest::addColumn<int>("repeats");
    QTest::newRow("journal writable") << true << 1;
    // The second repeat starts after the folder turned read-only: it has no journal at all.
    QTest::newRow("journal refused too, two repeats") << false << 2;
  }
  void aRunTheFolderRefusedIsSavedAtTheNextStart() {
    QFETCH(bool, journalWritable);
    QFETCH(int, repeats);
    const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-');
    const QString trigger = m_dir.filePath(QStringLiteral("refuse-") + tag);
    const QString tmp = m_dir.filePath(QStringLiteral("tmp-") + tag);
    QVERIFY(QDir().mkpath(tmp));
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("TMPDIR"), tmp);
    QProcessEnvironment refusing = env;
    refusing.insert(QStringLiteral("LD_PRELOAD"), qEnvironmentVariable("TRAINBENCH_FAULT_INJECT"));
    refusing.insert(QStringLiteral("TB_FAULT_EROFS_DIR"), m_results);
    refusing.insert(QStringLiteral("TB_FAULT_WHILE"), trigger);
    if (journalWritable) {
      refusing.insert(QStringLiteral("TB_FAULT_SPARE_DIR"), m_results + QStringLiteral("/.running"));
    }
    QProcess app;
    app.setProcessEnvironment(refusing);
    // Ends on its own after about 5 s, long after the folder turns read-only.
    app.start(m_app, appRun(QStringLiteral("10000"))
                         << QStringLiteral("--time-budget") << QStringLiteral("5")
                         << QStringLiteral("--repeat") << QString::number(repeats));
    QVERIFY(app.waitForStarted());
    untilTraining(app);
    if (QTest::currentTestFailed()) return;
    QFile(trigger).open(QIODevice::WriteOnly);
    QVERIFY(app.waitForFinished(120000));
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QCOMPARE(app.exitCode(), 1);
    QVERIFY2(err.contains(QLatin1String("the result was not saved")), qPrintable(err));
    QVERIFY(resultFiles(m_results).isEmpty());
    // In this user's folder of the temporary one, in a sub-folder for this results folder.
    QStringList kept;
    QDirIterator copies(tmp + QStringLiteral("/trainbench-unsaved-%1").arg(::getuid()),
                        {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
    while (copies.hasNext()) kept << copies.next();
    QCOMPARE(kept.size(), repeats);
    std::vector<RunResult> ended;
    for (const QString& copy : kept) {
      QVERIFY2(err.contains(copy), qPrintable(err));
      ended.push_back(tb::readResultFile(copy.toStdString()));
      QCOMPARE(ended.back().status, tb::RunStatus::Completed);
    }

    QProcess next;
    next.setProcessEnvironment(env);
    next.start(m_app, {QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("settings.ini")),
                       QStringLiteral("--screenshot"), tmp + QStringLiteral("/next.png"),
                       QStringLiteral("--quit-when-done")});
    QVERIFY(next.waitForFinished(120000));
    QVERIFY2(next.exitCode() == 0, next.readAllStandardError().constData());
    // Each run once, as it ended; no journal left, and the copies gone once saved.
    const QStringList saved = resultFiles(m_results);
    QCOMPARE(saved.size(), repeats);
    for (const QString& name : saved) {
      const RunResult result = tb::readResultFile(QDir(m_results).filePath(name).toStdString());
      QCOMPARE(result.status, tb::RunStatus::Completed);
      QVERIFY(std::any_of(ended.begin(), ended.end(), [&](const RunResult& copy) {
        return copy.created == result.created && copy.epochs.size() == result.epochs.size();
      }));
    }
    QVERIFY(QDir(m_results + QStringLiteral("/.running"))
                .entryList({QStringLiteral("*.json")}, QDir::Files)
                .isEmpty());
    for (const QString& copy : kept) QVERIFY2(!QFile::exists(copy), qPrintable(copy));
  }
};

QTEST_MAIN(TestAppRecovery)
#include "tst_app_recovery.moc"
