import { describe, expect, it } from 'vitest';
import { exitReason, lastMeaningfulLine } from '../../../src/main/services/runs/trainer-host';

describe("a dead trainer's reason", () => {
  it("skips Node's crash footer and stack frames: the error line is the reason", () => {
    const node = [
      '/app/trainer.cjs:10',
      "    throw new Error('boom');",
      '    ^',
      '',
      'Error: boom',
      '    at Object.<anonymous> (/app/trainer.cjs:10:11)',
      '    at Module._compile (node:internal/modules/cjs/loader:1554:14)',
      '',
      'Node.js v20.19.0',
      '',
    ].join('\n');
    expect(exitReason(1, null, node)).toBe('the trainer process exited with code 1: Error: boom');
  });

  it('keeps an error-level TensorFlow line (only info and warning chatter is dropped)', () => {
    const tf =
      '2026-12-02 00:00:00.000000: E tensorflow/core/kernels/conv_ops.cc:99] OOM when allocating tensor\n' +
      '2026-12-02 00:00:00.100000: W tensorflow/core/framework/op_kernel.cc:1830] retrying\n';
    expect(lastMeaningfulLine(tf)).toMatch(/^2026-12-02 .*: E .*OOM when allocating tensor$/);
  });

  it('says only the signal when nothing meaningful was printed', () => {
    const chatter =
      'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n' +
      'I0000 00:00:1764635000.123456   4242 cpu_feature_guard.cc:210] This TensorFlow binary is optimized\n';
    expect(exitReason(null, 'SIGKILL', chatter)).toBe('the trainer process was killed by SIGKILL');
  });
});
