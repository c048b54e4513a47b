// Files for the dataset downloader's tests: deterministic contents and their published facts.
#pragma once

#include "data/dataset_sources.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QString>
#include <QtTest>

#include <cstdint>
#include <string>

namespace tbtest {

// Deterministic bytes that differ at every offset, so a shifted or repeated chunk shows.
inline std::string payload(std::size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  unsigned state = seed * 2654435761u + 1;
  for (auto& byte : bytes) {
    state = state * 1103515245u + 12345u;
    byte = static_cast<char>(state >> 16);
  }
  return bytes;
}

inline std::string md5(const std::string& bytes) {
  return QCryptographicHash::hash(QByteArray::fromStdString(bytes), QCryptographicHash::Md5)
      .toHex()
      .toStdString();
}

inline tb::SourceFile fileOf(const std::string& name, const std::string& content) {
  return tb::SourceFile{name, static_cast<std::int64_t>(content.size()), md5(content), {}};
}

inline std::string readAll(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return std::string();
  return file.readAll().toStdString();
}

inline void writeAll(const QString& path, const std::string& bytes) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(bytes.data(), static_cast<qint64>(bytes.size()));
}

}  // namespace tbtest
