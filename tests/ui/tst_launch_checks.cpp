// The app's command-line checks before anything starts: a --settings file it would overwrite,
// and --screenshot / --report files it could not write hours later.
#include "window/launch_checks.h"

#include "../support/scoped_env.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace tb::ui;

namespace {

void writeFile(const QString& path, const QByteArray& content) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(content);
}

}  // namespace

class LaunchChecksTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The app's own file, even hand-edited with a stray line, a new one and an empty one are
  // settings files.
  void settingsFilesAreAccepted() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString own = dir.filePath(QStringLiteral("own.ini"));
    writeFile(own, "[setup]\nepochs=3\nthis line has no equals sign\n[view]\nshowPublished=true\n");
    QCOMPARE(settingsFileProblem(own), QString());
    const QString empty = dir.filePath(QStringLiteral("empty.ini"));
    writeFile(empty, "");
    QCOMPARE(settingsFileProblem(empty), QString());
    QCOMPARE(settingsFileProblem(dir.filePath(QStringLiteral("new.ini"))), QString());
  }

  // Files with '=' in them parse as INI keys, but hold none of the app's: they are refused by
  // name, not overwritten on closing.
  void otherFilesAreRefused_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("markdown") << QByteArray("# Notes\n\nRun `cmake -DX=1` first.\n| a | b=c |\n");
    QTest::newRow("script") << QByteArray("#!/bin/sh\nset -e\nexport PATH=/usr/bin\n");
    QTest::newRow("env") << QByteArray("TOKEN=abc\nHOST=example.org\n");
    QTest::newRow("json") << QByteArray("{\"workload\": {\"name\": \"fashion-mlp\"}}\n");
    QTest::newRow("other app's ini") << QByteArray("[General]\nvolume=3\n[player]\nloop=true\n");
  }
  void otherFilesAreRefused() {
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    writeFile(path, content);
    const QString problem = settingsFileProblem(path);
    QVERIFY2(problem.contains(path) && problem.contains(QStringLiteral("not a TrainBench")),
             qPrintable(problem));
    QVERIFY(settingsFileProblem(dir.path()).contains(QStringLiteral("folder")));
  }

  // Files the app could not use as its settings are refused by name before its window opens: a
  // pipe held it for ever, a group line without its "]" reset every setting after it (and
  // closing wrote them back so), a folder that is a file was said only on closing.
  void unusableSettingsFilesAreRefused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fifo = dir.filePath(QStringLiteral("fifo.ini"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QVERIFY2(settingsFileProblem(fifo).contains(QLatin1String("not a regular file")),
             qPrintable(settingsFileProblem(fifo)));
    QCOMPARE(settingsFileProblem(QStringLiteral("/dev/null")), QString());  // a session unsaved
    const QString broken = dir.filePath(QStringLiteral("broken.ini"));
    writeFile(broken, "[setup]\nworkload=cifar10-cnn\n[broken\nepochs=3\n");
    QVERIFY2(settingsFileProblem(broken).contains(QLatin1String("line 3")),
             qPrintable(settingsFileProblem(broken)));
    const QString notAFolder = dir.filePath(QStringLiteral("file"));
    writeFile(notAFolder, "x");
    const QString inside = notAFolder + QStringLiteral("/settings.ini");
    QVERIFY2(settingsFileProblem(inside).contains(QLatin1String("is a file, not a folder")),
             qPrintable(settingsFileProblem(inside)));
  }

  // A results folder whose path is not UTF-8 cannot be named in Qt: the app would save to and
  // list a folder named with replacement characters, beside the real one the CLI uses.
  void resultsFolderMustBeUtf8() {
    {
      const tbtest::ScopedEnv folder("TRAINBENCH_RESULTS_DIR", "/tmp/r\xe9s");
      QVERIFY2(resultsFolderProblem().contains(QLatin1String("not valid UTF-8")) &&
                   resultsFolderProblem().contains(QLatin1String("TRAINBENCH_RESULTS_DIR")),
               qPrintable(resultsFolderProblem()));
    }
    const tbtest::ScopedEnv folder("TRAINBENCH_RESULTS_DIR", "/tmp/r\xc3\xa9sultats");
    QCOMPARE(resultsFolderProblem(), QString());
  }

  void outputFiles() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QCOMPARE(outputFileProblem(dir.filePath(QStringLiteral("shot.png"))), QString());
    const QString existing = dir.filePath(QStringLiteral("old.pdf"));
    writeFile(existing, "old");
    QCOMPARE(outputFileProblem(existing), QString());

    const QString missing = dir.filePath(QStringLiteral("no-such-folder/shot.png"));
    QVERIFY2(outputFileProblem(missing).contains(QStringLiteral("does not exist")),
             qPrintable(outputFileProblem(missing)));
    QVERIFY(outputFileProblem(missing).contains(missing));
    // A file where the folder should be is said as such, not as a folder that does not exist.
    const QString inFile = existing + QStringLiteral("/shot.png");
    QVERIFY2(
        outputFileProblem(inFile).contains(existing + QStringLiteral(" is a file, not a folder")),
        qPrintable(outputFileProblem(inFile)));
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("a.pdf")));
    QVERIFY(outputFileProblem(dir.filePath(QStringLiteral("a.pdf"))).contains(QStringLiteral("folder")));
    // A read-only report of an earlier run is not replaced (QSaveFile refuses it).
    QVERIFY(QFile::setPermissions(existing, QFile::ReadOwner));
    if (!QFileInfo(existing).isWritable()) {
      QVERIFY(outputFileProblem(existing).contains(QStringLiteral("read-only")));
    }
    const QString locked = dir.filePath(QStringLiteral("locked"));
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("locked")));
    QVERIFY(QFile::setPermissions(locked, QFile::ReadOwner | QFile::ExeOwner));
    // (Root may write anywhere: then the folder is writable indeed.)
    if (!QFileInfo(locked).isWritable()) {
      QVERIFY(outputFileProblem(locked + QStringLiteral("/r.pdf")).contains(QStringLiteral("not writable")));
    }
  }

  // Settings that would be lost on closing are said at the start: a folder that takes no new
  // files (a read-only mount, tests/fault_inject's TB_FAULT_EROFS_DIR) or a read-only file. The
  // check leaves nothing behind and makes no folder; a missing one QSettings makes is fine.
  void settingsThatCannotBeSaved() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fine = dir.filePath(QStringLiteral("s.ini"));
    QCOMPARE(settingsSaveProblem(fine), QString());
    writeFile(fine, "[setup]\nepochs=3\n");
    QCOMPARE(settingsSaveProblem(fine), QString());
    const QString nested = dir.filePath(QStringLiteral("a/b/s.ini"));
    QCOMPARE(settingsSaveProblem(nested), QString());
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("a"))));
    QCOMPARE(settingsSaveProblem(QStringLiteral("/dev/null")), QString());
    // A file on the way to the settings' folder: QSettings cannot make the folders below it.
    const QString plain = dir.filePath(QStringLiteral("plain"));
    writeFile(plain, "x");
    QVERIFY2(settingsSaveProblem(plain + QStringLiteral("/sub/s.ini")).contains(plain),
             qPrintable(settingsSaveProblem(plain + QStringLiteral("/sub/s.ini"))));
    QVERIFY(QFile::remove(plain));
    // "--settings /dev/null", a session unsaved, goes to a scratch file, never to the device:
    // QSettings renames a new file over the old, and as root replaced /dev/null with it.
    QVERIFY(discardsSettings(QStringLiteral("/dev/null")));
    const QString link = dir.filePath(QStringLiteral("null-link"));
    QVERIFY(QFile::link(QStringLiteral("/dev/null"), link));
    QVERIFY(discardsSettings(link));
    QVERIFY(!discardsSettings(fine) && !discardsSettings(QString()));
    QVERIFY(QFile::remove(link));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("s.ini")});
    QFile unchanged(fine);
    QVERIFY(unchanged.open(QIODevice::ReadOnly));
    QCOMPARE(unchanged.readAll(), QByteArray("[setup]\nepochs=3\n"));

    if (!qEnvironmentVariable("LD_PRELOAD").contains(QStringLiteral("fault-inject"))) {
      QSKIP("needs tests/fault_inject preloaded (ctest sets LD_PRELOAD for this test)");
    }
    const tbtest::ScopedEnv readOnly("TB_FAULT_EROFS_DIR", dir.path().toUtf8().constData());
    for (const QString& path : {fine, nested}) {
      const QString why = settingsSaveProblem(path);
      QVERIFY2(why.contains(dir.path()) && why.contains(QStringLiteral("takes no new files")),
               qPrintable(why));
    }
  }
};

QTEST_GUILESS_MAIN(LaunchChecksTest)
#include "tst_launch_checks.moc"
