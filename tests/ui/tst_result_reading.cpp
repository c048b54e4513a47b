// Tests for reading the results folder in the background (ResultLibrary::reloadInBackground): the
// app's first scan and History's rescans parse result files off the GUI thread, and what they
// list in the end is what a scan on the spot would list.
#include "common/metatypes.h"
#include "history/history_panel.h"
#include "history/result_library.h"
#include "results/result_file.h"

#include "../support/history_runs.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <fstream>
#include <memory>

using tb::RunResult;
using tb::ui::HistoryPanel;
using tb::ui::ResultLibrary;

namespace {

QString saveRun(const QString& folder, const QString& name, const RunResult& result) {
  const QString path = QDir(folder).filePath(name);
  tb::writeResultFile(result, path.toStdString());
  return path;
}

void writeBytes(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(bytes);
}

RunResult run(int day) {
  return tbtest::makeResult(QStringLiteral("2026-11-%1T10:00:00Z").arg(day, 2, 10, QLatin1Char('0'))
                                .toStdString(),
                            "bench-1", 8.5);
}

QString summaryOf(const HistoryPanel& panel) {
  // The summary is the panel's only label.
  const QList<QLabel*> labels = panel.findChildren<QLabel*>();
  return labels.size() == 1 ? labels.front()->text() : QString();
}

}  // namespace

class TestResultReading final : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { tb::ui::registerMetaTypes(); }

  // The window's library lists nothing until the background read ends, then lists what a scan
  // on the spot lists (the damaged file as a problem, not a run), with one changed().
  void backgroundFirstScanListsWhatAScanWould() {
    QTemporaryDir dir;
    for (int day = 1; day <= 5; ++day) saveRun(dir.path(), QStringLiteral("run-%1.json").arg(day), run(day));
    writeBytes(dir.filePath(QStringLiteral("damaged.json")), "{\"schema_version\": ");

    ResultLibrary library(dir.path(), nullptr, ResultLibrary::FirstScan::InBackground);
    QSignalSpy changed(&library, &ResultLibrary::changed);
    QVERIFY(library.reading());
    QCOMPARE(library.readingTotal(), 6);
    QVERIFY(library.entries().isEmpty());

    QTRY_VERIFY(!library.reading());
    QCOMPARE(changed.count(), 1);
    const ResultLibrary onTheSpot(dir.path());
    QCOMPARE(library.entries().size(), onTheSpot.entries().size());
    for (qsizetype i = 0; i < library.entries().size(); ++i) {
      QCOMPARE(library.entries()[i].path, onTheSpot.entries()[i].path);  // newest first
    }
    QCOMPARE(library.problems(), onTheSpot.problems());
    QCOMPARE(library.problems().size(), 1);
    QVERIFY(library.problems().front().startsWith(dir.filePath(QStringLiteral("damaged.json"))));
  }

  // A file the CLI saves while the first read is going on is listed once that read ends.
  void fileSavedWhileReadingIsListedAfter() {
    QTemporaryDir dir;
    saveRun(dir.path(), QStringLiteral("first.json"), run(1));
    ResultLibrary library(dir.path(), nullptr, ResultLibrary::FirstScan::InBackground);
    QVERIFY(library.reading());
    const QString late = saveRun(dir.path(), QStringLiteral("late.json"), run(2));
    library.reloadInBackground();  // the folder watch, say

    QTRY_VERIFY(!library.reading());
    QCOMPARE(library.entries().size(), 2);
    QVERIFY(library.find(late));
  }

  // The app saving a run that is already in the folder (under a CLI --out name of its own)
  // while the first read is going on neither writes a second copy nor lists the run twice.
  void savingDuringTheReadKeepsOneCopy() {
    QTemporaryDir dir;
    const RunResult result = run(3);
    const QString existing = saveRun(dir.path(), QStringLiteral("mine.json"), result);
    ResultLibrary library(dir.path(), nullptr, ResultLibrary::FirstScan::InBackground);
    QVERIFY(library.reading());

    QString error;
    QCOMPARE(library.save(result, &error), existing);
    QTRY_VERIFY(!library.reading());
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 1);
  }

  // A listed file whose times change (touch, chmod, a backup's hard link) is read again in the
  // background, and stays listed meanwhile: its row and its selection do not blink out.
  void aTouchedFileStaysListedWhileReadAgain() {
    QTemporaryDir dir;
    const QString path = saveRun(dir.path(), QStringLiteral("run.json"), run(1));
    ResultLibrary library(dir.path(), nullptr, ResultLibrary::FirstScan::InBackground);
    QTRY_VERIFY(!library.reading());
    QSignalSpy changed(&library, &ResultLibrary::changed);
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));  // a new size, whatever the clock's resolution
    QVERIFY(file.write("\n") == 1);
    file.close();
    library.reloadInBackground();
    QVERIFY(library.reading());
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(changed.count(), 0);
    QTRY_VERIFY(!library.reading());
    QCOMPARE(library.entries().size(), 1);
    QVERIFY(library.find(path));
  }

  // Importing a copy of a run that sits in the folder under a name of its own (a CLI --out
  // name), while the first read has not reached it, says it is there already: no second copy.
  void importingDuringTheReadFindsTheRunThere() {
    QTemporaryDir dir;
    QTemporaryDir elsewhere;
    const RunResult result = run(4);
    const QString mine = saveRun(dir.path(), QStringLiteral("mine.json"), result);
    const QString copy = saveRun(elsewhere.path(), QStringLiteral("copy.json"), result);
    ResultLibrary library(dir.path(), nullptr, ResultLibrary::FirstScan::InBackground);
    QVERIFY(library.reading());
    QString error;
    bool alreadyThere = false;
    QCOMPARE(library.importFile(copy, &error, &alreadyThere), mine);
    QVERIFY(alreadyThere);
    QTRY_VERIFY(!library.reading());
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 1);
  }

  // A read stops at the next file once told to (the library tells it when it goes): it reports
  // what it read, here nothing.
  void aStoppedReadEndsAtTheNextFile() {
    QTemporaryDir dir;
    QVector<tb::ui::FileToRead> files;
    for (int i = 0; i < 3; ++i) {
      files.push_back({saveRun(dir.path(), QStringLiteral("run-%1.json").arg(i), run(1 + i)), {}});
    }
    tb::ui::ResultReader reader;
    QSignalSpy finished(&reader, &tb::ui::ResultReader::finished);
    const auto stop = std::make_shared<std::atomic<bool>>(false);
    reader.read(files, stop);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.takeFirst().at(0).value<QVector<tb::ui::ResultFileRead>>().size(), 3);
    stop->store(true);
    reader.read(files, stop);
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.takeFirst().at(0).value<QVector<tb::ui::ResultFileRead>>().isEmpty());
  }

  // Closing the app while a large folder is read returns, the folder as it was.
  void destroyingTheLibraryMidReadReturns() {
    QTemporaryDir dir;
    for (int i = 0; i < 200; ++i) saveRun(dir.path(), QStringLiteral("run-%1.json").arg(i), run(1 + i % 28));
    auto library = std::make_unique<ResultLibrary>(dir.path(), nullptr,
                                                   ResultLibrary::FirstScan::InBackground);
    QVERIFY(library->reading());
    library.reset();  // returns once the reader's thread has ended
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 200);
  }

  // A result file whose name is not UTF-8 (an old Latin-1 "café.json"): Qt's listing leaves it
  // out, and History showed neither its run nor that a file could not be read.
  void aNameThatIsNotUtf8IsReported() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray latin1 = QFile::encodeName(dir.path()) + "/caf\xe9.json";
    {
      std::ofstream file(latin1.constData());
      file << "{}";
    }
    ResultLibrary library(dir.path());
    QCOMPARE(library.problems().size(), qsizetype{1});
    QVERIFY2(library.problems()[0].contains(QLatin1String("not valid UTF-8")) &&
                 library.problems()[0].contains(QLatin1String("caf")),
             qPrintable(library.problems()[0]));
  }

  // A damaged file named with a right-to-left override and a line break: History's "could not be
  // read" tip quoted the name as it was, and showed its line mirrored and split.
  void aDamagedFilesOddNameIsQuotedPrintably() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeBytes(dir.filePath(QStringLiteral("\u202Eevil\nname.json")), "{\"nope\": 1}");
    const ResultLibrary library(dir.path());
    QCOMPARE(library.problems().size(), qsizetype{1});
    const QString problem = library.problems()[0];
    QVERIFY2(problem.contains(QLatin1String(" evil name.json")) && !problem.contains(QChar(0x202E)),
             qPrintable(problem));
  }

  // History says it is reading (how far) rather than "No saved runs yet", then lists the runs;
  // Refresh names the damaged file once its rescan has read it.
  void historySaysItIsReadingThenListsTheRuns() {
    QTemporaryDir dir;
    for (int day = 1; day <= 3; ++day) saveRun(dir.path(), QStringLiteral("run-%1.json").arg(day), run(day));
    ResultLibrary library(dir.path(), nullptr, ResultLibrary::FirstScan::InBackground);
    HistoryPanel panel(&library);
    QVERIFY2(summaryOf(panel).startsWith(QStringLiteral("Reading the result files in ")),
             qPrintable(summaryOf(panel)));
    QVERIFY(summaryOf(panel).contains(QStringLiteral("of 3")));
    QTRY_COMPARE(panel.view()->model()->rowCount(), 3);
    QVERIFY2(summaryOf(panel).startsWith(QStringLiteral("3 runs in ")), qPrintable(summaryOf(panel)));

    writeBytes(dir.filePath(QStringLiteral("damaged.json")), "not json");
    panel.refresh();
    QTRY_VERIFY(panel.lastMessage().contains(QStringLiteral("could not be read")));
    QVERIFY(panel.lastMessageIsError());
    QVERIFY(panel.lastMessage().contains(dir.filePath(QStringLiteral("damaged.json"))));
    QCOMPARE(panel.view()->model()->rowCount(), 3);
  }

  // A file written by a newer TrainBench is no damaged file: History says how many there are
  // and what to do (update), apart from the files that could not be read.
  void newerFilesAreCountedApart() {
    QTemporaryDir dir;
    saveRun(dir.path(), QStringLiteral("run-1.json"), run(1));
    QFile original(dir.filePath(QStringLiteral("run-1.json")));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QByteArray newer = original.readAll();
    newer.replace("\"trainbench-result/1\"", "\"trainbench-result/2\"");
    writeBytes(dir.filePath(QStringLiteral("newer.json")), newer);
    writeBytes(dir.filePath(QStringLiteral("damaged.json")), "not json");
    ResultLibrary library(dir.path());
    HistoryPanel panel(&library);
    QTRY_COMPARE(panel.view()->model()->rowCount(), 1);
    QVERIFY2(summaryOf(panel).contains(QStringLiteral("1 file written by a newer TrainBench (update it to read them)")) &&
                 summaryOf(panel).contains(QStringLiteral("1 file could not be read")),
             qPrintable(summaryOf(panel)));
  }
};

QTEST_MAIN(TestResultReading)
#include "tst_result_reading.moc"
