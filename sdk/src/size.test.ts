/**
 * The size budget (issue 4): the full script-tag SDK, js-cookie included, ≤ 3.0 KB min+gzip; the
 * inline loader snippet ≤ 400 B. Builds both in memory with the real rollup config (size is
 * deterministic, unlike time).
 */
import { describe, expect, it } from 'vitest';
import { rollup, type OutputOptions } from 'rollup';
import config, { BUDGETS, gzipSize } from '../../rollup.config.js';

describe('size budget', () => {
  for (const [file, budget] of Object.entries(BUDGETS))
    it(`${file} ≤ ${budget} B min+gzip`, async () => {
      const cfg = config.find((c) => (c.output as OutputOptions).file?.endsWith('/' + file))!;
      const bundle = await rollup({ ...cfg, onwarn: () => {} });
      // Without the printing plugin, so the test output stays quiet.
      const out = cfg.output as OutputOptions;
      const { output } = await bundle.generate({ ...out, file: undefined, plugins: (out.plugins as { name: string }[]).filter((p) => p.name != 'closeloop-size') });
      await bundle.close();
      expect(gzipSize(output[0].code), `${file}: ${output[0].code.length} B min`).toBeLessThanOrEqual(budget);
    });
});
