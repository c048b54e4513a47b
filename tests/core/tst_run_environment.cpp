// What a run's software environment adds to its speed: the CPU's BLAS (named from its file and
// from OpenBLAS's own description, found in this process, a warning for the reference BLAS that
// makes CPU results several times slower), how TrainBench was built, and the speed-changing
// environment variables.
#include "devices/blas_library.h"
#include "devices/build_info.h"
#include "devices/system_info.h"
#include "machine/speed_switches.h"
#include "results/comparison_groups.h"

#include "../support/comparison_runs.h"

#include <QFileInfo>
#include <QtTest>

#include <dlfcn.h>

using namespace tb;

class RunEnvironmentTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void librariesAreNamedFromTheirFile_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("reference");
    QTest::newRow("debian reference") << "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"
                                      << "reference BLAS" << true;
    QTest::newRow("debian openblas") << "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"
                                     << "OpenBLAS" << false;
    QTest::newRow("openblas itself") << "/usr/lib/libopenblas.so.0" << "OpenBLAS" << false;
    QTest::newRow("mkl") << "/opt/intel/lib/libmkl_rt.so.2" << "Intel MKL" << false;
    QTest::newRow("blis") << "/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3" << "BLIS"
                          << false;
    // A libblas.so.3 elsewhere is not known to be the reference one: named by its file only.
    QTest::newRow("unknown") << "/opt/vendor/libblas.so.3" << "libblas.so.3" << false;
    // Folders further up are anyone's: a user named mkleinberg has no MKL.
    QTest::newRow("home folders") << "/home/mkleinberg/publisher/lib/libblas.so.3"
                                  << "libblas.so.3" << false;
    QTest::newRow("atlas file") << "/usr/lib/x86_64-linux-gnu/libsatlas.so.3" << "ATLAS" << false;
  }
  void librariesAreNamedFromTheirFile() {
    QFETCH(QString, path);
    QFETCH(QString, name);
    QFETCH(bool, reference);
    const BlasLibrary blas = blasFromPath(path.toStdString());
    QCOMPARE(QString::fromStdString(blas.name), name);
    QCOMPARE(blas.reference, reference);
    QCOMPARE(QString::fromStdString(blas.path), path);
  }

  void openBlasSaysItsVersionAndThreading() {
    const std::string config = "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64";
    QCOMPARE(openBlasName(config, 2), std::string("OpenBLAS 0.3.21 (OpenMP)"));
    QCOMPARE(openBlasName(config, 1), std::string("OpenBLAS 0.3.21 (pthreads)"));
    QCOMPARE(openBlasName(config, 0), std::string("OpenBLAS 0.3.21 (single-threaded)"));
    QCOMPARE(openBlasName("", -1), std::string("OpenBLAS"));
  }

  // The warning names the file and the package that fixes it; other libraries get none.
  void onlyTheReferenceBlasIsWarnedAbout() {
    const BlasLibrary reference = blasFromPath("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3");
    const std::string warning = referenceBlasWarning(reference);
    QVERIFY(warning.find("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3") != std::string::npos);
    QVERIFY(warning.find("libopenblas0-openmp") != std::string::npos);
    QVERIFY(referenceBlasWarning(blasFromPath("/usr/lib/libopenblas.so.0")).empty());
    QVERIFY(referenceBlasWarning(BlasLibrary{}).empty());
  }

  // Where this process has a sgemm_ (LibTorch on Debian links libblas.so.3), its file is found.
  void theLoadedLibraryIsFound() {
    const BlasLibrary& blas = loadedBlasLibrary();
    if (::dlsym(RTLD_DEFAULT, "sgemm_") == nullptr) {
      QVERIFY(blas.name.empty());
      return;
    }
    QVERIFY(!blas.name.empty());
    QVERIFY2(QFileInfo(QString::fromStdString(blas.path)).isFile(), blas.path.c_str());
  }

  // How this TrainBench was built goes in every result: "GCC 12.2.0, optimised"; a debug build's
  // runs are warned about (the steps around the kernels run slower).
  void theBuildIsRecorded() {
    const BuildInfo build = thisBuild();
    QVERIFY(!build.compiler.empty());
    QCOMPARE(collectSystemInfo().build, buildText(build));
    QCOMPARE(unoptimisedBuild(buildText(build)), !build.optimised);
    QCOMPARE(buildText({"GCC 12.2.0", false, ""}), std::string("GCC 12.2.0, not optimised"));
    QCOMPARE(buildText({"Clang 14.0.6", true, "AddressSanitizer"}),
             std::string("Clang 14.0.6, optimised, AddressSanitizer"));
    QVERIFY(unoptimisedBuild("GCC 12.2.0, not optimised"));
    QVERIFY(!unoptimisedBuild("GCC 12.2.0, optimised") && !unoptimisedBuild(""));
    QVERIFY(unoptimisedBuildWarning({"GCC 12.2.0", false, ""}).find("scripts/build.sh") !=
            std::string::npos);
    QVERIFY(unoptimisedBuildWarning({"GCC 12.2.0", true, ""}).empty());
  }

  // A debug build's runs are another speed, on any device: they fold apart, labelled so. Another
  // compiler, optimised, is the same benchmark.
  void unoptimisedBuildsFoldApart() {
    std::vector<RunResult> results = tbtest::repeats("cuda:0", {2.0, 2.1});
    results[0].system.build = "GCC 12.2.0, optimised";
    results[1].system.build = "Clang 14.0.6, optimised";
    QCOMPARE(tbtest::allRows(buildComparison(results)).size(), std::size_t{1});
    results[1].system.build = "GCC 12.2.0, not optimised";
    const auto rows = tbtest::allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[1].environment, std::string("unoptimised build"));
    QVERIFY2(tbtest::contains(rows[1].label, "unoptimised build"), rows[1].label.c_str());
  }

  // The variables set are found, with their values (an empty one too); others are not looked at.
  void speedSwitchesAreTheOnesSet() {
    for (const std::string& name : speedSwitchNames()) qunsetenv(name.c_str());
    QVERIFY(speedSwitches().empty());
    QVERIFY(speedSwitchesText({}).empty());
    qputenv("OMP_WAIT_POLICY", "passive");
    qputenv("TRAINBENCH_CHANNELS_LAST", "");
    qputenv("TRAINBENCH_TEST_UNRELATED", "1");
    const auto set = speedSwitches();
    QCOMPARE(set.size(), std::size_t{2});
    QCOMPARE(set.at("OMP_WAIT_POLICY"), std::string("passive"));
    QCOMPARE(set.at("TRAINBENCH_CHANNELS_LAST"), std::string());
    QCOMPARE(speedSwitchesText(set),
             std::string("OMP_WAIT_POLICY=passive, TRAINBENCH_CHANNELS_LAST="));
    qunsetenv("OMP_WAIT_POLICY");
    qunsetenv("TRAINBENCH_CHANNELS_LAST");
  }
};

QTEST_APPLESS_MAIN(RunEnvironmentTest)
#include "tst_run_environment.moc"
