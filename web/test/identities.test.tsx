import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AttackerSummary } from "../src/api/types";
import { addresses, shortId } from "../src/lib/format";
import { AddressTimeline } from "../src/pages/IdentityDetail";

function member(ip: string, first: string, last: string): AttackerSummary {
  return { uuid: `u-${ip}`, ip, first_seen: first, last_seen: last, country_code: null } as unknown as AttackerSummary;
}

describe("identity helpers", () => {
  it("tells uuid7s minted together apart by their last digits", () => {
    const a = "01a24f44-1111-7000-8000-00000000aaaa";
    const b = "01a24f44-1111-7000-8000-00000000bbbb";
    expect(shortId(a)).not.toBe(shortId(b));
    expect(shortId(a)).toBe("…0000aaaa");
  });
  it("counts addresses in words", () => {
    expect(addresses(1)).toBe("1 address");
    expect(addresses(3)).toBe("3 addresses");
  });
});

describe("AddressTimeline", () => {
  it("puts each address on one axis, oldest first, bars where it was active", () => {
    render(
      <AddressTimeline
        members={[
          member("198.51.100.2", "2026-05-02T10:00:00Z", "2026-05-02T12:00:00Z"),
          member("198.51.100.1", "2026-05-02T08:00:00Z", "2026-05-02T10:00:00Z"),
        ]}
      />,
    );
    const rows = within(screen.getByRole("list", { name: "Addresses over time" })).getAllByRole("listitem");
    expect(rows[0].textContent).toContain("198.51.100.1");
    expect(rows[1].textContent).toContain("198.51.100.2");
    const bars = document.querySelectorAll<HTMLElement>(".timeline-bar");
    expect(bars[0].style.left).toBe("0%");
    expect(bars[0].style.width).toBe("50%");
    expect(bars[1].style.left).toBe("50%");
  });
  it("says so when there is no address", () => {
    render(<AddressTimeline members={[]} />);
    expect(screen.getByText("No address yet.")).toBeTruthy();
  });
});
