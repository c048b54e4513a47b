// sizeWithinScreen (screen_fit.h).
#include "common/screen_fit.h"

#include <QGuiApplication>
#include <QScreen>
#include <QWidget>

namespace tb::ui {

namespace {

// Room for the window manager's title bar and frame, which the size set does not include.
constexpr int kFrameRoom = 48;

}  // namespace

QSize sizeWithinScreen(const QWidget* widget, QSize wanted) {
  const QScreen* screen = widget->screen() ? widget->screen() : QGuiApplication::primaryScreen();
  if (screen) {
    const QSize free = screen->availableGeometry().size() - QSize(kFrameRoom / 2, kFrameRoom);
    wanted = wanted.boundedTo(free);
  }
  return wanted.expandedTo(widget->minimumSizeHint());
}

}  // namespace tb::ui
