// Puppeteer reads this at install time and at run time.
// A system Chromium (Debian's `chromium`) is preferred: this machine has no route to Google's
// download servers, and a failed browser download must never break `npm install`.
const fs = require('node:fs');

const systemBrowsers = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const found = systemBrowsers.find((p) => fs.existsSync(p));

module.exports = {
  skipDownload: Boolean(found) || process.env.PUPPETEER_SKIP_DOWNLOAD === 'true',
  ...(found ? { executablePath: found } : {}),
};
