// Fixtures shared by the result file tests (tst_result_file: reading, tst_result_write:
// writing): a result with every field set, an exact comparison of two results, and small file
// helpers.
#pragma once

#include "results/result_file.h"

#include "run_result_builder.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <functional>
#include <tuple>
#include <vector>

namespace tbtest {

inline tb::RunResult fullResult() {
  return RunResultBuilder()
      .created("2026-11-26T14:30:00Z")
      .workload("fashion-mlp", "fashion-mnist")
      .dataSource("files")
      .samples(60000, 10000)
      .parameters(109386)
      .flopsPerSample(609792.0)
      .plannedEpochs(2)
      .batchSize(32)
      .optimizer("adam", 0.001)
      .seed(18446744073709551615ull)
      .threads(8)
      .precision("fp32")
      .device("cuda:0", "NVIDIA GeForce RTX 4090 \"quoted\" \xc3\xa9")
      .os("Debian GNU/Linux 12")
      .host("bench-host")
      .cpuModel("AMD Ryzen 9 7950X")
      .cores(16, 32)
      .memoryMb(64230.5)
      .versions("1.13.1", "0.1.0")
      .blas("OpenBLAS 0.3.21 (OpenMP)")
      .build("GCC 12.2.0, optimised")
      .environment({{"OMP_WAIT_POLICY", "passive"}, {"TRAINBENCH_CHANNELS_LAST", ""}})
      .timeBudget(86400.5)
      .epoch(3.25, 18461.538461538461)
      .loss(0.5123456789012345)
      .accuracy(0.8123)
      .epoch(1e-300, 1.7976931348623157e308)
      .loss(0.1)
      .accuracy(0.9)
      .test(0.3712, 0.8754)
      .totalSeconds(7.125)
      .sample({0.5, 12.5, 180.25, 512.0})
      .sample({1.0, std::nullopt, std::nullopt, std::nullopt});
}

// Every field as a tuple; == on the tuples is exact (QCOMPARE on doubles would be fuzzy).
inline auto fields(const tb::WorkloadRecord& w) {
  return std::tie(w.name, w.dataset, w.dataSource, w.dataFingerprint, w.trainSamples, w.testSamples,
                  w.parameters);
}
inline auto fields(const tb::ConfigRecord& c) {
  return std::tie(c.epochs, c.batchSize, c.optimizer, c.learningRate, c.seed, c.threads,
                  c.precision, c.environment, c.timeBudgetSeconds);
}
inline auto fields(const tb::DeviceRecord& d) { return std::tie(d.id, d.kind, d.name); }
inline auto fields(const tb::SystemRecord& s) {
  return std::tie(s.os, s.hostname, s.cpuModel, s.physicalCores, s.logicalCores, s.memoryMb,
                  s.libtorchVersion, s.appVersion, s.blas, s.build);
}
inline auto fields(const tb::EpochRecord& e) {
  return std::tie(e.epoch, e.trainLoss, e.trainAccuracy, e.seconds, e.samplesPerSecond);
}
inline auto fields(const tb::TestRecord& t) { return std::tie(t.loss, t.accuracy); }
inline auto fields(const tb::TelemetrySample& s) {
  return std::tie(s.t, s.cpuPercent, s.processCpuPercent, s.rssMb);
}

template <typename T>
inline bool sameRecords(const std::vector<T>& a, const std::vector<T>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const T& x, const T& y) { return fields(x) == fields(y); });
}

// Exact comparison of every field, so a key that is lost on the way fails loudly.
inline void compareResults(const tb::RunResult& a, const tb::RunResult& b) {
  QCOMPARE(a.status, b.status);
  QCOMPARE(a.failure, b.failure);
  QCOMPARE(a.error, b.error);
  QCOMPARE(a.created, b.created);
  QVERIFY(fields(a.workload) == fields(b.workload));
  QVERIFY(fields(a.config) == fields(b.config));
  QVERIFY(fields(a.device) == fields(b.device));
  QVERIFY(fields(a.system) == fields(b.system));
  QVERIFY(sameRecords(a.epochs, b.epochs));
  QCOMPARE(a.test.has_value(), b.test.has_value());
  if (a.test) QVERIFY(fields(*a.test) == fields(*b.test));
  QCOMPARE(a.totalSeconds, b.totalSeconds);
  QVERIFY(sameRecords(a.timeline, b.timeline));
}

// fullResult() with a seed a double can hold: QJsonDocument, which tests edit files with, stores
// numbers as doubles.
inline tb::RunResult editableResult() {
  tb::RunResult r = fullResult();
  r.config.seed = 42;
  return r;
}

inline QJsonObject jsonOf(const tb::RunResult& r) {
  return QJsonDocument::fromJson(QByteArray::fromStdString(tb::toJson(r))).object();
}

inline void writeText(const QString& path, const QByteArray& text) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(text);
}

inline QByteArray readText(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The message of the tb::ResultFileError that `action` throws; empty when it throws none.
inline QString errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const tb::ResultFileError& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

// Everything in a folder, hidden temporary files included.
inline QStringList entriesOf(const QTemporaryDir& dir) {
  return QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

}  // namespace tbtest
