// Runs are told apart by colour and by marker shape: the first colours stay apart under the
// commonest colour-vision deficiencies, and each shown run gets the shape fewest others use.
#include "charts/run_markers.h"
#include "model/run_collection.h"

#include "../support/run_result_builder.h"

#include <QtTest>

#include <array>
#include <cmath>
#include <set>

using namespace tb::ui;

namespace {

using Matrix = std::array<std::array<double, 3>, 3>;

// Machado, Oliveira and Fernandes (2009), severity 1: how a colour looks with the deficiency.
constexpr Matrix kNormal = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
constexpr Matrix kDeuteranopia = {{{0.367322, 0.860646, -0.227968},
                                   {0.280085, 0.672501, 0.047413},
                                   {-0.011820, 0.042940, 0.968881}}};
constexpr Matrix kProtanopia = {{{0.152286, 1.052583, -0.204868},
                                 {0.114503, 0.786281, 0.099216},
                                 {-0.003882, -0.048116, 1.051998}}};

std::array<double, 3> labOf(const QColor& color, const Matrix& vision) {
  const auto linear = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
  const std::array<double, 3> rgb = {linear(color.redF()), linear(color.greenF()), linear(color.blueF())};
  std::array<double, 3> seen{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) seen[r] += vision[r][c] * rgb[c];
    seen[r] = std::clamp(seen[r], 0.0, 1.0);
  }
  const double x = (0.4124 * seen[0] + 0.3576 * seen[1] + 0.1805 * seen[2]) / 0.95047;
  const double y = 0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2];
  const double z = (0.0193 * seen[0] + 0.1192 * seen[1] + 0.9505 * seen[2]) / 1.08883;
  const auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
  return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

double distance(const QColor& a, const QColor& b, const Matrix& vision) {
  const auto la = labOf(a, vision);
  const auto lb = labOf(b, vision);
  return std::hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
}

}  // namespace

class RunMarkersTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // With six runs open (two devices, three machines), no two colours look alike with normal
  // vision, deuteranopia or protanopia (CIE76 distance 10 and more; red and green were 0.9
  // apart for deuteranopia, third and fifth in the palette).
  void firstColoursStayApart() {
    RunCollection runs;
    for (int i = 0; i < 6; ++i) runs.add(tbtest::RunResultBuilder().device("cpu", "CPU"));
    for (int i = 0; i < runs.count(); ++i) {
      for (int j = i + 1; j < runs.count(); ++j) {
        for (const Matrix* vision : {&kNormal, &kDeuteranopia, &kProtanopia}) {
          const double apart = distance(runs.at(i).color, runs.at(j).color, *vision);
          QVERIFY2(apart >= 10.0, qPrintable(QStringLiteral("runs %1 and %2: %3 apart")
                                                 .arg(i).arg(j).arg(apart)));
        }
      }
    }
  }

  // Each run its own shape while there are shapes to go round; a removed run's shape is the
  // next one's. None is the test accuracy's diamond.
  void eachRunGetsItsOwnShape() {
    RunCollection runs;
    std::set<int> markers;
    for (int i = 0; i < kRunMarkerCount; ++i) {
      runs.add(tbtest::RunResultBuilder().device("cpu", "CPU"));
      markers.insert(runs.at(i).marker);
      QVERIFY(runMarkerShape(runs.at(i).marker) != QCPScatterStyle::ssDiamond);
    }
    QCOMPARE(markers.size(), std::size_t{kRunMarkerCount});
    std::set<QCPScatterStyle::ScatterShape> shapes;
    for (int i = 0; i < kRunMarkerCount; ++i) shapes.insert(runMarkerShape(i));
    QCOMPARE(shapes.size(), std::size_t{kRunMarkerCount});
    const int freed = runs.at(2).marker;
    runs.remove(runs.at(2).id);
    runs.add(tbtest::RunResultBuilder().device("cpu", "CPU"));
    QCOMPARE(runs.at(runs.count() - 1).marker, freed);
  }
};

QTEST_MAIN(RunMarkersTest)
#include "tst_run_markers.moc"
