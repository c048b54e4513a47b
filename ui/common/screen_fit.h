// Sizes for windows that open on screens of any size: a 1280x720 screen at 150% scaling leaves a
// window 853x480 logical pixels, where a dialog sized for a desktop opened with its buttons off
// the screen.
#pragma once

#include <QSize>

class QWidget;

namespace tb::ui {

// `wanted`, bounded by the free area of the screen `widget` opens on (its title bar left room),
// and never below what its layout needs.
QSize sizeWithinScreen(const QWidget* widget, QSize wanted);

}  // namespace tb::ui
