import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root: the folder with package.json. Found by walking up, so the same code works
 * from `src/` (tests, tsx) and from the compiled `dist/src/`.
 */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'surveys'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${start}`);
    dir = parent;
  }
}

export const projectRoot = findRoot(__dirname);

export const paths = Object.freeze({
  root: projectRoot,
  surveys: path.join(projectRoot, 'surveys'),
  reports: path.join(projectRoot, 'reports'),
  views: path.join(projectRoot, 'src', 'views'),
  public: path.join(projectRoot, 'src', 'public'),
  /** Compiled migrations live beside the compiled source; the TypeScript ones beside `src/`. */
  migrations: path.resolve(__dirname, '..', 'migrations'),
  data: path.join(projectRoot, 'data'),
  /** Chart.js's browser build, from our own dependency: served to pages, put into reports. */
  chartJs: path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
});
