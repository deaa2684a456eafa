import { describe, expect, it } from 'vitest';
import { normalizeGpuPoint } from './gpu.ts';

const MIB = 1024 * 1024;

describe('normalizeGpuPoint', () => {
  const dcgm = { gpu: '1', UUID: 'GPU-a', modelName: 'NVIDIA A100', Hostname: 'node-3', pod: 'vllm-0', namespace: 'serving' };

  it('dcgm-exporter: % → ratio, MiB → bytes, labels → gpu, host and Kubernetes fields', () => {
    expect(normalizeGpuPoint('DCGM_FI_DEV_GPU_UTIL', '', dcgm, 73)).toEqual({
      canonical: 'gpu.utilization', value: 0.73, gpuUuid: 'GPU-a', gpuIndex: '1', gpuModel: 'NVIDIA A100', modelName: '', host: 'node-3', k8sPod: 'vllm-0', k8sNamespace: 'serving',
    });
    expect(normalizeGpuPoint('DCGM_FI_DEV_FB_USED', '', dcgm, 1000)?.value).toBe(1000 * MIB);
    expect(normalizeGpuPoint('DCGM_FI_DEV_FB_FREE', '', dcgm, 24)?.canonical).toBe('gpu.memory.free_bytes');
    expect(normalizeGpuPoint('DCGM_FI_DEV_POWER_USAGE', '', dcgm, 250.5)).toMatchObject({ canonical: 'gpu.power_watts', value: 250.5 });
    expect(normalizeGpuPoint('DCGM_FI_DEV_GPU_TEMP', '', dcgm, 61)).toMatchObject({ canonical: 'gpu.temperature_celsius', value: 61 });
    expect(normalizeGpuPoint('DCGM_FI_PROF_SM_ACTIVE', '', dcgm, 0.5)).toMatchObject({ canonical: 'gpu.sm_active', value: 0.5 });
    expect(normalizeGpuPoint('DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', '', dcgm, 0.25)).toMatchObject({ canonical: 'gpu.tensor_active', value: 0.25 });
    // dcgm-exporter main renamed Hostname → hostname
    expect(normalizeGpuPoint('DCGM_FI_DEV_GPU_UTIL', '', { gpu: '0', hostname: 'node-9' }, 10)?.host).toBe('node-9');
  });

  it('a stated unit wins over the convention default', () => {
    expect(normalizeGpuPoint('DCGM_FI_DEV_GPU_UTIL', '1', dcgm, 0.73)?.value).toBe(0.73);
    expect(normalizeGpuPoint('DCGM_FI_DEV_FB_USED', 'By', dcgm, 5)?.value).toBe(5);
    expect(normalizeGpuPoint('gpu.memory.used', 'GiBy', {}, 2)?.value).toBe(2 * 1024 * MIB);
  });

  it('OTel hw.gpu: ratios and bytes as sent, hw.id is the uuid, only the general engine counts as utilization', () => {
    const hw = { 'hw.id': 'GPU-b', 'hw.model': 'H100', 'hw.gpu.task': 'general' };
    expect(normalizeGpuPoint('hw.gpu.utilization', '1', hw, 0.4)).toMatchObject({ canonical: 'gpu.utilization', value: 0.4, gpuUuid: 'GPU-b', gpuModel: 'H100' });
    expect(normalizeGpuPoint('hw.gpu.utilization', '1', { ...hw, 'hw.gpu.task': 'encoder' }, 0.9)).toBeNull();
    expect(normalizeGpuPoint('hw.gpu.memory.limit', 'By', hw, 80e9)).toMatchObject({ canonical: 'gpu.memory.total_bytes', value: 80e9 });
    expect(normalizeGpuPoint('hw.power', 'W', { 'hw.type': 'gpu', 'hw.id': 'GPU-b' }, 300)).toMatchObject({ canonical: 'gpu.power_watts', gpuUuid: 'GPU-b' });
    expect(normalizeGpuPoint('hw.power', 'W', { 'hw.type': 'psu' }, 300)).toBeNull();
  });

  it('OpenLIT gpu.*, nvidia-smi fields and nvidia_gpu_exporter names', () => {
    expect(normalizeGpuPoint('gpu.utilization', '', { gpu_index: '2', gpu_uuid: 'GPU-c', gpu_name: 'L4' }, 50)).toMatchObject({ value: 0.5, gpuIndex: '2', gpuUuid: 'GPU-c', gpuModel: 'L4' });
    expect(normalizeGpuPoint('gpu.memory.total', '', {}, 1024)?.value).toBe(1024 * MIB);
    expect(normalizeGpuPoint('utilization.gpu', '', { index: '0', uuid: 'GPU-d', name: 'T4' }, 12)).toMatchObject({ value: 0.12, gpuUuid: 'GPU-d', gpuModel: 'T4' });
    expect(normalizeGpuPoint('power.draw', '', {}, 70)).toMatchObject({ canonical: 'gpu.power_watts', value: 70 });
    expect(normalizeGpuPoint('nvidia_smi_utilization_gpu_ratio', '', { uuid: 'GPU-e' }, 0.3)).toMatchObject({ value: 0.3, gpuUuid: 'GPU-e' });
  });

  it('vLLM and Triton: queue, running, KV cache (both names), latency histograms, served model', () => {
    const v = { model_name: 'llama-3-8b', engine: '0' };
    expect(normalizeGpuPoint('vllm:num_requests_running', '', v, 4)).toMatchObject({ canonical: 'inference.requests_running', value: 4, modelName: 'llama-3-8b' });
    expect(normalizeGpuPoint('vllm:num_requests_waiting', '', v, 9)?.canonical).toBe('inference.requests_waiting');
    expect(normalizeGpuPoint('vllm:gpu_cache_usage_perc', '', v, 0.8)).toMatchObject({ canonical: 'inference.kv_cache_usage', value: 0.8 });
    expect(normalizeGpuPoint('vllm:kv_cache_usage_perc', '', v, 0.8)).toMatchObject({ canonical: 'inference.kv_cache_usage', value: 0.8 });
    const ttft = normalizeGpuPoint('vllm:time_to_first_token_seconds', '', v, NaN);
    expect(ttft?.canonical).toBe('inference.ttft_seconds');
    expect(normalizeGpuPoint('vllm:e2e_request_latency_seconds', '', v, NaN)?.canonical).toBe('inference.e2e_latency_seconds');
    // Token and request counters, declared with or without `_total` by Prometheus clients.
    expect(normalizeGpuPoint('vllm:generation_tokens_total', '', v, 5000)).toMatchObject({ canonical: 'inference.generation_tokens', value: 5000, modelName: 'llama-3-8b' });
    expect(normalizeGpuPoint('vllm:prompt_tokens', '', v, 7)?.canonical).toBe('inference.prompt_tokens');
    expect(normalizeGpuPoint('vllm:request_success_total', '', v, 3)?.canonical).toBe('inference.requests_finished');
    expect(normalizeGpuPoint('nv_gpu_utilization', '', { gpu_uuid: 'GPU-f' }, 0.6)).toMatchObject({ canonical: 'gpu.utilization', value: 0.6, gpuUuid: 'GPU-f' });
    expect(normalizeGpuPoint('nv_gpu_memory_used_bytes', '', { gpu_uuid: 'GPU-f' }, 123)).toMatchObject({ value: 123 });
    expect(normalizeGpuPoint('nv_inference_pending_request_count', '', { model: 'resnet', version: '1' }, 2)).toMatchObject({ canonical: 'inference.requests_waiting', modelName: 'resnet' });
  });

  it('leaves other metrics alone, including names that only look like ours', () => {
    expect(normalizeGpuPoint('http.server.duration', 's', {}, 1)).toBeNull();
    expect(normalizeGpuPoint('__proto__', '', {}, 1)).toBeNull();
    expect(normalizeGpuPoint('toString', '', {}, 1)).toBeNull();
  });
});
