import { describe, expect, it } from "vitest";
import type { ServiceField } from "../src/api/types";
import { changedConfig, initialValue, MASKED } from "../src/pages/ServiceConfigForm";

const field = (over: Partial<ServiceField>): ServiceField => ({ key: "k", label: "K", type: "string", default: "", secret: false, help: null, enum: null, ...over });

describe("service config form", () => {
  it("starts from the decky's setting, else the schema's default", () => {
    expect(initialValue(field({ key: "banner", default: "vsFTPd" }), { banner: "ProFTPD" })).toBe("ProFTPD");
    expect(initialValue(field({ key: "banner", default: "vsFTPd" }), {})).toBe("vsFTPd");
    expect(initialValue(field({ key: "code", type: "int", default: 200 }), {})).toBe("200");
    expect(initialValue(field({ key: "versions", type: "multi_enum", default: ["http/1.1", "http/2"] }), {})).toBe("http/1.1,http/2");
    expect(initialValue(field({ key: "nla", type: "bool", default: false }), {})).toBe("false");
  });

  it("leaves a masked secret out so the server keeps it, and sends a typed one", () => {
    const fields = [field({ key: "password", type: "password", secret: true }), field({ key: "user" })];
    expect(changedConfig(fields, { password: MASKED, user: "root" })).toEqual({ user: "root" });
    expect(changedConfig(fields, { password: "n3w", user: "root" })).toEqual({ password: "n3w", user: "root" });
  });
});
