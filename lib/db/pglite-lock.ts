import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no lock of its own: two processes opening the same folder corrupt it. We hold an exclusive lock
 * file beside the data folder holding our PID. A lock left by a dead process (crash, kill -9) is taken over;
 * a live one makes the second process fail at once, naming the folder.
 */
export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database folder ${dir} is in use by another Flightdeck process (pid ${pid}). ` +
        `Stop that process, or set PGLITE_DATA_DIR to another folder, or use DATABASE_URL for a shared Postgres.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number) {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dataDir: string): () => void {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const lockPath = `${dir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8').trim(), 10);
      if (Number.isFinite(pid) && pid > 0 && isAlive(pid)) {
        if (pid === process.pid) throw new DataDirLockedError(dir, pid);
        throw new DataDirLockedError(dir, pid);
      }
      // Stale lock from a process that is gone.
      try {
        fs.unlinkSync(lockPath);
      } catch {
        // another process removed it first; retry
      }
    }
  }
  throw new Error(`Could not lock ${dir}: lock file ${lockPath} keeps reappearing`);
}
