import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  // The window is WebKitGTK (Safari's engine) on Linux and macOS.
  build: { outDir: "dist", emptyOutDir: true, target: "safari15" },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
