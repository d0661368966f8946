import { describe, expect, it } from "vitest";
import { SseParser } from "../src/api/sse";

describe("SseParser", () => {
  it("parses frames split at any byte", () => {
    const text = ': connected\n\nid: 45\nevent: attacker.observed\ndata: {"a":1}\n\nid: 46\nevent: system.log\ndata: {"b":2}\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const frames = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(frames).toEqual([
        { id: "45", event: "attacker.observed", data: '{"a":1}' },
        { id: "46", event: "system.log", data: '{"b":2}' },
      ]);
    }
  });

  it("joins multi-line data and accepts CRLF and CR line ends", () => {
    const parser = new SseParser();
    expect(parser.push("data: one\r\ndata:two\r\n\r\ndata: three\r\r\n")).toEqual([
      { id: null, event: "message", data: "one\ntwo" },
      { id: null, event: "message", data: "three" },
    ]);
  });

  it("waits when a CR might be the start of CRLF", () => {
    const parser = new SseParser();
    expect(parser.push("data: x\r")).toEqual([]);
    expect(parser.push("\n\r\n")).toEqual([{ id: null, event: "message", data: "x" }]);
  });

  it("ignores comments and frames without data", () => {
    const parser = new SseParser();
    expect(parser.push(": keepalive\n\nevent: ping\n\nretry: 10\n\n")).toEqual([]);
  });
});
