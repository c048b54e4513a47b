// A stand-in trainbench-cli for the app's data-parallel runs (ui/run/cli_run.h).
#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QtGlobal>

namespace tbtest {

// A stand-in trainbench-cli: `script` written to `folder` and named by TRAINBENCH_CLI while
// this lives (the real one, or none, afterwards, also when a check fails).
class FakeCli {
 public:
  FakeCli(const QString& folder, const QByteArray& script)
      : m_path(QDir(folder).filePath(QStringLiteral("cli.sh"))),
        m_real(qgetenv("TRAINBENCH_CLI")) {
    QFile file(m_path);
    m_ok = file.open(QIODevice::WriteOnly) && file.write(script) == script.size();
    file.close();
    m_ok = m_ok && file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("TRAINBENCH_CLI", m_path.toUtf8());
  }
  ~FakeCli() {
    if (m_real.isEmpty()) {
      qunsetenv("TRAINBENCH_CLI");
    } else {
      qputenv("TRAINBENCH_CLI", m_real);
    }
  }
  FakeCli(const FakeCli&) = delete;
  FakeCli& operator=(const FakeCli&) = delete;
  bool ok() const { return m_ok; }

 private:
  QString m_path;
  QByteArray m_real;
  bool m_ok = false;
};

}  // namespace tbtest
