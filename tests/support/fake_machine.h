// A fake /proc and /sys in a temporary folder, for the readers that take their roots as a
// parameter (core/machine): each test writes only the files it needs.
#pragma once

#include "machine/machine_snapshot.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

namespace tbtest {

class FakeMachine {
 public:
  tb::MachineRoots roots() const {
    return {m_dir.filePath("proc").toStdString(), m_dir.filePath("sys").toStdString()};
  }
  void write(const QString& relative, const QByteArray& text) {
    const QString path = m_dir.filePath(relative);
    QVERIFY2(QDir().mkpath(QFileInfo(path).path()), qPrintable(path));
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    file.write(text);
  }
  void mkdir(const QString& relative) { QVERIFY(QDir().mkpath(m_dir.filePath(relative))); }

 private:
  QTemporaryDir m_dir;
};

}  // namespace tbtest
