// One way of writing numbers across the window.
#pragma once

namespace tb::ui {

// Makes every number the window shows use a decimal point and a comma between thousands,
// whatever the user's locale. The comparison table, the tooltips and the exports write "0.08",
// as result files and the CLI do (a CSV must read the same on every machine); the chart axes,
// spin boxes and labels followed the system locale, so a decimal-comma locale showed "0,1" on
// the axis beside "0.08" in its table. The C library's numbers too: text the core formats with
// printf wrote "29,5 MB". Call once, after the QApplication and before any widget exists.
void useOneNumberFormat();

}  // namespace tb::ui
