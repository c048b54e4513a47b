// The GPU disturbance rules: which clock throttle reasons and how many other processes make a
// run's GPU figures suspect, and the sentences that tell the user what to do. No GPU and no NVML:
// the readings are written by hand (tst_nvml reads them through the fake NVML).
#include "machine/gpu_disturbance.h"
#include "telemetry/nvml.h"

#include <QtTest>

#include <numeric>

using namespace tb;

namespace {

namespace reason = throttle_reason;

const char* const kThermal =
    "cuda:0 slowed its clock for heat (thermal slowdown) during the run: check the GPU's cooling.";
const char* const kPowerCap =
    "cuda:0 held its clock down to stay within its power limit (power cap) during the run.";

QStringList warningsFor(const std::vector<GpuReading>& readings) {
  QStringList list;
  for (const auto& warning : gpuDisturbanceWarnings(readings)) {
    list << QString::fromStdString(warning);
  }
  return list;
}

GpuReading throttled(std::uint64_t reasons) { return {"cuda:0", reasons, std::nullopt}; }

}  // namespace

class GpuDisturbanceTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Each reason that means the GPU was slowed from outside gives exactly one sentence, also when
  // newer drivers set the general hardware slowdown bit next to the one that explains it.
  void disturbingReasonGivesItsSentence_data() {
    QTest::addColumn<quint64>("reasons");
    QTest::addColumn<QString>("sentence");
    QTest::newRow("software thermal") << quint64{reason::kSwThermalSlowdown} << kThermal;
    QTest::newRow("hardware thermal")
        << quint64{reason::kHwThermalSlowdown | reason::kHwSlowdown} << kThermal;
    QTest::newRow("hardware slowdown alone")
        << quint64{reason::kHwSlowdown}
        << "cuda:0 cut its clock in hardware (hardware slowdown: heat or power draw) during the "
           "run: check the GPU's cooling and power supply.";
    QTest::newRow("power brake")
        << quint64{reason::kHwPowerBrakeSlowdown | reason::kHwSlowdown}
        << "cuda:0 was slowed by an external power brake signal (power brake slowdown) during "
           "the run: check the power supply and its cabling.";
    QTest::newRow("power cap") << quint64{reason::kSwPowerCap} << kPowerCap;
  }
  void disturbingReasonGivesItsSentence() {
    QFETCH(quint64, reasons);
    QFETCH(QString, sentence);
    QCOMPARE(warningsFor({throttled(reasons)}), QStringList{sentence});
  }

  // Idle clocks between steps, clocks the user set, the display and sync boost hold clocks down
  // in normal operation: a warning for them would teach users to ignore the warnings.
  void normalReasonsGiveNone_data() {
    QTest::addColumn<quint64>("reasons");
    QTest::newRow("full speed") << quint64{0};
    QTest::newRow("idle") << quint64{reason::kGpuIdle};
    QTest::newRow("applications clocks") << quint64{reason::kApplicationsClocksSetting};
    QTest::newRow("display clock") << quint64{reason::kDisplayClockSetting};
    QTest::newRow("sync boost") << quint64{reason::kSyncBoost};
    QTest::newRow("all of them") << quint64{reason::kGpuIdle | reason::kApplicationsClocksSetting |
                                            reason::kDisplayClockSetting | reason::kSyncBoost};
  }
  void normalReasonsGiveNone() {
    QFETCH(quint64, reasons);
    QVERIFY(gpuDisturbanceWarnings({throttled(reasons)}).empty());
  }

  // Several reasons give one sentence each, the faults before the power cap.
  void severalReasonsGiveOneSentenceEach() {
    const auto reasons = reason::kSwPowerCap | reason::kSwThermalSlowdown | reason::kGpuIdle;
    QCOMPARE(warningsFor({throttled(reasons)}), (QStringList{kThermal, kPowerCap}));
  }

  // The count names the processes in the right number, and no other process says nothing.
  void otherProcessesAreCountedInWords() {
    QCOMPARE(warningsFor({{"cuda:0", std::nullopt, 1}}),
             QStringList{QStringLiteral("1 other process was using cuda:0 during the run: it "
                                        "shares its time and memory; close it.")});
    QCOMPARE(warningsFor({{"cuda:0", std::nullopt, 2}}),
             QStringList{QStringLiteral("2 other processes were using cuda:0 during the run: "
                                        "they share its time and memory; close them.")});
    QVERIFY(gpuDisturbanceWarnings({{"cuda:0", std::nullopt, 0}}).empty());
  }

  // A reading NVML could not give is not evidence of anything: no sentence, never a guess.
  void absentReadingsGiveNone() {
    QVERIFY(gpuDisturbanceWarnings({{"cuda:0", std::nullopt, std::nullopt}}).empty());
    QVERIFY(gpuDisturbanceWarnings({}).empty());
  }

  // Each GPU of a multi-GPU run is named in its own sentences, in the order given.
  void eachGpuIsNamed() {
    const QStringList warnings =
        warningsFor({{"cuda:0", reason::kGpuIdle, 0}, {"cuda:1", reason::kSwThermalSlowdown, 1}});
    QCOMPARE(warnings.size(), 2);
    QVERIFY(warnings[0].startsWith(QStringLiteral("cuda:1 slowed its clock for heat")));
    QVERIFY(warnings[1].startsWith(QStringLiteral("1 other process was using cuda:1 ")));
  }

  // A thermal slowdown in the middle of a run is gone by its idle end: reading the reasons only
  // then would miss it, ORing every sample's reading keeps it.
  void slowdownMidRunSurvivesAccumulation() {
    const std::vector<std::uint64_t> samples = {0, reason::kSwThermalSlowdown, 0, reason::kGpuIdle};
    QVERIFY(gpuDisturbanceWarnings({throttled(samples.back())}).empty());
    const std::uint64_t seen =
        std::accumulate(samples.begin(), samples.end(), std::uint64_t{0}, accumulateThrottle);
    QCOMPARE(seen, reason::kSwThermalSlowdown | reason::kGpuIdle);
    QCOMPARE(warningsFor({throttled(seen)}), QStringList{kThermal});
  }
};

QTEST_APPLESS_MAIN(GpuDisturbanceTest)
#include "tst_gpu_disturbance.moc"
