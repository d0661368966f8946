import { act, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { VerdictChip, WebhookStateChip } from "../src/components/Chip";
import { ConfirmProvider, useConfirm } from "../src/components/ConfirmDialog";
import { DataTable } from "../src/components/DataTable";
import { Drawer } from "../src/components/Drawer";
import { Pager } from "../src/components/Pager";
import { Time } from "../src/components/Time";

function DrawerHarness() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open && (
        <Drawer title="Inspector" onClose={() => setOpen(false)}>
          <a href="#one">first link</a>
          <button type="button">last button</button>
        </Drawer>
      )}
    </>
  );
}

describe("Drawer", () => {
  it("traps focus, closes on Escape and gives focus back", () => {
    render(<DrawerHarness />);
    const opener = screen.getByText("Open");
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole("dialog", { name: "Inspector" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    const close = screen.getByRole("button", { name: "Close" });
    const last = screen.getByText("last button");
    expect(document.activeElement).toBe(close);
    last.focus();
    fireEvent.keyDown(document, { key: "Tab" });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(document, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(last);
    fireEvent.keyDown(document, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});

function ConfirmHarness({ onAnswer }: { onAnswer: (ok: boolean) => void }) {
  const confirm = useConfirm();
  return (
    <button type="button" onClick={() => void confirm({ title: "Delete ops-siem?", message: "Its log goes too.", action: "Delete" }).then(onAnswer)}>
      Delete ops-siem
    </button>
  );
}

describe("ConfirmDialog", () => {
  const open = (onAnswer: (ok: boolean) => void) => {
    render(
      <ConfirmProvider>
        <ConfirmHarness onAnswer={onAnswer} />
      </ConfirmProvider>,
    );
    const opener = screen.getByText("Delete ops-siem");
    opener.focus();
    fireEvent.click(opener);
    return opener;
  };

  it("starts on Cancel, keeps focus inside and answers true only for the named action", async () => {
    const answers: boolean[] = [];
    const opener = open((ok) => answers.push(ok));
    const dialog = screen.getByRole("alertdialog", { name: "Delete ops-siem?" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(dialog.textContent).toContain("Its log goes too.");
    const cancel = screen.getByRole("button", { name: "Cancel" });
    const action = screen.getByRole("button", { name: "Delete" });
    expect(document.activeElement).toBe(cancel);
    action.focus();
    fireEvent.keyDown(document, { key: "Tab" });
    expect(document.activeElement).toBe(cancel);
    await act(async () => fireEvent.click(action));
    expect(answers).toEqual([true]);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("answers false on Escape, on Cancel and on a click outside", async () => {
    const answers: boolean[] = [];
    open((ok) => answers.push(ok));
    await act(async () => fireEvent.keyDown(document, { key: "Escape" }));
    fireEvent.click(screen.getByText("Delete ops-siem"));
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Cancel" })));
    fireEvent.click(screen.getByText("Delete ops-siem"));
    await act(async () => fireEvent.click(screen.getByRole("alertdialog").parentElement!));
    expect(answers).toEqual([false, false, false]);
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });
});

describe("DataTable", () => {
  const columns = [{ key: "n", header: "Name", render: (r: { n: string }) => r.n }];

  it("shows loading, empty, error and rows distinctly", () => {
    const retry = vi.fn();
    const { rerender } = render(<DataTable caption="Things" columns={columns} rows={null} rowKey={(r) => r.n} loading />);
    expect(screen.getByRole("status").textContent).toBe("Loading…");
    rerender(<DataTable caption="Things" columns={columns} rows={[]} rowKey={(r) => r.n} empty="No things." />);
    expect(screen.getByText("No things.")).toBeTruthy();
    rerender(<DataTable caption="Things" columns={columns} rows={null} rowKey={(r) => r.n} error={new Error("boom")} onRetry={retry} />);
    expect(screen.getByRole("alert").textContent).toContain("Could not load things: boom");
    fireEvent.click(screen.getByText("Retry"));
    expect(retry).toHaveBeenCalledTimes(1);
    rerender(<DataTable caption="Things" columns={columns} rows={[{ n: "alpha" }, { n: "beta" }]} rowKey={(r) => r.n} />);
    expect(screen.getAllByRole("row")).toHaveLength(3);
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("activates a row on click but leaves links inside it alone", () => {
    const activate = vi.fn();
    const cols = [{ key: "n", header: "Name", render: (r: { n: string }) => <a href="#x">{r.n}</a> }, { key: "m", header: "More", render: () => "cell" }];
    render(<DataTable caption="T" columns={cols} rows={[{ n: "alpha" }]} rowKey={(r) => r.n} onRowActivate={activate} />);
    fireEvent.click(screen.getByText("alpha"));
    expect(activate).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText("cell"));
    expect(activate).toHaveBeenCalledWith({ n: "alpha" });
  });
});

describe("chips", () => {
  it("labels verdicts, defaulting to unknown", () => {
    const { container, rerender } = render(<VerdictChip verdict="malicious" />);
    expect(container.textContent).toBe("malicious");
    expect(container.firstElementChild!.className).toContain("chip-bad");
    rerender(<VerdictChip verdict={null} />);
    expect(container.textContent).toBe("unknown");
  });

  it("shows a red TRIPPED chip with the time the breaker opened", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-12-04T12:10:00Z"));
    try {
      const { container } = render(<WebhookStateChip state="tripped" trippedAt="2026-12-04T12:00:00Z" />);
      expect(container.textContent).toBe("TRIPPED · 10m ago");
      expect(container.firstElementChild!.getAttribute("title")).toBe("circuit opened 2026-12-04 12:00:00 UTC");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("Time", () => {
  it("renders the machine-readable time with UTC on hover", () => {
    const { container } = render(<Time value="2026-12-04T17:28:05.607748Z" />);
    const time = container.querySelector("time")!;
    expect(time.getAttribute("dateTime")).toBe("2026-12-04T17:28:05.607Z");
    expect(time.getAttribute("title")).toBe("2026-12-04 17:28:05 UTC");
  });
});

describe("Pager", () => {
  it("moves by pages and disables the ends", () => {
    const change = vi.fn();
    render(<Pager total={120} limit={50} offset={50} onChange={change} />);
    expect(screen.getByText(/51–100 of 120/)).toBeTruthy();
    fireEvent.click(screen.getByText("Next"));
    fireEvent.click(screen.getByText("Previous"));
    expect(change.mock.calls).toEqual([[100], [0]]);
  });
});
