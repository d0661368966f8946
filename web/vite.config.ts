// The dashboard is served by `decnet serve` from the same origin as the API, so there is no
// proxy, no CORS and no base URL to configure. `DECNET_WEB_OUT` lets the build write straight
// into the CMake build tree.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: process.env.DECNET_WEB_OUT ?? "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    setupFiles: ["test/setup.ts"],
  },
});
