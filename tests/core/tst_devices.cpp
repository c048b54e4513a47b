// Devices: parsing what users type, facts, matching CUDA to NVML, reading device errors (out of
// memory, sticky CUDA errors) from real LibTorch messages, and the registry of retired devices.
#include "devices/cuda_libraries.h"
#include "devices/device_facts.h"
#include "devices/device_health.h"
#include "devices/device_id.h"
#include "devices/system_info.h"
#include "engine/trainer.h"
#include "machine/cpu_budget.h"

#include "../support/absent_device.h"

#include <ATen/Context.h>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cctype>
#include <clocale>

using namespace tb;

namespace {

bool available(const std::string& id) {
  const auto devices = availableDevices();
  return std::find(devices.begin(), devices.end(), id) != devices.end();
}

}  // namespace

class DevicesTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void cleanup() { forgetUnusableDevices(); }

  // Users type devices loosely; each spelling must land on the canonical id.
  void parsesDeviceSpellings_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("cpu") << "cpu"
                         << "cpu";
    QTest::newRow("upper case") << "CPU"
                                << "cpu";
    QTest::newRow("cuda alone") << "cuda"
                                << "cuda:0";
    QTest::newRow("cuda:1") << "cuda:1"
                            << "cuda:1";
    QTest::newRow("gpu alias") << "gpu:2"
                               << "cuda:2";
    QTest::newRow("mps") << "mps"
                         << "mps";
  }
  void parsesDeviceSpellings() {
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    QCOMPARE(QString::fromStdString(parseDeviceId(text.toStdString()).str()), canonical);
  }

  // The CLI compares the words after this: one spelling per device, and "cuda" keeps meaning
  // "the rank's own GPU" (no index); what is no device stays as typed, for its error.
  void canonicalDeviceTexts_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("CPU") << "CPU" << "cpu";
    QTest::newRow("Mps") << "Mps" << "mps";
    QTest::newRow("GPU") << "GPU" << "cuda";
    QTest::newRow("CUDA") << "CUDA" << "cuda";
    QTest::newRow("gpu:1") << "gpu:1" << "cuda:1";
    QTest::newRow("Cuda:01") << "Cuda:01" << "cuda:1";
    QTest::newRow("typo") << "cdua" << "cdua";
    QTest::newRow("huge index") << "cuda:99999" << "cuda:99999";
  }
  void canonicalDeviceTexts() {
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    QCOMPARE(QString::fromStdString(canonicalDeviceText(text.toStdString())), canonical);
  }

  // A typo must say what was wrong and what exists, not fall back to some device.
  void rejectsMalformedDevices_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty index") << "cuda:";
    QTest::newRow("letters") << "cuda:x";
    QTest::newRow("negative") << "cuda:-1";
    QTest::newRow("huge") << "cuda:123456";
    QTest::newRow("unknown kind") << "tpu";
    QTest::newRow("empty") << "";
  }
  void rejectsMalformedDevices() {
    QFETCH(QString, text);
    try {
      parseDeviceId(text.toStdString());
      QFAIL("accepted a malformed device");
    } catch (const DeviceError& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("expected cpu, cuda, cuda:N or mps") != std::string::npos, e.what());
      QVERIFY2(what.find("available here: cpu") != std::string::npos, e.what());
    }
  }

  // A well-formed device this machine lacks is refused with the list of those it has.
  void refusesMissingGpu() {
    const std::string missing = tbtest::absentCudaDevice();
    QVERIFY(!available(missing));
    try {
      resolveDevice(missing);
      QFAIL("resolved a missing GPU");
    } catch (const DeviceError& e) {
      QVERIFY2(std::string(e.what()).find("available devices: cpu") != std::string::npos, e.what());
    }
  }

  // The CPU's facts are what `devices` prints and results record.
  void cpuFactsAreRead() {
    const DeviceFacts facts = deviceFacts(parseDeviceId("cpu"));
    QVERIFY(!facts.name.empty());
    QVERIFY(facts.physicalCores.value_or(0) >= 1);
    QVERIFY(facts.logicalCores.value_or(0) >= facts.physicalCores.value_or(0));
    QVERIFY(facts.memoryMb.value_or(0) > 0);
    QVERIFY(!facts.computeCapability && !facts.nvmlIndex);
  }

  // Result files and `devices --json` record these words for the kinds: they must not change.
  void kindNamesRoundTrip() {
    for (const auto kind : {DeviceKind::Cpu, DeviceKind::Cuda, DeviceKind::Mps}) {
      QCOMPARE(parseDeviceKind(toString(kind)), std::optional<DeviceKind>(kind));
    }
    QCOMPARE(std::string(toString(DeviceKind::Cuda)), std::string("cuda"));
    QVERIFY(!parseDeviceKind("tpu"));
    QVERIFY(parseDeviceId("GPU:2").kind == DeviceKind::Cuda);
    QVERIFY(parseDeviceId("mps").kind == DeviceKind::Mps);
  }

  // --threads 0 and the GUI's "auto" mean the physical cores, within the CPUs this process may
  // use (`taskset`, a container's quota: the CI's box may have either); a positive count is
  // taken as is.
  void threadCountDefaultsToPhysicalCores() {
    const int usable =
        defaultThreadCount(physicalCoreCount(), affinityCpuCount(), cgroupCpuQuota());
    QVERIFY(usable >= 1 && usable <= physicalCoreCount());
    QCOMPARE(cpuThreadCount(0), usable);
    QCOMPARE(cpuThreadCount(-1), usable);
    QCOMPARE(cpuThreadCount(3), 3);
  }

  // NVML writes PCI bus ids with an 8-digit domain, CUDA with 4: both must name the same GPU.
  void normalisesPciBusIds() {
    QCOMPARE(normalisedPciBusId("00000000:17:00.0"), std::string("0000:17:00.0"));
    QCOMPARE(normalisedPciBusId("0000:B3:00.0"), std::string("0000:b3:00.0"));
    QCOMPARE(normalisedPciBusId("0001:65:1f.7"), std::string("0001:65:1f.7"));
    QCOMPARE(normalisedPciBusId(""), std::string());
    QCOMPARE(normalisedPciBusId("GPU-1234"), std::string());
    QCOMPARE(normalisedPciBusId("0000:17:00.0 trailing"), std::string());
  }

  // Without a bus id, CUDA index i is NVML index i only when CUDA sees every GPU in PCI order.
  // What results record for a GPU run's CUDA libraries, from the numbers LibTorch reports: cuDNN
  // 9 changed its version number's layout, and a misread would call cuDNN 9.1 "90.1".
  void cudaLibraryVersionTexts() {
    QCOMPARE(cudaRuntimeText(12040), std::string("12.4"));
    QCOMPARE(cudaRuntimeText(11080), std::string("11.8"));
    QCOMPARE(cudaRuntimeText(13000), std::string("13.0"));
    QCOMPARE(cudnnVersionText(8902), std::string("8.9.2"));
    QCOMPARE(cudnnVersionText(90100), std::string("9.1.0"));
    QCOMPARE(cudnnVersionText(91002), std::string("9.10.2"));
    QVERIFY(cudaRuntimeText(0).empty());
    QVERIFY(cudnnVersionText(-1).empty());
    // A LibTorch without CUDA has neither; one with CUDA has at least its runtime.
    const CudaLibraries libraries = cudaLibraries();
    QCOMPARE(libraries.runtime.has_value(), at::hasCUDA());
    if (!at::hasCUDA()) QVERIFY(!libraries.cudnn);
  }

  void positionalMatchOnlyWhenOrdersAgree() {
    QVERIFY(cudaOrderMatchesNvml(1, 1, "", ""));
    QVERIFY(cudaOrderMatchesNvml(4, 4, "", "PCI_BUS_ID"));
    QVERIFY(!cudaOrderMatchesNvml(4, 4, "", ""));  // default order: fastest first
    QVERIFY(!cudaOrderMatchesNvml(4, 4, "", "FASTEST_FIRST"));
    QVERIFY(!cudaOrderMatchesNvml(1, 4, "2", "PCI_BUS_ID"));  // CUDA_VISIBLE_DEVICES renumbers
    QVERIFY(!cudaOrderMatchesNvml(2, 2, "1,0", "PCI_BUS_ID"));
    QVERIFY(!cudaOrderMatchesNvml(0, 0, "", ""));
  }

  // The messages LibTorch 2.x and 1.x give for CUDA, cuBLAS and CPU allocation failures all read
  // as out of memory, with the size that did not fit.
  void readsOutOfMemoryMessages_data() {
    // The whole training set is on the device as well as the batch: either may not have fit.
    const QString kAdvice = QStringLiteral(
        "; a smaller batch size, or fewer training images (the run keeps them all on the device), "
        "may fit");
    // The CPU's memory is the machine's; a known batch is named, as the user's next try.
    const QString kCpuAdvice = QStringLiteral(
        "; a batch smaller than 2048, or fewer training images (the run keeps them all in "
        "memory), may fit");
    QTest::addColumn<QString>("device");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expected");
    QTest::newRow("LibTorch 2.x")
        << "cuda:0"
        << "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 "
           "GiB of which 1.50 GiB is free. Including non-PyTorch memory, this process has 77.60 "
           "GiB memory in use. Of the allocated memory 76.10 GiB is allocated by PyTorch"
        << "out of memory on cuda:0: tried to allocate 2.00 GiB (79.19 GiB in total)" + kAdvice;
    QTest::newRow("LibTorch 1.x")
        << "cuda:1"
        << "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 1; 7.79 GiB total capacity; "
           "6.12 GiB already allocated; 3.94 MiB free; 6.20 GiB reserved in total by PyTorch)"
        << "out of memory on cuda:1: tried to allocate 20.00 MiB (7.79 GiB in total)" + kAdvice;
    QTest::newRow("cuBLAS")
        << "cuda:0"
        << "CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`"
        << "out of memory on cuda:0" + kAdvice;
    QTest::newRow("CPU")
        << "cpu"
        << "DefaultCPUAllocator: not enough memory: you tried to allocate 1099511627776 bytes."
        << "out of memory on cpu: tried to allocate 1.00 TiB" + kCpuAdvice;
  }
  void readsOutOfMemoryMessages() {
    QFETCH(QString, device);
    QFETCH(QString, message);
    QFETCH(QString, expected);
    QCOMPARE(classifyDeviceError(message.toStdString()), DeviceErrorKind::OutOfMemory);
    const int batch = device == QLatin1String("cpu") ? 2048 : 0;
    QCOMPARE(QString::fromStdString(
                 outOfMemoryMessage(device.toStdString(), message.toStdString(), batch)),
             expected);
  }

  // The app takes the C library's locale from the user (QApplication calls setlocale), and
  // under a Turkish one tolower('I') is 'I': "CUBLAS_STATUS_ALLOC_FAILED" lowered to
  // "cublas_status_alloc_faIled" and an out-of-memory error read as some other failure (its
  // cached memory was not freed for the next run). Device texts are ASCII: read them so.
  void readsErrorsAlikeUnderATurkishLocale() {
    QTemporaryDir locales;
    QProcess compile;
    compile.start(QStringLiteral("localedef"),
                  {"-i", "tr_TR", "-f", "UTF-8", locales.filePath(QStringLiteral("tr_TR.UTF-8"))});
    if (!compile.waitForFinished(60000) || compile.exitCode() != 0) {
      QSKIP("localedef cannot make a Turkish locale here (the locales package is missing)");
    }
    qputenv("LOCPATH", QFile::encodeName(locales.path()));
    const std::string before = std::setlocale(LC_ALL, nullptr);
    const bool turkish = std::setlocale(LC_ALL, "tr_TR.UTF-8") != nullptr && std::tolower('I') != 'i';
    const auto kind = classifyDeviceError("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`");
    std::setlocale(LC_ALL, before.c_str());
    qunsetenv("LOCPATH");
    if (!turkish) QSKIP("the Turkish locale made here does not take effect");
    QCOMPARE(kind, DeviceErrorKind::OutOfMemory);
  }

  // Errors that corrupt the CUDA context are sticky; ordinary errors are not.
  void tellsStickyErrorsFromOthers_data() {
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("sticky");
    QTest::newRow("illegal address")
        << "CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be "
           "asynchronously reported at some other API call"
        << true;
    QTest::newRow("device assert") << "CUDA error: device-side assert triggered" << true;
    QTest::newRow("launch failure") << "CUDA error: unspecified launch failure" << true;
    QTest::newRow("misaligned") << "CUDA error: misaligned address" << true;
    QTest::newRow("shape") << "mat1 and mat2 shapes cannot be multiplied (32x784 and 100x10)"
                           << false;
    QTest::newRow("bad ordinal") << "CUDA error: invalid device ordinal" << false;
  }
  void tellsStickyErrorsFromOthers() {
    QFETCH(QString, message);
    QFETCH(bool, sticky);
    const auto kind = classifyDeviceError(message.toStdString());
    QCOMPARE(kind == DeviceErrorKind::Sticky, sticky);
    QVERIFY(kind != DeviceErrorKind::OutOfMemory);
  }

  // The reason shown for a retired device is the first line of CUDA's message, not its advice.
  void firstLineOfMessage() {
    QCOMPARE(firstLine("CUDA error: an illegal memory access was encountered\nCUDA kernel ..."),
             std::string("CUDA error: an illegal memory access was encountered"));
    QCOMPARE(firstLine("one line  "), std::string("one line"));
  }

  // A device retired by a sticky error is refused with the reason until the process restarts,
  // while other devices keep working. (The CPU stands in for a GPU here: no GPU on CI.)
  void retiredDeviceIsRefusedOthersWork() {
    markDeviceUnusable("cpu", "CUDA error: an illegal memory access was encountered");
    try {
      resolveDevice("cpu");
      QFAIL("resolved a retired device");
    } catch (const DeviceError& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("unusable until TrainBench restarts") != std::string::npos, e.what());
      QVERIFY2(what.find("illegal memory access") != std::string::npos, e.what());
    }
    QVERIFY(!deviceUnusableReason("cuda:1"));

    // A run on it fails at once as a device failure with that message.
    RunConfig config;
    config.synthetic = true;
    config.epochs = 1;
    config.trainLimit = 64;
    config.testLimit = 32;
    RunObserver observer;
    std::atomic<bool> cancel{false};
    const RunResult result = runTraining(config, observer, cancel);
    QCOMPARE(result.status, RunStatus::Failed);
    QCOMPARE(result.failure, FailureKind::Device);
    QVERIFY2(result.error.find("unusable until TrainBench restarts") != std::string::npos,
             result.error.c_str());

    forgetUnusableDevices();
    QCOMPARE(resolveDevice("cpu").str(), std::string("cpu"));
  }
};

QTEST_APPLESS_MAIN(DevicesTest)
#include "tst_devices.moc"
