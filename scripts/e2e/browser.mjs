// Debian's Chromium, driven by playwright-core (a devDependency): headless, no sandbox (CI runs
// as root), nothing that reaches the network on its own. Playwright makes a fresh profile under
// os.tmpdir(), which scripts/e2e.mjs points into the scratch folder.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A headless Chromium with its own throw-away profile. */
export async function launchBrowser(paths, scratch) {
  return chromium.launch({
    executablePath: paths.chromium,
    args: CHROMIUM_ARGS,
    env: scratch.env,
    timeout: 60_000,
  });
}
