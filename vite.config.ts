import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Builds the renderer; the same bundle serves the desktop window and the browser UI. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
  },
});
