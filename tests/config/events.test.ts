import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

const withEvents = (events: string) => `projects:\n  - name: a\n    repos: [octo/one]\n    events:\n${events}`;

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("project events in the config", () => {
  it("reads dated events, an unquoted YAML date included", () => {
    const config = parseConfig(withEvents(`      - { day: 2025-02-01, label: "weights released under Apache-2.0" }\n`));
    expect(config.projects[0]!.events).toEqual([{ day: "2025-02-01", label: "weights released under Apache-2.0" }]);
    expect(parseConfig(withEvents("      []\n")).projects[0]!.events).toEqual([]);
  });

  it.each([
    ["a day that does not exist", `      - { day: 2025-02-30, label: x }\n`, "projects[0].events[0].day: must be a day YYYY-MM-DD"],
    ["a day with a time", `      - { day: "2025-02-01T10:00:00Z", label: x }\n`, "projects[0].events[0].day: must be a day YYYY-MM-DD"],
    ["an empty label", `      - { day: 2025-02-01, label: "  " }\n`, "projects[0].events[0].label: must not be empty"],
    ["a duplicate label", `      - { day: 2025-02-01, label: x }\n      - { day: 2025-03-01, label: x }\n`, 'projects[0].events[1].label: duplicate event label "x"'],
    ["an unknown key", `      - { day: 2025-02-01, label: x, colour: red }\n`, "projects[0].events[0].colour: unknown key"],
  ])("rejects %s with a path: message line", (_name, events, line) => {
    expect(problems(withEvents(events))).toEqual([line]);
  });
});
