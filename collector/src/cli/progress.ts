/** A progress bar on stderr for long operations: redrawn in place on a terminal, a line per 10 % otherwise. */
export interface Progress {
  update: (done: number) => void;
  done: () => void;
}

export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let lastTenth = -1;
  let lastDraw = 0;
  const draw = (done: number, force = false) => {
    const f = total > 0 ? Math.min(1, done / total) : 1;
    if (tty) {
      const now = Date.now();
      if (!force && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round(f * width);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}%`);
    } else if (total >= 1024 * 1024) {
      const tenth = Math.floor(f * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`${tenth * 10}%\n`);
      }
    }
  };
  return {
    update: (done) => draw(done),
    done: () => {
      if (tty) {
        draw(total, true);
        stream.write('\n');
      }
    },
  };
}
