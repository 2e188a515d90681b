// Reads an iCalendar file as a web calendar does, with ical.js (npm), and prints what it
// understood as JSON: the calendar's METHOD and, per event, UTC start and end, SEQUENCE,
// STATUS, ORGANIZER and ATTENDEEs. Used by tests/calendar/test_parsers.py.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { default: ICAL } = await import(
  pathToFileURL(path.join(root, "node_modules", "ical.js", "dist", "ical.js")).href
);

const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[2], "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const utc = (time) => (time.isDate ? time.toString() : time.toJSDate().toISOString());
  return {
    uid: event.uid,
    start: utc(event.startDate),
    end: utc(event.endDate),
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    organizer: component.getFirstPropertyValue("organizer"),
    attendees: event.attendees.map((a) => ({
      address: a.getFirstValue(),
      partstat: a.getParameter("partstat"),
      rsvp: a.getParameter("rsvp"),
      cn: a.getParameter("cn"),
    })),
  };
});
console.log(JSON.stringify({ method: calendar.getFirstPropertyValue("method"), events }));
