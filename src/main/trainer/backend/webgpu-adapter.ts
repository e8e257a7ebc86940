// What kind of WebGPU adapter Dawn handed us. A fallback adapter (WebGPU's isFallbackAdapter) or a software
// Vulkan driver (SwiftShader, llvmpipe/lavapipe, WARP) runs the shaders on the CPU: correct, and what CI tests
// the webgpu path on, but far slower than tfjs-node on the same cores. `auto` must never pick one for training.

/** The adapter fields we read (GPUAdapterInfo; older Dawn builds put isFallbackAdapter on the adapter). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** Driver names of software rasterisers that present themselves as GPUs. */
const SOFTWARE_DRIVERS = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** How the adapter calls itself, e.g. "google swiftshader (SwiftShader driver 5.0.0)" or "nvidia hopper". */
export function describeAdapter(info: AdapterInfoLike | undefined): string {
  if (!info) return 'WebGPU adapter';
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || info.device || 'WebGPU adapter';
  return info.description ? `${name} (${info.description})` : name;
}

/**
 * Why this adapter is a CPU stand-in rather than a GPU, or null when it is a GPU: WebGPU's own fallback flag,
 * or a software driver's name in vendor, architecture, device or description.
 */
export function softwareAdapterReason(
  info: AdapterInfoLike | undefined,
  adapterIsFallback?: boolean,
): string | null {
  const fallback = info?.isFallbackAdapter === true || adapterIsFallback === true;
  const text = [info?.vendor, info?.architecture, info?.device, info?.description].join(' ');
  const software = SOFTWARE_DRIVERS.exec(text)?.[0];
  if (!fallback && !software) return null;
  const what = fallback ? 'a fallback adapter (isFallbackAdapter)' : `a software driver (${software})`;
  return `${describeAdapter(info)} is ${what}: it runs on the CPU, far slower than tfjs-node`;
}

/** Thrown by the webgpu loader when `auto` asked and the only adapter is a software one (not a load failure). */
export class SoftwareAdapterRefused extends Error {}
