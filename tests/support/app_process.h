// The desktop app run as a user's script runs it (a process, --run ... --quit-when-done), for
// the tests of what it does under faults and what its next start recovers.
#pragma once

#include "cli_process.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace tbtest {

// The app's stdout up to the line that says its run started (a failed QVERIFY where the app
// ended before).
inline QString untilTraining(QProcess& app) {
  QString out;
  while (!out.contains(QLatin1String("Running fashion-mlp on cpu"))) {
    [&] { QVERIFY2(app.state() == QProcess::Running, qPrintable(app.readAllStandardError())); }();
    if (QTest::currentTestFailed()) return out;
    app.waitForReadyRead(200);
    out += QString::fromUtf8(app.readAllStandardOutput());
  }
  return out;
}

// The result files in `folder`, by name.
inline QStringList resultFiles(const QString& folder) {
  return QDir(folder).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
}

// Base of the test classes (no Q_OBJECT: the slots live in them): they call setUpApp() from
// initTestCase() and startTest() from init().
class AppProcessTest : public QObject {
 protected:
  QTemporaryDir m_dir;
  QString m_app;
  QString m_cli;
  QString m_results;  // TRAINBENCH_RESULTS_DIR: one fresh folder per test function (and row)

  void setUpApp() {
    QVERIFY(m_dir.isValid());
    m_app = qEnvironmentVariable("TRAINBENCH_APP");
    m_cli = qEnvironmentVariable("TRAINBENCH_CLI");
    QVERIFY2(QFileInfo(m_app).isExecutable(), "TRAINBENCH_APP must name the built trainbench");
    QVERIFY2(QFileInfo(m_cli).isExecutable(), "TRAINBENCH_CLI must name the built trainbench-cli");
  }

  void startTest() {
    m_results = m_dir.filePath(QStringLiteral("results/") +
                               QString::fromLatin1(QTest::currentTestFunction()) +
                               QString::fromLatin1(QTest::currentDataTag()));
  }

  QProcessEnvironment environment() const {
    QProcessEnvironment env = hermeticEnvironment();
    env.insert(QStringLiteral("TRAINBENCH_RESULTS_DIR"), m_results);
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return env;
  }

  // A run of the seed MLP on 64 synthetic images for `epochs` epochs that quits when done.
  QStringList appRun(const QString& epochs) const {
    return {QStringLiteral("--run"),
            QStringLiteral("fashion-mlp"),
            QStringLiteral("--device"),
            QStringLiteral("cpu"),
            QStringLiteral("--synthetic"),
            QStringLiteral("--epochs"),
            epochs,
            QStringLiteral("--train-limit"),
            QStringLiteral("64"),
            QStringLiteral("--test-limit"),
            QStringLiteral("32"),
            QStringLiteral("--settings"),
            m_dir.filePath(QStringLiteral("settings.ini")),
            QStringLiteral("--quit-when-done")};
  }
};

}  // namespace tbtest
