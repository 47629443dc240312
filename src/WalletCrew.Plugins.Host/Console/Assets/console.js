// Shows every <time datetime> in the viewer's own zone; the title keeps UTC for hover.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
  for (const t of document.querySelectorAll("time[datetime]")) {
    const at = new Date(t.dateTime);
    if (!Number.isNaN(at.getTime())) {
      t.textContent = format.format(at);
    }
  }
});
