import { describe, expect, it } from 'vitest';
import { describeAdapter, softwareAdapterReason } from '../../../src/main/trainer/backend/webgpu-adapter';
import { planFilterGemm, TILE } from '../../../src/main/trainer/backend/webgpu-kernels/conv-backprop-filter';

// `auto` must never train on a WebGPU adapter that is the CPU in disguise; these are the adapters Dawn reports.
describe('software WebGPU adapters', () => {
  const swiftshader = {
    vendor: 'google',
    architecture: 'swiftshader',
    device: 'swiftshader-device-subzero-',
    description: 'SwiftShader driver 5.0.0',
    isFallbackAdapter: true,
  };

  it('names the adapter as people know it', () => {
    expect(describeAdapter(swiftshader)).toBe('google swiftshader (SwiftShader driver 5.0.0)');
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'hopper', description: '' })).toBe(
      'nvidia hopper',
    );
    expect(describeAdapter(undefined)).toBe('WebGPU adapter');
  });

  it('flags isFallbackAdapter, on the info or (older Dawn) on the adapter', () => {
    expect(softwareAdapterReason(swiftshader)).toBe(
      'google swiftshader (SwiftShader driver 5.0.0) is a fallback adapter (isFallbackAdapter): it runs on the CPU, far slower than tfjs-node',
    );
    expect(softwareAdapterReason({ vendor: 'x', architecture: 'y' }, true)).toMatch(/fallback adapter/);
  });

  it.each([
    [{ vendor: 'google', architecture: 'swiftshader' }, 'swiftshader'],
    [{ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, 'llvmpipe'],
    [{ vendor: 'mesa', description: 'lavapipe' }, 'lavapipe'],
    [{ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }, 'Microsoft Basic Render'],
  ])('flags a software driver by name even without the flag: %j', (info, name) => {
    expect(softwareAdapterReason(info)).toBe(
      `${describeAdapter(info)} is a software driver (${name}): it runs on the CPU, far slower than tfjs-node`,
    );
  });

  it.each([
    { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200', isFallbackAdapter: false },
    { vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon RX 7900' },
    { vendor: 'apple', architecture: 'metal-3' },
    { vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD Graphics 770' },
  ])('a real GPU is not flagged: %j', (info) => {
    expect(softwareAdapterReason(info)).toBeNull();
  });
});

describe('filter-gradient GEMM plan', () => {
  it.each([
    [27, 8, 2 * 32 * 32],
    [576, 64, 32 * 32 * 32],
    [4608, 512, 8 * 8 * 8],
    [9, 1, 1],
  ])('K=%i N=%i M=%i: splits of whole tiles cover every m row exactly once', (K, N, M) => {
    const g = planFilterGemm(K, N, M);
    expect(g.mPerSplit % TILE).toBe(0);
    expect(g.splits * g.mPerSplit).toBeGreaterThanOrEqual(M);
    expect((g.splits - 1) * g.mPerSplit).toBeLessThan(M);
  });

  it('splits a long m range when the filter has few tiles, and not a short one', () => {
    expect(planFilterGemm(27, 8, 32 * 128 * 128).splits).toBeGreaterThan(100);
    expect(planFilterGemm(576, 64, 200).splits).toBe(1);
  });
});
