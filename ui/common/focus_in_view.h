// Keeps the widget with the keyboard focus in view inside a scroll area.
#pragma once

class QScrollArea;

namespace tb::ui {

// QScrollArea scrolls to a child that Tab reaches from another of its children, not to one the
// focus comes to from outside (Tab from the run queue into Setup, Shift+Tab from Run): the
// focused field stayed out of sight. This follows every focus change into `area`'s widget.
void keepFocusInView(QScrollArea* area);

}  // namespace tb::ui
