// Builds the SPA straight into the Python package's static folder, which `trackwell server` serves at `/`.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const outDir = fileURLToPath(new URL("../src/trackwell/server/static", import.meta.url));

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    // Two pages: the app, and the sandboxed media viewer (Plotly, 3D, molecules) that the app frames.
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL("index.html", import.meta.url)),
        viewer: fileURLToPath(new URL("viewer.html", import.meta.url)),
      },
    },
  },
  server: {
    // `npm run dev` proxies the API to a running `trackwell server` (TRACKWELL_DEV_API, default :8765).
    proxy: { "/api": process.env.TRACKWELL_DEV_API ?? "http://127.0.0.1:8765" },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
