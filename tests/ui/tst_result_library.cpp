// Tests for tb::ui::ResultLibrary: the results folder as a list of runs, and above all that
// importing or scanning never changes or loses a file.
#include "history/result_library.h"
#include "results/result_file.h"

#include "../support/private_trash.h"
#include "../support/run_result_builder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <unistd.h>

using tb::RunResult;
using tb::ui::ResultLibrary;

namespace {

RunResult makeResult(const std::string& created, const std::string& device = "cpu",
                     std::optional<double> total = 8.5) {
  tbtest::RunResultBuilder run;
  run.created(created);
  run.workload("fashion-mlp", "fashion-mnist").dataSource("synthetic").samples(600, 100);
  run.parameters(109386).plannedEpochs(1).batchSize(32).optimizer("adam", 0.001).seed(42);
  run.threads(2).precision("fp32").device(device, "Test Device");
  run.host("bench-1").cpuModel("Test CPU");
  run.epoch(4.2, 14000.0).loss(0.5).accuracy(0.82);
  return run.test(0.4, 0.855).totalSeconds(total);
}

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeBytes(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(bytes);
}

// Every file in the folder, hidden ones included, with its bytes.
QMap<QString, QByteArray> snapshot(const QString& folder) {
  QMap<QString, QByteArray> files;
  const QDir dir(folder);
  for (const QString& name : dir.entryList(QDir::Files | QDir::Hidden | QDir::System)) {
    files.insert(name, readAll(dir.absoluteFilePath(name)));
  }
  return files;
}

}  // namespace

class TestResultLibrary final : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A saved run must be a normal result file under the default name that a fresh library reads.
  void saveWritesAResultFileThatReloads() {
    QTemporaryDir dir;
    ResultLibrary library(dir.path());
    QSignalSpy changed(&library, &ResultLibrary::changed);
    QString error;
    const RunResult result = makeResult("2026-11-26T14:30:00Z");
    const QString path = library.save(result, &error);
    QVERIFY2(!path.isEmpty(), qPrintable(error));
    QCOMPARE(QFileInfo(path).fileName(), QString::fromStdString(tb::defaultResultFileName(result)));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(library.entries().size(), 1);

    ResultLibrary reopened(dir.path());
    QCOMPARE(reopened.entries().size(), 1);
    QCOMPARE(reopened.entries().front().path, path);
    QCOMPARE(tb::toJson(reopened.entries().front().result), tb::toJson(result));
  }

  // The library opens on a folder that does not exist yet (first start); saving creates it.
  void missingFolderIsAnEmptyLibrary() {
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("not/yet"));
    ResultLibrary library(folder);
    QVERIFY(library.entries().isEmpty());
    QVERIFY(library.problems().isEmpty());
    QVERIFY(!library.save(makeResult("2026-11-26T14:30:00Z")).isEmpty());
    QCOMPARE(library.entries().size(), 1);
  }

  // The history lists the newest run first, whatever the file names say.
  void entriesAreNewestFirst() {
    QTemporaryDir dir;
    ResultLibrary library(dir.path());
    library.save(makeResult("2026-11-26T10:00:00Z"));
    library.save(makeResult("2026-11-27T09:00:00Z"));
    library.save(makeResult("2026-11-26T12:00:00Z", "cuda:0"));
    QStringList order;
    for (const auto& entry : library.entries())
      order << QString::fromStdString(entry.result.created);
    QCOMPARE(order, (QStringList{QStringLiteral("2026-11-27T09:00:00Z"),
                                 QStringLiteral("2026-11-26T12:00:00Z"),
                                 QStringLiteral("2026-11-26T10:00:00Z")}));
  }

  // Two different runs can share a default name (same second, device, workload): neither is lost.
  void saveNeverOverwritesADifferentResult() {
    QTemporaryDir dir;
    ResultLibrary library(dir.path());
    const QString first = library.save(makeResult("2026-11-26T14:30:00Z", "cpu", 8.5));
    const QByteArray firstBytes = readAll(first);
    const QString second = library.save(makeResult("2026-11-26T14:30:00Z", "cpu", 9.5));
    QVERIFY(!second.isEmpty());
    QVERIFY(first != second);
    QCOMPARE(readAll(first), firstBytes);
    QCOMPARE(QFileInfo(second).fileName(),
             QStringLiteral("20261126T143000Z_fashion-mlp_cpu-2.json"));
    QCOMPARE(library.entries().size(), 2);
  }

  // Saving the same run again (e.g. Save pressed twice) must not create a copy.
  void savingTheSameResultTwiceKeepsOneFile() {
    QTemporaryDir dir;
    ResultLibrary library(dir.path());
    const RunResult result = makeResult("2026-11-26T14:30:00Z");
    const QString first = library.save(result);
    QCOMPARE(library.save(result), first);
    QCOMPARE(snapshot(dir.path()).size(), 1);
  }

  // An unreadable file under the default name is someone's data too: save goes next to it.
  void saveNeverOverwritesAnUnreadableFile() {
    QTemporaryDir dir;
    const RunResult result = makeResult("2026-11-26T14:30:00Z");
    const QString taken = dir.filePath(QString::fromStdString(tb::defaultResultFileName(result)));
    writeBytes(taken, QByteArrayLiteral("half a file"));
    ResultLibrary library(dir.path());
    const QString path = library.save(result);
    QCOMPARE(QFileInfo(path).fileName(), QStringLiteral("20261126T143000Z_fashion-mlp_cpu-2.json"));
    QCOMPARE(readAll(taken), QByteArrayLiteral("half a file"));
  }

  // A run the CLI saved after the library was opened is found by name, not written again.
  void saveFindsACopyWrittenBehindItsBack() {
    QTemporaryDir dir;
    ResultLibrary library(dir.path());
    const RunResult result = makeResult("2026-11-26T14:30:00Z");
    const QString cliPath = dir.filePath(QString::fromStdString(tb::defaultResultFileName(result)));
    tb::writeResultFile(result, cliPath.toStdString());
    QCOMPARE(library.save(result), QFileInfo(cliPath).absoluteFilePath());
    QCOMPARE(snapshot(dir.path()).size(), 1);
    QCOMPARE(library.entries().size(), 1);
  }

  // Removing moves exactly the chosen file to the desktop's trash, where it can be restored,
  // and tells the views.
  void removeMovesTheFileToTheTrash() {
    tbtest::PrivateTrash trash;
    QTemporaryDir dir;
    ResultLibrary library(dir.path());
    const QString keep = library.save(makeResult("2026-11-26T10:00:00Z"));
    const QString drop = library.save(makeResult("2026-11-26T11:00:00Z"));
    QSignalSpy changed(&library, &ResultLibrary::changed);
    QString error;
    QVERIFY2(library.remove(drop, &error), qPrintable(error));
    QVERIFY(!QFileInfo::exists(drop));
    QVERIFY(QFileInfo::exists(keep));
    QCOMPARE(trash.trashed(), QStringList{QFileInfo(drop).fileName()});
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(changed.count(), 1);
  }

  // Where the trash refuses a file, it is kept and reported as such (for the caller to offer
  // deleting it for good), never deleted on the quiet.
  void fileTheTrashRefusesIsKept() {
    tbtest::PrivateTrash trash;
    trash.breakIt();
    // Qt 6.4 "trashes" into the working directory where it has no trash: none of that stays.
    QTemporaryDir workingDir;
    const QString before = QDir::currentPath();
    QVERIFY(QDir::setCurrent(workingDir.path()));
    const auto restore = qScopeGuard([&] { QDir::setCurrent(before); });
    QTemporaryDir dir;
    ResultLibrary library(dir.path());
    const QString path = library.save(makeResult("2026-11-26T10:00:00Z"));
    QSignalSpy changed(&library, &ResultLibrary::changed);
    QStringList errors;
    QMap<QString, QString> untrashed;
    QCOMPARE(library.remove({path}, &errors, ResultLibrary::Disposal::Trash, &untrashed), 0);
    QVERIFY(errors.isEmpty());
    QCOMPARE(untrashed.keys(), QStringList{path});
    QVERIFY2(untrashed.value(path).contains(QLatin1String("cannot move to the trash")),
             qPrintable(untrashed.value(path)));
    QVERIFY(QFileInfo::exists(path));
    QCOMPARE(QDir(workingDir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), {});
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(changed.count(), 0);
    // Without anywhere to list it, the refusal is an error naming the file.
    QString error;
    QVERIFY(!library.remove(path, &error));
    QVERIFY2(error.startsWith(path), qPrintable(error));
    // Deleting for good, when asked for, works without a trash.
    QVERIFY2(library.remove(path, &error, ResultLibrary::Disposal::Delete), qPrintable(error));
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(library.entries().isEmpty());
  }

  // The list shows "RUN.JSON" as a result ("*.json" in any case): Delete removes it too. A row
  // whose file was removed outside the app meanwhile is dropped, not reported as "not a result".
  void upperCaseAndVanishedFilesAreRemoved() {
    tbtest::PrivateTrash trash;
    QTemporaryDir dir;
    const QString upper = dir.filePath(QStringLiteral("RUN.JSON"));
    tb::writeResultFile(makeResult("2026-11-26T10:00:00Z"), upper.toStdString());
    const QString gone = dir.filePath(QStringLiteral("gone.json"));
    tb::writeResultFile(makeResult("2026-11-26T11:00:00Z"), gone.toStdString());
    ResultLibrary library(dir.path());
    QCOMPARE(library.entries().size(), 2);
    QVERIFY(QFile::remove(gone));
    QSignalSpy changed(&library, &ResultLibrary::changed);
    QStringList errors;
    QCOMPARE(library.remove({library.find(upper)->path, library.find(gone)->path}, &errors), 2);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join('\n')));
    QVERIFY(!QFileInfo::exists(upper));
    QVERIFY(library.entries().isEmpty());
    QCOMPARE(changed.count(), 1);
  }

  // A path from outside the folder must never be removed, whatever the caller passes.
  void removeRefusesFilesOutsideTheLibrary() {
    tbtest::PrivateTrash trash;
    QTemporaryDir dir;
    QTemporaryDir elsewhere;
    ResultLibrary library(dir.path());
    const QString outside = elsewhere.filePath(QStringLiteral("run.json"));
    tb::writeResultFile(makeResult("2026-11-26T10:00:00Z"), outside.toStdString());
    QString error;
    QVERIFY(!library.remove(outside, &error));
    QVERIFY(error.contains(outside));
    QVERIFY(QFileInfo::exists(outside));
    QVERIFY(trash.trashed().isEmpty());
  }

  // A result from another machine is copied in byte for byte and listed.
  void importCopiesAValidFile() {
    QTemporaryDir dir;
    QTemporaryDir elsewhere;
    ResultLibrary library(dir.path());
    const QString source = elsewhere.filePath(QStringLiteral("from-gpu-server.json"));
    tb::writeResultFile(makeResult("2026-11-20T08:00:00Z", "cuda:0"), source.toStdString());
    QSignalSpy changed(&library, &ResultLibrary::changed);
    QString error;
    const QString imported = library.importFile(source, &error);
    QVERIFY2(!imported.isEmpty(), qPrintable(error));
    QCOMPARE(QFileInfo(imported).absolutePath(), QDir(dir.path()).absolutePath());
    QCOMPARE(readAll(imported), readAll(source));
    QVERIFY(library.find(imported));
    QCOMPARE(changed.count(), 1);
    QVERIFY(QFileInfo::exists(source));  // a copy, not a move
  }

  // A malformed file is refused with a message naming it, and the library stays exactly as it was.
  void importOfAMalformedFileChangesNothing() {
    QTemporaryDir dir;
    QTemporaryDir elsewhere;
    ResultLibrary library(dir.path());
    library.save(makeResult("2026-11-26T10:00:00Z"));
    const QMap<QString, QByteArray> before = snapshot(dir.path());
    const QString bad = elsewhere.filePath(QStringLiteral("broken.json"));
    writeBytes(bad, QByteArrayLiteral("{\"schema\": \"trainbench-result/1\", \"status\": "));
    QSignalSpy changed(&library, &ResultLibrary::changed);
    QString error;
    QVERIFY(library.importFile(bad, &error).isEmpty());
    QVERIFY2(error.contains(bad), qPrintable(error));
    QCOMPARE(snapshot(dir.path()), before);
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(changed.count(), 0);
  }

  // A file whose name is not UTF-8 (an old Latin-1 name) reaches the app with a replacement
  // character: opening it says why it cannot, not only "No such file or directory".
  void fileNamedInAnotherEncodingIsExplained() {
    QTemporaryDir dir;
    QTemporaryDir elsewhere;
    ResultLibrary library(dir.path());
    const QByteArray latin1 = QFile::encodeName(elsewhere.path()) + "/r\xe9sultat.json";
    QVERIFY(::close(::open(latin1.constData(), O_CREAT | O_WRONLY, 0644)) == 0);
    // QTemporaryDir cannot name it to remove it either.
    const auto remove = qScopeGuard([&latin1] { ::unlink(latin1.constData()); });
    const QString asQtSeesIt = QFile::decodeName(latin1);
    QVERIFY(asQtSeesIt.contains(QChar::ReplacementCharacter));
    QString error;
    QVERIFY(library.importFile(asQtSeesIt, &error).isEmpty());
    QVERIFY2(error.contains(QLatin1String("not valid UTF-8")), qPrintable(error));
  }

  // Importing the same file twice (or a file already in the library) must not duplicate it.
  void importingTheSameFileTwiceDoesNotDuplicate() {
    QTemporaryDir dir;
    QTemporaryDir elsewhere;
    ResultLibrary library(dir.path());
    const QString source = elsewhere.filePath(QStringLiteral("run.json"));
    tb::writeResultFile(makeResult("2026-11-20T08:00:00Z"), source.toStdString());
    const QString first = library.importFile(source);
    QVERIFY(!first.isEmpty());
    QCOMPARE(library.importFile(source), first);
    QCOMPARE(library.importFile(first), first);
    QCOMPARE(snapshot(dir.path()).size(), 1);
    QCOMPARE(library.entries().size(), 1);
  }

  // The CLI saved into the folder under a name of its own (`--output`) while the list was not
  // looking: importing that file lists it where it is instead of copying it next to itself.
  void importingAFileInTheFolderListsItWithoutACopy() {
    QTemporaryDir dir;
    ResultLibrary library(dir.path());
    const QString own = dir.filePath(QStringLiteral("my-run.json"));
    tb::writeResultFile(makeResult("2026-11-20T08:00:00Z"), own.toStdString());
    bool alreadyThere = false;
    QString error;
    QCOMPARE(library.importFile(own, &error, &alreadyThere), QFileInfo(own).absoluteFilePath());
    QVERIFY(alreadyThere);
    QCOMPARE(snapshot(dir.path()).keys(), QStringList{QStringLiteral("my-run.json")});
    QVERIFY(library.find(own));
    QCOMPARE(library.entries().size(), 1);
    // A name the folder's list would not show ("run.json.bak") is copied under a proper name.
    const QString backup = dir.filePath(QStringLiteral("my-run.json.bak"));
    tb::writeResultFile(makeResult("2026-11-21T08:00:00Z"), backup.toStdString());
    const QString copied = library.importFile(backup, &error, &alreadyThere);
    QVERIFY(!alreadyThere);
    QVERIFY(copied.endsWith(QLatin1String(".json")));
    library.reload();
    QVERIFY(library.find(copied));
  }

  // Reloading reads only what changed since the last scan: a rewritten file shows its new
  // contents, a new one appears, a removed one goes, a broken one is still reported.
  void reloadSeesEveryChange() {
    QTemporaryDir dir;
    const QString kept = dir.filePath(QStringLiteral("kept.json"));
    const QString changed = dir.filePath(QStringLiteral("changed.json"));
    const QString removed = dir.filePath(QStringLiteral("removed.json"));
    tb::writeResultFile(makeResult("2026-11-20T08:00:00Z"), kept.toStdString());
    tb::writeResultFile(makeResult("2026-11-21T08:00:00Z"), changed.toStdString());
    tb::writeResultFile(makeResult("2026-11-22T08:00:00Z"), removed.toStdString());
    writeBytes(dir.filePath(QStringLiteral("bad.json")), QByteArrayLiteral("not json"));
    ResultLibrary library(dir.path());
    QCOMPARE(library.entries().size(), 3);
    QCOMPARE(library.problems().size(), 1);

    tb::writeResultFile(makeResult("2026-11-21T08:00:00Z", "cuda:0"), changed.toStdString());
    QVERIFY(QFile::remove(removed));
    tb::writeResultFile(makeResult("2026-11-23T08:00:00Z"),
                        dir.filePath(QStringLiteral("new.json")).toStdString());
    library.reload();
    QCOMPARE(library.entries().size(), 3);
    QCOMPARE(library.problems().size(), 1);
    QVERIFY(library.find(kept));
    QVERIFY(!library.find(removed));
    QCOMPARE(library.find(changed)->result.device.id, std::string("cuda:0"));
    QVERIFY(library.find(dir.filePath(QStringLiteral("new.json"))));

    // The damaged file, once repaired, is listed; one damaged anew is reported anew.
    tb::writeResultFile(makeResult("2026-11-24T08:00:00Z"),
                        dir.filePath(QStringLiteral("bad.json")).toStdString());
    library.reload();
    QCOMPARE(library.entries().size(), 4);
    QVERIFY(library.problems().isEmpty());
    writeBytes(dir.filePath(QStringLiteral("bad.json")), QByteArrayLiteral("[1, 2"));
    library.reload();
    QCOMPARE(library.entries().size(), 3);
    QCOMPARE(library.problems().size(), 1);
    const int parsed = library.filesParsed();
    library.reload();
    QCOMPARE(library.problems().size(), 1);  // still reported, unchanged...
    QCOMPARE(library.filesParsed(), parsed);  // ...and not parsed again, nor the good ones
  }

  // What the app saved or imported itself is not read back at the next scan (History's first
  // show after a day of runs parsed every one of them on the GUI thread), until it changes.
  void savedAndImportedRunsAreNotReadAgain() {
    QTemporaryDir dir;
    QTemporaryDir elsewhere;
    const QString outside = elsewhere.filePath(QStringLiteral("other.json"));
    tb::writeResultFile(makeResult("2026-11-25T10:00:00Z", "cuda:0"), outside.toStdString());
    ResultLibrary library(dir.path());
    const QString saved = library.save(makeResult("2026-11-26T10:00:00Z"));
    QVERIFY(!saved.isEmpty());
    QVERIFY(!library.save(makeResult("2026-11-26T11:00:00Z")).isEmpty());
    QString error;
    QVERIFY2(!library.importFile(outside, &error).isEmpty(), qPrintable(error));
    const int parsed = library.filesParsed();
    library.reload();
    QCOMPARE(library.entries().size(), 3);
    QCOMPARE(library.filesParsed(), parsed);

    tb::writeResultFile(makeResult("2026-11-26T10:00:00Z", "cuda:1"), saved.toStdString());
    library.reload();
    QCOMPARE(library.filesParsed(), parsed + 1);
    QCOMPARE(library.find(saved)->result.device.id, std::string("cuda:1"));
  }

  // A broken file in the folder (a crash elsewhere, a hand edit) is listed as a problem, the
  // other runs still load, and the broken file is left exactly as it was.
  void malformedFileInTheFolderIsSkippedAndReported() {
    QTemporaryDir dir;
    tb::writeResultFile(makeResult("2026-11-26T10:00:00Z"),
                        dir.filePath(QStringLiteral("good.json")).toStdString());
    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    const QByteArray garbage = QByteArrayLiteral("not json at all");
    writeBytes(bad, garbage);
    ResultLibrary library(dir.path());
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(library.problems().size(), 1);
    QVERIFY2(library.problems().front().contains(
                 QDir(dir.path()).absoluteFilePath(QStringLiteral("bad.json"))),
             qPrintable(library.problems().front()));
    library.reload();
    QCOMPARE(readAll(bad), garbage);
  }
};

QTEST_MAIN(TestResultLibrary)
#include "tst_result_library.moc"
