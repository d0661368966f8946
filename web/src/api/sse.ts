// The live feed reads /api/v1/stream with fetch rather than EventSource: the server names each
// frame after its bus topic, and EventSource only delivers frames whose name a listener was
// registered for in advance, which a feed filtering on any topic cannot know. Reading the body
// ourselves also lets a reconnect send Last-Event-ID so nothing in the server's replay ring is
// missed across a dropped connection.

import { ApiClient, ApiError } from "./client";
import type { BusEvent } from "./types";

export interface SseFrame {
  id: string | null;
  event: string;
  data: string;
}

// Incremental parser for text/event-stream (WHATWG HTML §9.2.6): feed it chunks as they arrive,
// it returns the frames completed so far. Comments and retry fields are ignored.
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | null = null;
  private hasId = false;

  push(chunk: string): SseFrame[] {
    this.buffer += chunk;
    const frames: SseFrame[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone CR at the very end may be the first half of CRLF: wait for more.
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const frame = this.line(line);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  private line(line: string): SseFrame | null {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = "";
        return null;
      }
      const frame = { id: this.hasId ? this.id : null, event: this.event || "message", data: this.data.join("\n") };
      this.data = [];
      this.event = "";
      this.hasId = false;
      return frame;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) {
      this.id = value;
      this.hasId = true;
    }
    return null;
  }
}

export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed";

export interface StreamOptions {
  topics: string;
  onEvent: (event: BusEvent, id: string | null) => void;
  onStatus?: (status: StreamStatus, detail?: string) => void;
  reconnectMs?: number;
}

// Opens the stream with a fresh single-use ticket, reconnects after a drop (new ticket, same
// Last-Event-ID), and stops for good when the returned function is called.
export function openEventStream(client: ApiClient, options: StreamOptions): () => void {
  const controller = new AbortController();
  let lastId: string | null = null;
  let stopped = false;
  const delay = options.reconnectMs ?? 3000;

  const run = async () => {
    let first = true;
    while (!stopped) {
      options.onStatus?.(first ? "connecting" : "reconnecting");
      first = false;
      try {
        const { ticket } = await client.post<{ ticket: string }>("/auth/sse-ticket");
        const headers: Record<string, string> = lastId ? { "Last-Event-ID": lastId } : {};
        const response = await client.openStream("/stream", { ticket, topics: options.topics }, headers, controller.signal);
        options.onStatus?.("live");
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        const parser = new SseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const frame of parser.push(value)) {
            if (frame.id) lastId = frame.id;
            try {
              options.onEvent(JSON.parse(frame.data) as BusEvent, frame.id);
            } catch {
              // A frame that is not a bus event (none are sent today) is skipped, not fatal.
            }
          }
        }
      } catch (error) {
        if (stopped) break;
        const detail = error instanceof ApiError ? error.describe() : String(error);
        options.onStatus?.("reconnecting", detail);
        if (error instanceof ApiError && error.status === 401) break;
      }
      if (stopped) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    options.onStatus?.("closed");
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}
